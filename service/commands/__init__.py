"""CLI commands that live beside ``service/cli.py`` (registered there with ``app.command``).

Each module imports its heavy dependencies inside the command, so ``--help`` stays fast.
"""

from __future__ import annotations

import typer


def fail(message: str) -> typer.Exit:
    """Print a user error in red and return the exit (code 2) to raise."""
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)

"""CLI commands that live beside ``service/cli.py`` (registered there with ``app.command``).

Each module imports its heavy dependencies inside the command, so ``--help`` stays fast.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from service.config import Settings
    from service.storage.db import Database


def cli_user() -> str:
    """Who a command's edits, exports and reports are logged and audited as: the local
    user (the API audits its signed-in user)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def fail(message: str) -> typer.Exit:
    """Print a user error in red and return the exit (code 2) to raise."""
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


def open_database(settings: Settings | None = None) -> Database:
    """The configured database, migrated to the newest schema."""
    from service.config import Settings
    from service.storage.db import Database

    db = Database((settings or Settings()).resolved_database_url)
    db.migrate()
    return db


@contextmanager
def database(settings: Settings | None = None) -> Iterator[Database]:
    """``open_database`` for one command: its connections are closed at the end."""
    db = open_database(settings)
    try:
        yield db
    finally:
        db.dispose()

"""CLI commands that live beside ``service/cli.py`` (registered there with ``app.command``).

Each module imports its heavy dependencies inside the command, so ``--help`` stays fast.
"""

from __future__ import annotations

import functools
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

from service.errors import ServiceError

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


class CommandApp(typer.Typer):
    """A typer app whose commands answer a user error (``service.errors.ServiceError``,
    whatever layer raised it) in one way: its message in red, exit status 2. A command
    lets such errors rise instead of catching each; anything else is a bug and is raised."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
        register = super().command(*args, **kwargs)

        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(function)
            def answered(*call_args: Any, **call_kwargs: Any) -> Any:
                try:
                    return function(*call_args, **call_kwargs)
                except ServiceError as error:
                    raise fail(error.message) from None

            register(answered)
            return function

        return decorator


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

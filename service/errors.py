"""One family of errors a user can cause and fix, raised by any layer, answered once.

A layer raises the kind that says what went wrong, with a message that tells the user
what to do; it never names an HTTP status or an exit code. ``api/errors.py`` answers
every ``ServiceError`` with its ``status`` and the message as the detail (``code``
beside it where a client needs one, ``detail_fi`` the message in Finnish where it has
one); the CLI prints the message in red and exits with status 2
(``commands.CommandApp``). A rule with no imports: any layer may use it.

Kinds: ``Forbidden`` (403: the user's role may not do this), ``NotFound`` (404;
``code`` lets a client tell "no such theme" from "no theme run yet" without reading
words), ``Conflict`` (409: clashes with what exists) and
``Invalid`` (422: the input cannot be used; an upload may say 413 or 415 instead).
"""

from __future__ import annotations

__all__ = ["Conflict", "Forbidden", "Invalid", "NotFound", "ServiceError"]


class ServiceError(Exception):
    """A request the service cannot do, in words for the user (``message``, English, and
    ``finnish`` where the error has it: the UI speaks Finnish); ``status`` is the HTTP
    status it is answered with, ``code`` an optional word for clients."""

    status = 422
    code: str | None = None

    def __init__(
        self, message: str, status: int | None = None, *, finnish: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.finnish = finnish
        if status is not None:
            self.status = status


class Forbidden(ServiceError, PermissionError):
    """The signed-in user's role in the project does not allow the request."""

    status = 403
    code = "forbidden"


class NotFound(ServiceError, LookupError):
    """Something named in a request does not exist."""

    status = 404
    code = "not_found"


class Conflict(ServiceError, ValueError):
    """The request clashes with what exists (a name taken, a draft already applied)."""

    status = 409


class Invalid(ServiceError, ValueError):
    """The input cannot be used as given (a bad choice, file, name or edit)."""

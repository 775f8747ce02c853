"""The body of every error answer (4xx), declared for every operation.

Every refusal of this API is ``{"detail": ...}``:

- a message (``HTTPException``s of the routes and their dependencies: 401, 403, 409, 413,
  422, 429; ``UploadError`` and ``EditError``; the size limit's 413; Starlette's own
  "Not Found" and "Method Not Allowed");
- with ``code`` beside it on a 404 of something the request named (``"not_found"``, or
  ``"no_theme_run"`` when a project has no theme run yet), so a client need not read the
  words;
- or, for a request that fails validation before the route runs (FastAPI's 422), the
  list of what is wrong with it, one item per field.

A fault of the service itself (500) is Starlette's plain text "Internal Server Error".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema
from starlette.routing import BaseRoute


class ValidationIssue(BaseModel):
    """One thing wrong with a request (FastAPI's validation error)."""

    type: str = Field(examples=["int_parsing"])
    loc: list[str | int] = Field(description="Where: body, query or path, then the field")
    msg: str
    input: Any = Field(default=None, description="The value refused")
    ctx: dict[str, Any] | None = Field(default=None, description="The rule, e.g. its pattern")


class ErrorOut(BaseModel):
    """Why a request was refused."""

    detail: str | list[ValidationIssue] = Field(
        description="What went wrong (in English); for a request that fails validation, "
        "one item per field"
    )
    # Never sent as null: left out where there is no code.
    code: str | SkipJsonSchema[None] = Field(
        default=None,
        description='A 404\'s reason for programs: "not_found", or "no_theme_run" when '
        "the project has no theme run yet",
        examples=["no_theme_run"],
    )
    detail_fi: str | SkipJsonSchema[None] = Field(
        default=None,
        description="The detail in Finnish, where the service has it (an upload's refusal)",
        examples=["tyhja.txt: Tiedosto on tyhjä: lataa tiedosto, jossa on tekstiä."],
    )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorOut, "description": "Refused: `detail` says why"},
    "5XX": {
        "description": "A fault of the service",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
}
"""The error answers of every operation (the app's default ``responses``)."""


def declare_error_model(routes: Sequence[BaseRoute]) -> None:
    """Give each 4xx a route declares (for its description) the error model too, so no
    error answer goes without a schema. Call before the routes' router is included."""
    for route in routes:
        if isinstance(route, APIRoute):
            route.responses = {
                status: {"model": ErrorOut, **answer} if str(status).startswith("4") else answer
                for status, answer in route.responses.items()
            }

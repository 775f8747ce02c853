"""The service's user errors as HTTP answers, in one place (``service/errors.py``)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from service.errors import ServiceError

__all__ = ["add_error_handlers"]


def add_error_handlers(app: FastAPI) -> None:
    """Answer every ``ServiceError`` with its status, its message as the detail and, where
    it has them, its ``code`` and the message in Finnish (``detail_fi``)."""

    @app.exception_handler(ServiceError)
    async def user_error(_request: Request, error: ServiceError) -> JSONResponse:
        body: dict[str, str] = {"detail": error.message}
        if error.code is not None:
            body["code"] = error.code
        if error.finnish is not None:
            body["detail_fi"] = error.finnish
        return JSONResponse(body, status_code=error.status)

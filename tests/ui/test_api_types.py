"""The UI reads the API's answers as the types the API declares (issue 16).

``ui/api_types.py`` is generated from the app's OpenAPI schema (``python -m
service.api.typegen``); the client's methods return those types, and mypy checks the
client against them (pyproject's ``[tool.mypy] files``)."""

from __future__ import annotations

import inspect

from service.api.typegen import TYPES_FILE, app_spec, render_types
from ui.client import ApiClient


def test_the_ui_types_are_the_schema_of_the_api_as_it_is() -> None:
    assert TYPES_FILE.read_text("utf-8") == render_types(app_spec()), (
        "ui/api_types.py is older than the API's schema: run `python -m service.api.typegen`"
    )


def test_the_client_answers_in_the_schemas_types() -> None:
    untyped = [
        name
        for name, method in inspect.getmembers(ApiClient, inspect.isfunction)
        if not name.startswith("_") and "dict[str, Any]" in str(method.__annotations__["return"])
    ]
    assert untyped == [], f"answers without the schema's type: {untyped}"

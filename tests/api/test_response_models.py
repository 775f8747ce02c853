"""The OpenAPI schema describes every answer: each route declares a response model, and
what the routes send (the cached views included, which skip FastAPI's serialisation) is
exactly what their models say.

This file checks the routes of the theme, run, note, overview, comparison, agreement and
report modules. The routes of the project, document, user, sign-in, job, codebook, privacy
and export modules are checked by a sibling test of the same kind.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from service.api.app import create_app
from service.config import Settings
from service.storage.models import ThemeRun
from tests.factories import database, sample_project

# Path prefixes of the routes in routes/themes.py, runs.py, notes.py, overview.py,
# compare.py, agreement.py and report.py.
PREFIXES = tuple(
    f"/projects/{{project}}/{name}"
    for name in (
        "themes",
        "map",  # /map and /map-view
        "notes",
        "edits",
        "runs",
        "needs",
        "actors",
        "compare",
        "human-codes",
        "agreement",
        "report",
    )
)


def _typed(schema: dict[str, Any]) -> bool:
    """A reference to a model, or an array of typed items, or an object with properties
    (a union of such); never a bare free-form object."""
    if "$ref" in schema:
        return True
    if "anyOf" in schema:
        return all(_typed(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return _typed(schema.get("items", {}))
    return schema.get("type") == "object" and bool(schema.get("properties"))


def _answers(prefixes: tuple[str, ...] = PREFIXES) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(method, path, status, content) of every 2xx answer of the routes under ``prefixes``."""
    spec = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]
    return [
        (method.upper(), path, status, answer.get("content", {}))
        for path, operations in spec["paths"].items()
        if path.startswith(prefixes)
        for method, operation in operations.items()
        for status, answer in operation["responses"].items()
        if status.startswith("2")
    ]


@pytest.mark.parametrize("prefixes", [PREFIXES, ("/",)], ids=["these-routes", "every-route"])
def test_every_answer_declares_a_model(prefixes: tuple[str, ...]) -> None:
    """Here for the routes of this file's modules, and over every route of the app: a new
    route without a response model fails (``tests/api/test_typed_answers.py`` checks the
    other modules' routes in detail)."""
    answers = _answers(prefixes)
    assert len(answers) >= 25  # the prefixes still match the routes
    untyped = [
        f"{method} {path} {status}"
        for method, path, status, content in answers
        if status != "204"
        and (
            not _typed(content["application/json"]["schema"])
            if "application/json" in content
            else not content  # a file download declares its own media type instead
        )
    ]
    assert untyped == []


def test_file_downloads_declare_their_media_type() -> None:
    report = [c for m, p, s, c in _answers() if p.endswith("/report") and s == "200"]
    assert report and "application/json" not in report[0] and len(report[0]) == 1


def _validator(path: str) -> Draft202012Validator:
    """A validator of the JSON answer (200) of GET ``path`` (a route path), as the app's
    OpenAPI schema declares it."""
    spec = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]
    answer = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return Draft202012Validator({**answer["schema"], "components": spec["components"]})


ROUTE = "/projects/{project}"


@pytest.mark.parametrize(
    ("route", "query"),
    [
        ("/themes", ""),
        ("/map", ""),
        ("/map-view", ""),
        ("/needs", ""),
        ("/compare", ""),
        ("/compare", "?by=kind&period=quarter"),
        ("/notes", "?q=yhteistyö"),
        ("/runs", ""),
        ("/themes/tree", ""),
        ("/edits", ""),
        ("/themes/{key}", ""),
        ("/runs/{run_id}", ""),
        ("/notes/{note_id}/scores", ""),
    ],
)
def test_answers_are_exactly_what_their_models_say(
    client: TestClient, settings: Settings, route: str, query: str
) -> None:
    """The answer is what the schema says: every required field, no field the schema
    lacks (the models forbid extra fields), every type as declared."""
    with database(settings.resolved_database_url) as db:
        sample = sample_project(db, "p")
    note = next(n for n, (_region, _text, key) in sample.notes.items() if key == 1)
    path = route.format(key=1, run_id=sample.run_id, note_id=note)
    answer = client.get(f"/projects/p{path}{query}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in _validator(ROUTE + route).iter_errors(body)
    ]
    assert errors == []


def test_runs_stored_before_edits_were_followed_still_answer(
    client: TestClient, settings: Settings
) -> None:
    """A change report written before 2026-11-30 has no edited, moved, needs_confirmation
    or names; the run routes still answer it (defaults), with UTC times."""
    old_report = {"persisted": [1], "new": [], "vanished": [], "split": [], "merged": []}
    with database(settings.resolved_database_url) as db:
        sample = sample_project(db, "p")
        with db.session() as session:
            run = session.get(ThemeRun, sample.run_id)
            assert run is not None
            run.changes = old_report
    for path in ("/runs", f"/runs/{sample.run_id}", "/themes"):
        answer = client.get(f"/projects/p{path}")
        assert answer.status_code == 200, (path, answer.text)
    (listed,) = client.get("/projects/p/runs").json()
    assert listed["changes"]["edited"] == [] and listed["created_at"].endswith("Z")

"""The OpenAPI schema describes what the routes answer (issue 16, typed API contract).

For the operations of the routes of projects, documents (and document edits), privacy,
users (and sign-in), jobs, codebook and exports, and /health: every 2xx JSON answer has a
real schema (a model, or an array of them, never a free-form object), a download names
its media types, and every 4xx answer is described by the one error model. Times are sent
with their UTC offset, though the database stores them without one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.api.app import create_app
from service.api.responses.errors import ErrorOut
from service.config import Settings
from service.storage.access import AuditEntry
from service.storage.db import Database
from service.storage.models import Document, Job, Project
from tests.conftest import CORPORA

# The paths of these routes: an exact path, or a prefix ending in "/" or "-".
PATHS = ("/projects", "/projects/{project}", "/upload-rules", "/health", "/me", "/audit")
PREFIXES = (
    "/projects/{project}/documents",
    "/projects/{project}/privacy",
    "/projects/{project}/jobs",
    "/projects/{project}/codebook",
    "/projects/{project}/export",
    "/projects/{project}/members",
    "/me/",
    "/users",
    "/sign-",
    "/jobs/",
    "/codebooks/",
)
ERROR_REF = "#/components/schemas/ErrorOut"


def _schema() -> dict[str, Any]:
    return create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]


def _operations() -> list[Any]:
    """(name, specification) of each operation, as pytest parameters named by the name."""
    operations = []
    for path, methods in _schema()["paths"].items():
        if path in PATHS or path.startswith(PREFIXES):
            for method, spec in methods.items():
                name = f"{method.upper()} {path}"
                operations.append(pytest.param(name, spec, id=name))
    return operations


def test_the_operations_are_found() -> None:
    # 9 route files and /health: a selection that matched nothing would pass for nothing.
    assert len(_operations()) == 35


def _typed(schema: dict[str, Any]) -> bool:
    """A reference to a model, or an array of typed items, or an object with properties."""
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _typed(schema.get("items", {}))
    return schema.get("type") == "object" and bool(schema.get("properties"))


@pytest.mark.parametrize(("operation", "spec"), _operations())
def test_every_answer_has_a_schema(operation: str, spec: dict[str, Any]) -> None:
    for status, answer in spec["responses"].items():
        if not status.startswith("2"):
            continue
        content = answer.get("content", {})
        if status == "204":
            assert not content, f"{operation} {status} has no body"
            continue
        assert content, f"{operation} {status} declares no media type"
        for media, body in content.items():
            assert "*" not in media, f"{operation} {status} names no media type"
            if media == "application/json":
                assert _typed(body.get("schema", {})), f"{operation} {status}: {body}"


@pytest.mark.parametrize(("operation", "spec"), _operations())
def test_every_error_answer_has_the_error_model(operation: str, spec: dict[str, Any]) -> None:
    errors = {s: a for s, a in spec["responses"].items() if s.startswith("4")}
    assert "4XX" in errors, operation
    for status, answer in errors.items():
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        assert schema == {"$ref": ERROR_REF}, f"{operation} {status}: {answer}"


def test_an_upload_declares_each_of_its_statuses() -> None:
    # 202: queued; 201: ingested while the request waited; 200: only duplicates, no job.
    answers = _schema()["paths"]["/projects/{project}/documents"]["post"]["responses"]
    for status in ("200", "201", "202"):
        schema = answers[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/UploadAccepted"}, status


def test_the_error_model_allows_each_error_shape() -> None:
    error = _schema()["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    detail_types = [option.get("type") for option in error["properties"]["detail"]["anyOf"]]
    assert detail_types == ["string", "array"]  # a message; a request's validation errors
    assert "code" in error["properties"]  # beside a 404's message


def _utc(stored: dt.datetime) -> str:
    """What the API sends for a time stored (naive, in UTC) as ``stored``."""
    assert stored.tzinfo is None
    return stored.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def test_stored_times_are_sent_with_their_utc_offset(
    client: TestClient, settings: Settings
) -> None:
    project = client.post("/projects", json={"name": "ajat"}).json()
    path = CORPORA / "pohjois-savo_learning-cafe_2017.txt"
    upload = client.post(
        "/projects/ajat/documents?wait=true",
        data={"region": "Pohjois-Savo"},
        files=[("files", (path.name, path.read_bytes(), "text/plain"))],
    )
    assert upload.status_code == 201, upload.text
    job = client.get(f"/jobs/{upload.json()['job_id']}").json()
    [document] = client.get("/projects/ajat/documents").json()
    audit = client.get("/audit").json()[-1]

    db = Database(settings.resolved_database_url)
    with db.session() as session:
        stored_project = session.scalars(select(Project)).one()
        stored_job = session.get(Job, job["id"])
        stored_document = session.get(Document, document["id"])
        stored_audit = session.get(AuditEntry, audit["id"])
        assert stored_job is not None and stored_document is not None
        assert stored_audit is not None
        assert project["created_at"] == _utc(stored_project.created_at)
        assert job["created_at"] == _utc(stored_job.created_at)
        assert job["updated_at"] == _utc(stored_job.updated_at)
        assert document["created_at"] == _utc(stored_document.created_at)
        assert audit["created_at"] == _utc(stored_audit.created_at)
    db.dispose()
    for sent in (project, job, document, audit):
        assert dt.datetime.fromisoformat(sent["created_at"]).utcoffset() == dt.timedelta(0)


def test_each_error_shape_is_an_error_model(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/t.db"
    )  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        signed_in = {"Authorization": f"Bearer {(tmp_path / 'admin-token').read_text().strip()}"}
        client.post("/projects", json={"name": "a"}, headers=signed_in)
        answers = {
            "list of field errors": client.post("/projects", json={"name": "A"}, headers=signed_in),
            "message and code": client.get("/projects/b", headers=signed_in),
            "message": client.put("/projects/a/codebook", headers=signed_in),
            "conflict": client.post("/projects", json={"name": "a"}, headers=signed_in),
            "not signed in": client.get("/me"),
        }
    for shape, answer in answers.items():
        assert 400 <= answer.status_code < 500, shape
        body = answer.json()
        assert set(body) <= {"detail", "code", "detail_fi"}, shape
        ErrorOut.model_validate(body)
    assert isinstance(answers["list of field errors"].json()["detail"], list)
    assert answers["message and code"].json()["code"] == "not_found"
    taken = "Projekti 'a' on jo olemassa; valitse toinen nimi."
    assert answers["conflict"].json()["detail_fi"] == taken  # the UI speaks Finnish

"""Schemathesis against the app's own OpenAPI schema: no request gets a server error (5xx),
and every answer, errors included, conforms to the schema the app publishes.

The schema is the one the app serves at ``/openapi.json``, so a new route is fuzzed
without anyone adding it here. Each operation is a test of its own, on a fresh app and
SQLite database, signed in as the administrator. Every ``{project}`` is project ``p``, which
holds documents, notes and a theme run, so the requests reach real data instead of stopping
at a 404 (unknown projects are covered by ``test_access.py``). Examples are bounded and
derandomized with a fixed seed: the run is reproducible and its time bounded.
"""

from __future__ import annotations

from pathlib import Path

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.python.asgi import get_client

from service.api.app import create_app
from service.config import Settings
from tests.factories import database, sample_project

PROJECT = "p"

# `app.openapi()` is exactly what `/openapi.json` serves. It is built without starting the
# app (`from_asgi` would run its lifespan outside any test's data directory), because
# Schemathesis makes one test per operation when the module is collected. (Loading it lazily
# from the `client` fixture, `schemathesis.pytest.from_fixture`, fails on pytest 9.2:
# schemathesis 4.32 sets `Function._nodeid`, which pytest no longer has.)
schema = schemathesis.openapi.from_dict(
    create_app(Settings(_env_file=None)).openapi(),  # type: ignore[call-arg]
    config=schemathesis.Config.from_dict(
        {"seed": 20240611, "parameters": {"path.project": PROJECT}}
    ),
)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: this is about the routes, not the storage, and it stays fast."""
    return f"sqlite:///{tmp_path / 'teema.db'}"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A ``?wait=true`` request answers 202 after 3 s instead of waiting for its job: the
    requests are checked here, not the fit (a theme run on a busy machine outlasts the
    client's 10 s read timeout)."""
    return settings.model_copy(update={"max_wait_seconds": 3.0})


def _ensure_project(client: TestClient, settings: Settings) -> None:
    """Project ``p`` with documents, notes and a theme run, written straight into the
    database (no model needed). A generated request may delete it; it is then made again.

    The run's theme centroids are placeholders, so a new run started by a generated request
    fails in its background job when matching themes to this run; the request itself, which
    is what is checked here, still answers."""
    if client.get(f"/projects/{PROJECT}").status_code == 404:
        with database(settings.resolved_database_url) as db:
            sample_project(db, PROJECT)


@schema.parametrize()
@hypothesis.settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    # One app and database per operation, shared by its examples on purpose: later requests
    # see what earlier ones made or deleted.
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
def test_no_request_gets_a_server_error(
    case: schemathesis.Case, client: TestClient, settings: Settings
) -> None:
    _ensure_project(client, settings)
    # A requests session that calls the app in-process. The `client` fixture runs the app's
    # lifespan; this session is not entered, so it does not start the app a second time.
    session = get_client(client.app)
    case.call_and_validate(
        session=session,
        base_url="http://testserver",
        headers={"Authorization": client.headers["Authorization"]},
        checks=[not_a_server_error, response_schema_conformance],
    )

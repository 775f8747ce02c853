"""Shared fixtures: real databases (SQLite and PostgreSQL), the real model, the real app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.config import REPO_ROOT, Settings
from service.nlp import NlpResources
from tests.postgres import PostgresServer

CORPORA = REPO_ROOT / "corpora"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage/API test runs once on SQLite and once on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'teema.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture(scope="session")
def nlp() -> NlpResources:
    """The real default model and Finnish analyzer, loaded once for the whole run."""
    return NlpResources(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, database_url=database_url)  # type: ignore[call-arg]


@pytest.fixture
def client(settings: Settings, nlp: NlpResources) -> Iterator[TestClient]:
    """The real app, signed in as the administrator created on first start."""
    with TestClient(create_app(settings, nlp)) as test_client:
        token = (settings.data_dir / "admin-token").read_text().strip()
        test_client.headers["Authorization"] = f"Bearer {token}"
        yield test_client

"""A real API in a background thread, filled through its own HTTP endpoints, for the UI tests.

The server is ``service.api.app.create_app`` with its real database (SQLite in a temporary
folder) and the real model, served by uvicorn on a free loopback port; the pages reach it
through ``at.session_state["api_url"]``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp
from streamlit.testing.v1 import AppTest

from service.api.app import create_app
from service.config import Settings
from service.corpora import read_manifest
from service.nlp import NlpResources
from tests.postgres import free_port

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
PAGE_TIMEOUT = 120  # seconds: a page may follow an ingest or theme job to its end


class ApiServer:
    """uvicorn serving the app in a daemon thread; ``stop`` ends it cleanly."""

    def __init__(self, app: ASGIApp) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> ApiServer:
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("The API did not start.")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)


def admin_token(folder: Path) -> str:
    """The administrator's token, written by the service on its first start."""
    return (folder / "admin-token").read_text(encoding="utf-8").strip()


@pytest.fixture(scope="session")
def api_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-api")


@pytest.fixture(scope="session")
def api_url(api_folder: Path, nlp: NlpResources) -> Iterator[str]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=api_folder,
        database_url=f"sqlite:///{api_folder / 'teema.db'}",
    )
    server = ApiServer(create_app(settings, nlp)).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def api_token(api_url: str, api_folder: Path) -> str:
    return admin_token(api_folder)


@pytest.fixture(scope="session")
def api(api_url: str, api_token: str) -> Iterator[httpx.Client]:
    """The API signed in as its administrator, for setting up and checking."""
    headers = {"Authorization": f"Bearer {api_token}"}
    with httpx.Client(base_url=api_url, timeout=600, headers=headers) as client:
        yield client


def ingest_corpora(api: httpx.Client, project: str) -> None:
    """Create the project and upload the shipped corpora with their manifest metadata."""
    assert api.post("/projects", json={"name": project}).status_code == 201
    # The service answers 201 before its session commits (a yield dependency that exits
    # after the response), so the project can be briefly invisible; reported to the lead.
    deadline = time.monotonic() + 10
    while api.get(f"/projects/{project}").status_code == 404 and time.monotonic() < deadline:
        time.sleep(0.05)
    for document in read_manifest():
        form = {
            "region": document.region,
            "kind": document.kind,
            **({"date": document.date} if document.date else {}),
            **({"event": document.event} if document.event else {}),
        }
        files = [("files", (document.path.name, document.path.read_bytes(), "text/plain"))]
        answer = api.post(f"/projects/{project}/documents?wait=true", data=form, files=files)
        assert answer.status_code in (200, 201), answer.text
        if answer.json()["job_id"]:
            job = api.get(f"/jobs/{answer.json()['job_id']}").json()
            assert job["state"] == "succeeded", job


def run_themes(api: httpx.Client, project: str) -> None:
    answer = api.post(f"/projects/{project}/runs?wait=true", json={})
    assert answer.status_code == 201, answer.text
    job = api.get(f"/jobs/{answer.json()['job_id']}").json()
    assert job["state"] == "succeeded", job


@pytest.fixture(scope="session")
def themed_project(api: httpx.Client) -> str:
    """A project with all shipped corpora and one theme run; tests only read it."""
    ingest_corpora(api, "luku")
    run_themes(api, "luku")
    return "luku"


@pytest.fixture
def new_themed_project(api: httpx.Client) -> Callable[[str], str]:
    """A fresh themed project for a test that edits (embeddings are cached, so it is quick)."""

    def make(name: str) -> str:
        ingest_corpora(api, name)
        run_themes(api, name)
        return name

    return make


def open_app(
    api_url: str,
    token: str | None,
    project: str | None = None,
    page: str | None = None,
    lang: str = "fi",
) -> AppTest:
    """The app as a new browser session would see it, pointed at the test's API and signed
    in with ``token`` (as if typed in the sidebar)."""
    at = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT)
    at.session_state["api_url"] = api_url
    at.session_state["api_token"] = token or ""
    at.session_state["lang"] = lang
    if project is not None:
        at.session_state["project"] = project
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at

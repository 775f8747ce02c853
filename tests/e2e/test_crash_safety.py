"""SIGKILL the real service in the middle of an ingest and of a theme run: there is no
half document and no half run, and after a restart the same job runs again and finishes
once (issue 17: a job whose worker died is queued again). Run on SQLite and on
PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from service.config import REPO_ROOT
from service.storage.db import Database
from service.storage.models import Assignment, Document, Note, Theme, ThemeRun
from tests.postgres import PostgresServer, free_port
from tests.shared import proposals_csv

pytestmark = pytest.mark.slow


class Service:
    """``python -m service.cli serve`` as a subprocess that can be killed for real."""

    def __init__(
        self, data_dir: Path, database_url: str, job_workers: int = 2, worker_processes: int = 1
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "TEEMA_DATA_DIR": str(data_dir),
            "TEEMA_DATABASE_URL": database_url,
            "TEEMA_JOB_WORKERS": str(job_workers),
            "TEEMA_WORKER_PROCESSES": str(worker_processes),
            "HF_HUB_OFFLINE": "1",
        }
        self.log = data_dir / "service.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.data_dir = data_dir

    def start(self) -> httpx.Client:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "service.cli", "serve", "--port", str(self.port)],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).is_success:
                    token = (self.data_dir / "admin-token").read_text().strip()
                    return httpx.Client(
                        base_url=self.url,
                        timeout=900,
                        headers={"Authorization": f"Bearer {token}"},
                    )
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(self.log.read_text(errors="replace")[-2000:])

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait_for(job: Callable[[], dict], until: Callable[[dict], bool], seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = job()
        if until(state):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job never reached the wanted state: {state}")


def _ended(job: dict) -> bool:
    return job["state"] in ("succeeded", "failed")


def _consistent(database_url: str) -> tuple[int, int]:
    """(documents, runs); asserts every stored document and run is whole."""
    db = Database(database_url)
    with db.session() as session:
        documents = session.scalars(select(Document)).all()
        for document in documents:
            notes = session.scalar(
                select(func.count()).select_from(Note).where(Note.document_id == document.id)
            )
            assert notes == document.note_count, "half a document was left behind"
        runs = session.scalars(select(ThemeRun)).all()
        for run in runs:
            assigned = session.scalar(
                select(func.count()).select_from(Assignment).where(Assignment.run_id == run.id)
            )
            themes = session.scalar(
                select(func.count()).select_from(Theme).where(Theme.run_id == run.id)
            )
            assert assigned == run.note_count and themes, "half a run was left behind"
    db.dispose()
    return len(documents), len(runs)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_during_ingest_and_theme_run(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'teema.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.create_database()
    service = Service(tmp_path, url)
    api = service.start()
    try:
        assert api.post("/projects", json={"name": "p"}).status_code == 201
        big = proposals_csv(800)
        started = api.post(
            "/projects/p/documents",
            data={"region": "Helsinki"},
            files=[("files", ("ehdotukset.csv", big))],
        )
        assert started.status_code == 202, started.text
        job_id = started.json()["job_id"]
        _wait_for(
            lambda: api.get(f"/jobs/{job_id}").json(),
            # 0.15 = lemmas done, embedding under way: the middle of the ingest
            lambda job: job["state"] == "running" and job["progress"] >= 0.15,
            600,
        )
        service.kill()
        assert _consistent(url) == (0, 0)

        api = service.start()  # the killed job is queued again and runs from the start
        job = _wait_for(lambda: api.get(f"/jobs/{job_id}").json(), _ended, 900)
        assert job["state"] == "succeeded", job
        (document,) = job["result"]["documents"]
        assert not document["duplicate"]  # stored once, by the second attempt
        assert _consistent(url) == (1, 0)

        run = api.post("/projects/p/runs", json={})
        assert run.status_code == 202
        run_job = run.json()["job_id"]
        _wait_for(
            lambda: api.get(f"/jobs/{run_job}").json(),
            lambda job: job["state"] == "running" and job["progress"] >= 0.2,
            600,
        )
        service.kill()
        assert _consistent(url) == (1, 0)

        api = service.start()
        job = _wait_for(lambda: api.get(f"/jobs/{run_job}").json(), _ended, 900)
        assert job["state"] == "succeeded", job
        assert _consistent(url) == (1, 1)
    finally:
        service.stop()

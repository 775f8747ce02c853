"""Worker processes (issue 17): an API that only submits (``TEEMA_JOB_WORKERS=0``) and
``teemakartta worker`` processes on one PostgreSQL database. SIGKILL the worker running
an ingest, then the one running a theme run: another worker finishes each job, nothing
is half-written and nothing is done twice."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import REPO_ROOT
from service.storage.db import Database
from service.storage.models import Job
from tests.e2e.test_crash_safety import Service, _consistent, _ended, _wait_for
from tests.postgres import PostgresServer
from tests.shared import proposals_csv

pytestmark = pytest.mark.slow


def _worker(service: Service, name: str) -> subprocess.Popen[bytes]:
    log = service.data_dir / f"{name}.log"
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker"],
            cwd=REPO_ROOT,
            env=service.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _owner_pid(url: str, job_id: str) -> int:
    db = Database(url)
    try:
        with db.session() as session:
            job = session.get(Job, job_id)
            assert job is not None and job.owner, "a running job names its worker"
            return int(job.owner.split(":")[1])
    finally:
        db.dispose()


def _kill_owner(url: str, job_id: str, workers: dict[int, subprocess.Popen[bytes]]) -> None:
    worker = workers.pop(_owner_pid(url, job_id))  # a worker process of this test
    worker.send_signal(signal.SIGKILL)
    worker.wait()


def test_another_worker_finishes_the_job_of_a_killed_one(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    url = postgres_server.create_database()
    service = Service(tmp_path, url, job_workers=0, worker_processes=0)
    api = service.start()
    workers = {p.pid: p for p in (_worker(service, "w1"), _worker(service, "w2"))}
    try:
        assert api.post("/projects", json={"name": "p"}).status_code == 201
        started = api.post(
            "/projects/p/documents",
            data={"region": "Helsinki"},
            files=[("files", ("ehdotukset.csv", proposals_csv(800)))],
        )
        assert started.status_code == 202, started.text
        job_id = started.json()["job_id"]
        _wait_for(
            lambda: api.get(f"/jobs/{job_id}").json(),
            lambda job: job["state"] == "running" and job["progress"] >= 0.15,
            900,
        )
        _kill_owner(url, job_id, workers)
        job = _wait_for(lambda: api.get(f"/jobs/{job_id}").json(), _ended, 900)
        assert job["state"] == "succeeded", job
        (document,) = job["result"]["documents"]
        assert not document["duplicate"]  # stored once, by the second worker
        assert _consistent(url) == (1, 0)

        spare = _worker(service, "w3")  # the next kill leaves one worker
        workers[spare.pid] = spare
        run_job = api.post("/projects/p/runs", json={}).json()["job_id"]
        _wait_for(
            lambda: api.get(f"/jobs/{run_job}").json(),
            lambda job: job["state"] == "running" and job["progress"] >= 0.2,
            900,
        )
        _kill_owner(url, run_job, workers)
        job = _wait_for(lambda: api.get(f"/jobs/{run_job}").json(), _ended, 900)
        assert job["state"] == "succeeded", job
        assert _consistent(url) == (1, 1)
    finally:
        for worker in workers.values():
            worker.terminate()
        for worker in workers.values():
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        service.stop()

"""Cancel a job (issue 17): a queued job never starts, a running one stops at its next
progress report, either way the job fails saying who cancelled it and its upload is
deleted. Only someone who may start such a job in the project may cancel it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.jobs import JobInput, Progress
from service.storage.models import JobFile, Project
from tests.conftest import CORPORA

SAMPLE = CORPORA / "pohjois-savo_learning-cafe_2017.txt"


def _project_id(app: Any, name: str) -> int:
    with app.state.db.session() as session:
        return int(session.scalar(select(Project.id).where(Project.name == name)))


def _hold(app: Any, project: str) -> tuple[str, threading.Event, threading.Event]:
    """A running job of ``project`` that reports progress until released: (id, started,
    release)."""
    started, release = threading.Event(), threading.Event()

    def held(_job: JobInput, progress: Progress) -> dict[str, Any]:
        started.set()
        while not release.wait(0.05):
            progress(0.5, "holding")
        return {"finished": True}

    app.state.jobs.tasks["held"] = held
    job_id = app.state.jobs.submit("held", _project_id(app, project))
    assert started.wait(30)
    return job_id, started, release


def test_a_running_job_stops_at_its_next_report(client: TestClient) -> None:
    app: Any = client.app
    client.post("/projects", json={"name": "p"})
    job_id, _started, release = _hold(app, "p")
    answer = client.post(f"/projects/p/jobs/{job_id}/cancel")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "failed"
    assert app.state.jobs.wait(job_id, 30)
    release.set()
    job = client.get(f"/jobs/{job_id}").json()
    assert job["state"] == "failed" and job["error"].startswith("Cancelled by admin")
    assert job["result"] == {}  # it never finished
    again = client.post(f"/projects/p/jobs/{job_id}/cancel")
    assert again.status_code == 409 and "ended" in again.json()["detail"]


def test_a_queued_upload_never_starts_and_its_file_goes(client: TestClient) -> None:
    app: Any = client.app
    client.post("/projects", json={"name": "p"})
    _held, _started, release = _hold(app, "p")  # the upload queues behind it
    upload = client.post(
        "/projects/p/documents",
        files={"files": (SAMPLE.name, SAMPLE.read_bytes(), "text/plain")},
        data={"region": "Kainuu"},
    ).json()["job_id"]
    assert client.get(f"/jobs/{upload}").json()["state"] == "queued"
    assert client.post(f"/projects/p/jobs/{upload}/cancel").status_code == 200
    release.set()
    assert app.state.jobs.wait(upload, 30)
    with app.state.db.session() as session:
        assert session.scalar(select(func.count()).select_from(JobFile)) == 0
    assert client.get("/projects/p/documents").json() == []
    assert client.get(f"/jobs/{upload}").json()["state"] == "failed"


def test_only_someone_who_may_start_it_cancels_it(client: TestClient) -> None:
    app: Any = client.app
    for name in ("p", "q"):
        client.post("/projects", json={"name": name})
    job_id, _started, release = _hold(app, "p")
    try:
        # Another project's job is not found through this project: no leak.
        assert client.post(f"/projects/q/jobs/{job_id}/cancel").status_code == 404
        reader = client.post("/users", json={"name": "lukija"}).json()["token"]
        client.put("/projects/p/members/lukija", json={"role": "evaluator"})
        as_reader = client.post(
            f"/projects/p/jobs/{job_id}/cancel", headers={"Authorization": f"Bearer {reader}"}
        )
        assert as_reader.status_code == 403
        assert client.get(f"/jobs/{job_id}").json()["state"] == "running"
    finally:
        release.set()


def test_a_running_job_says_when_it_started_and_how_long_it_has_left(
    client: TestClient,
) -> None:
    """The estimate follows the job's own pace: time so far x what is left / what is done."""
    app: Any = client.app
    client.post("/projects", json={"name": "p"})
    job_id, _started, release = _hold(app, "p")  # reports 0.5 every 50 ms
    try:
        deadline = time.monotonic() + 30
        while (job := client.get(f"/jobs/{job_id}").json())["progress"] < 0.5:
            assert time.monotonic() < deadline, job
            time.sleep(0.05)
        assert job["state"] == "running" and job["progress"] == 0.5
        assert job["started_at"].endswith("Z")
        ran = (
            dt.datetime.fromisoformat(job["updated_at"])
            - dt.datetime.fromisoformat(job["started_at"])
        ).total_seconds()
        assert job["eta_seconds"] is not None and 0 <= job["eta_seconds"] <= ran + 1
    finally:
        release.set()
    assert app.state.jobs.wait(job_id, 30)
    done = client.get(f"/jobs/{job_id}").json()
    assert done["state"] == "succeeded" and done["eta_seconds"] is None

"""A deleted project's data never reaches a project made after it (SQLite and PostgreSQL):
ids are never reused, read views are cached under the project's own uid, and jobs die
with their project."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from service.config import Settings
from service.storage.models import Document, Note
from tests.factories import database
from tests.shared import proposals_csv


def _upload(client: TestClient, project: str, text: str, wait: bool = True) -> Response:
    return client.post(
        f"/projects/{project}/documents?wait={str(wait).lower()}",
        data={"region": "Kainuu"},
        files=[("files", ("muistio.txt", text.encode()))],
    )


def test_a_deleted_projects_notes_never_reach_a_new_project(client: TestClient) -> None:
    """The issue's repro: the new project once got the deleted one's id, and the view
    cache (keyed by id and revision) served it the deleted project's notes."""
    assert client.post("/projects", json={"name": "secretproj"}).status_code == 201
    secret = "SALAINEN: henkilöstön irtisanomiset alkavat maaliskuussa Kajaanissa."
    assert _upload(client, "secretproj", f"- {secret}\n").status_code == 201
    secret_notes = client.get("/projects/secretproj/notes").json()["notes"]
    assert [n["text"] for n in secret_notes] == [secret]
    assert client.get("/projects/secretproj/themes").status_code in (200, 404)
    assert client.delete("/projects/secretproj").status_code == 204

    assert client.post("/projects", json={"name": "bobproj"}).status_code == 201
    bob = client.post("/users", json={"name": "bob"}).json()["token"]
    member = client.put("/projects/bobproj/members/bob", json={"role": "evaluator"})
    assert member.status_code == 200
    own = "Kuntien yhteistyö tiivistyy uuden hankkeen myötä Kainuussa."
    assert _upload(client, "bobproj", f"- {own}\n").status_code == 201
    as_bob = {"Authorization": f"Bearer {bob}"}
    notes = client.get("/projects/bobproj/notes", headers=as_bob).json()["notes"]
    assert [n["text"] for n in notes] == [own]
    assert min(n["id"] for n in notes) > max(n["id"] for n in secret_notes)
    assert notes[0]["document_id"] > secret_notes[0]["document_id"]


def _wait_for(client: TestClient, job_id: str, until: Callable[[dict], bool]) -> dict:
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}").json()
        if until(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never got there: {job}")


def test_a_job_dies_with_its_project(client: TestClient, settings: Settings) -> None:
    """The issue's repro: a 400-row CSV ingesting into `oldproj` when it is deleted went
    into the next new project. Now the running job and the one queued behind it fail
    saying why, and nothing reaches the new project."""
    assert client.post("/projects", json={"name": "oldproj"}).status_code == 201
    running = client.post(
        "/projects/oldproj/documents",
        data={"region": "Helsinki"},
        files=[("files", ("ehdotukset.csv", proposals_csv(400)))],
    ).json()["job_id"]
    queued = _upload(client, "oldproj", "- Toinen muistio odottaa vuoroaan.\n", wait=False)
    queued_id = queued.json()["job_id"]
    # 0.15 = lemmas under way, embedding started: the middle of the ingest
    _wait_for(client, running, lambda job: job["state"] == "running" and job["progress"] >= 0.15)
    assert client.delete("/projects/oldproj").status_code == 204
    assert client.post("/projects", json={"name": "newproj"}).status_code == 201
    eve = client.post("/users", json={"name": "eve"}).json()["token"]
    assert client.put("/projects/newproj/members/eve", json={"role": "evaluator"}).is_success

    jobs = client.app.state.jobs  # type: ignore[attr-defined]
    assert jobs.wait(running, 900) and jobs.wait(queued_id, 60)
    as_eve = {"Authorization": f"Bearer {eve}"}
    assert client.get("/projects/newproj/notes", headers=as_eve).json()["total"] == 0
    with database(settings.resolved_database_url) as db, db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.scalar(select(func.count()).select_from(Note)) == 0
    for job_id in (running, queued_id):
        job = client.get(f"/jobs/{job_id}", headers=as_eve).json()  # whoever holds the id
        assert job["state"] == "failed" and "project was deleted" in job["error"], job
        assert job["result"] == {}
    assert client.get(f"/jobs/{queued_id}").json()["progress"] == 0.0  # it never ran
    own = _upload(client, "newproj", "- Uuden projektin oma muistiinpano tässä.\n")
    assert own.status_code == 201
    assert client.get("/projects/newproj/notes", headers=as_eve).json()["total"] == 1

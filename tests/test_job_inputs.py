"""A job is its row: the task's name, its JSON args and its files are in the database, so
any process with the database and the models can run it, not only the one that took the
request (the ground for worker processes, issue 17). Uploaded files live only while
their job waits or runs: they may hold personal data the privacy stage has not seen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.config import Settings
from service.job_recovery import recover_jobs
from service.jobs import FAILED, DatabaseJobQueue, JobInput, Progress, claim_job
from service.nlp import NlpResources
from service.storage import repository
from service.storage.db import Database
from service.storage.models import Job, JobFile, Note, ThemeRun, utc_now
from service.tasks import ingest_args, tasks_for
from tests.conftest import CORPORA
from tests.factories import add_project, database

SAMPLE = CORPORA / "pohjois-savo_learning-cafe_2017.txt"


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    with database(settings.resolved_database_url) as migrated:
        yield migrated


def _files(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(JobFile)) or 0)


def _run_from_row(db: Database, nlp: NlpResources, settings: Settings, job_id: str) -> dict:
    """What a worker that never saw the request does: read the row, run its task."""
    with db.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        given = JobInput(db, job.id, job.project_id, dict(job.args))
        kind = job.kind
    return tasks_for(db, nlp, settings)[kind](given, Progress(db, job_id, job.owner))


def test_an_upload_job_runs_from_its_row_alone(
    db: Database, nlp: NlpResources, settings: Settings
) -> None:
    project = add_project(db, "p")
    # A queue with no threads: it stores the job and never runs it.
    queue = DatabaseJobQueue(db, tasks_for(db, nlp, settings), workers=0)
    args = ingest_args(region="Kainuu", kind="workshop", date="2017-03-02", event="Kahvila")
    job_id = queue.submit("ingest", project, args, files=[(SAMPLE.name, SAMPLE.read_bytes())])
    assert _files(db) == 1
    assert claim_job(db, queue.owner) == job_id  # what a worker does to start it

    result = _run_from_row(db, nlp, settings, job_id)

    (document,) = result["documents"]
    assert document["filename"] == SAMPLE.name and document["note_count"] > 10
    with db.session() as session:
        stored = repository.get_document(session, project, document["document_id"])
        assert (stored.region, stored.event, str(stored.date)) == (
            "Kainuu",
            "Kahvila",
            "2017-03-02",
        )
        notes = session.scalar(
            select(func.count()).select_from(Note).where(Note.project_id == project)
        )
        assert notes == document["note_count"]
    queue.shutdown()


def test_a_theme_run_job_runs_from_its_row_and_names_its_job(
    db: Database, nlp: NlpResources, settings: Settings
) -> None:
    project = add_project(db, "p")
    queue = DatabaseJobQueue(db, tasks_for(db, nlp, settings), workers=1)
    upload = queue.submit(
        "ingest", project, ingest_args(region="Kainuu"), files=[(SAMPLE.name, SAMPLE.read_bytes())]
    )
    assert queue.wait(upload, 600)
    run = queue.submit("themes", project, {"filters": {"regions": ["Kainuu"]}, "preview": False})
    assert queue.wait(run, 600)
    with db.session() as session:
        job = session.get(Job, run)
        assert job is not None and job.state == "succeeded", job.error
        stored = session.scalars(select(ThemeRun).where(ThemeRun.project_id == project)).one()
        assert stored.job_id == run and stored.filters["regions"] == ["Kainuu"]
    queue.shutdown()


def test_an_upload_keeps_no_file_once_its_job_ended(client: TestClient) -> None:
    client.post("/projects", json={"name": "p"})
    answer = client.post(
        "/projects/p/documents?wait=true",
        files={"files": (SAMPLE.name, SAMPLE.read_bytes(), "text/plain")},
        data={"region": "Kainuu"},
    )
    assert answer.status_code == 201, answer.text
    db: Database = client.app.state.db  # type: ignore[attr-defined]
    assert _files(db) == 0
    with db.session() as session:
        job = session.get(Job, answer.json()["job_id"])
        assert job is not None and job.args["region"] == "Kainuu"


def test_files_of_a_job_that_can_no_longer_run_are_deleted(
    db: Database, nlp: NlpResources, settings: Settings
) -> None:
    """Its worker died for good, or its project was deleted: the upload goes too."""
    kept, doomed = add_project(db, "kept"), add_project(db, "doomed")
    queue = DatabaseJobQueue(db, tasks_for(db, nlp, settings), workers=0)
    orphan = queue.submit("ingest", kept, ingest_args(region="A"), files=[("a.txt", b"a")])
    queue.submit("ingest", doomed, ingest_args(region="B"), files=[("b.txt", b"b")])
    with db.session() as session:
        repository.delete_project(session, repository.get_project(session, "doomed"))
    assert _files(db) == 1
    with db.session() as session:  # its worker died, for the second time
        job = session.get(Job, orphan)
        assert job is not None
        job.state, job.attempts, job.owner = "running", 2, "elsewhere.example:1:x"
        job.heartbeat_at = utc_now().replace(year=2000)
    assert recover_jobs(db) == 1
    assert _files(db) == 0
    with db.session() as session:
        assert session.get(Job, orphan).state == FAILED  # type: ignore[union-attr]
    queue.shutdown()

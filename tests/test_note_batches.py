"""A large upload shares its notes in batches with the workers that are there (issue 17,
service/note_analysis.py): a free worker of another process analyses a batch while the
upload's own job does another, the stored notes are exactly those of an upload done
alone, a batch no one took or that failed is done by the upload itself, a process never
takes the batches of its own upload, and no batch row (they hold note texts) outlives
the upload. Two job queues in one test stand for two worker processes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from service import note_analysis
from service.config import Settings
from service.job_recovery import BATCH_KIND, claim_job
from service.jobs import DatabaseJobQueue, JobInput, Progress, Task
from service.nlp import NlpResources
from service.storage.db import Database
from service.storage.embeddings import load_vectors
from service.storage.models import QUEUED, RUNNING, Embedding, Job, Note, Project
from service.tasks import ingest_args, tasks_for
from tests.conftest import CORPORA
from tests.factories import add_project, database, job_row

SAMPLE = CORPORA / "pohjois-savo_learning-cafe_2017.txt"
BATCH = 8  # notes per batch: the sample makes several


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    with database(settings.resolved_database_url) as migrated:
        yield migrated


def _batched(settings: Settings, size: int = BATCH) -> Settings:
    return settings.model_copy(update={"shared_batch_notes": size})


def _upload(queue: DatabaseJobQueue, project: int) -> dict[str, Any]:
    job_id = queue.submit(
        "ingest", project, ingest_args(region="Kainuu"), files=[(SAMPLE.name, SAMPLE.read_bytes())]
    )
    assert queue.wait(job_id, 600)
    job = job_row(queue._db, job_id)  # noqa: SLF001 - the test's own queue
    assert job.state == "succeeded", job.error
    (document,) = job.result["documents"]
    return dict(document)


def _notes(db: Database, project: int) -> list[tuple[Any, ...]]:
    with db.session() as session:
        rows = session.scalars(
            select(Note).where(Note.project_id == project).order_by(Note.position)
        ).all()
        return [(n.text, n.lemmas, n.content_lemmas, n.phrases, n.embed_hash) for n in rows]


def _batch_rows(db: Database) -> int:
    with db.session() as session:
        return len(session.scalars(select(Job.id).where(Job.kind == BATCH_KIND)).all())


def _held_until_a_batch_starts(
    tasks: dict[str, Task], monkeypatch: pytest.MonkeyPatch
) -> threading.Event:
    """The upload's job does its own first batch only once another worker has taken one
    (so the test does not depend on which thread is quicker)."""
    started, upload_threads = threading.Event(), set()
    ingest, batch = tasks["ingest"], tasks[BATCH_KIND]

    def upload(job: JobInput, progress: Progress) -> dict[str, Any]:
        upload_threads.add(threading.get_ident())
        return ingest(job, progress)

    def helper(job: JobInput, progress: Progress) -> dict[str, Any]:
        started.set()
        return batch(job, progress)

    here = note_analysis.analyse_here

    def waiting_here(*args: Any, **kwargs: Any) -> note_analysis.Analysed:
        if threading.get_ident() in upload_threads:
            assert started.wait(120), "no worker took a batch"
        return here(*args, **kwargs)

    tasks["ingest"], tasks[BATCH_KIND] = upload, helper
    monkeypatch.setattr(note_analysis, "analyse_here", waiting_here)
    return started


def test_a_free_worker_analyses_batches_and_the_notes_are_as_if_done_alone(
    db: Database, nlp: NlpResources, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone_project, shared_project = add_project(db, "alone"), add_project(db, "shared")
    alone = DatabaseJobQueue(db, tasks_for(db, nlp, _batched(settings, 0)), workers=1)
    by_itself = _upload(alone, alone_project)
    alone.shutdown()
    with db.session() as session:  # the shared upload must embed, not find, its vectors
        session.execute(delete(Embedding))

    tasks = tasks_for(db, nlp, _batched(settings))
    _held_until_a_batch_starts(tasks, monkeypatch)
    queue, other = DatabaseJobQueue(db, tasks, workers=1), DatabaseJobQueue(db, tasks, workers=1)
    shared = _upload(queue, shared_project)
    queue.shutdown()
    other.shutdown()

    assert by_itself["note_count"] > 2 * BATCH and by_itself["shared_batches"] == 0
    assert shared["shared_batches"] >= 1
    assert shared["embedded"] == by_itself["embedded"]  # every text once, here or there
    assert _notes(db, shared_project) == _notes(db, alone_project)
    hashes = [row[-1] for row in _notes(db, shared_project)]
    with db.session() as session:
        assert set(load_vectors(session, nlp.embedder.model_id, hashes)) == set(hashes)
    assert _batch_rows(db) == 0


def test_with_no_other_process_the_upload_takes_its_batches_back(
    db: Database, nlp: NlpResources, settings: Settings
) -> None:
    project = add_project(db, "p")
    with db.session() as session:  # a batch an earlier try of an upload left behind
        session.add(Job(id="left", kind=BATCH_KIND, project_id=project, state=QUEUED, args={}))
    # Its second thread is free, but a process leaves its own upload's batches alone.
    queue = DatabaseJobQueue(db, tasks_for(db, nlp, _batched(settings)), workers=2)
    document = _upload(queue, project)
    queue.shutdown()
    assert document["shared_batches"] == 0 and document["note_count"] > 2 * BATCH
    assert len(_notes(db, project)) == document["note_count"]
    assert _batch_rows(db) == 0


def test_a_failed_batch_is_done_by_the_upload_itself(
    db: Database, nlp: NlpResources, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = add_project(db, "p")
    tasks = tasks_for(db, nlp, _batched(settings))

    def broken(job: JobInput, progress: Progress) -> dict[str, Any]:
        raise RuntimeError("this worker cannot analyse")

    tasks[BATCH_KIND] = broken
    _held_until_a_batch_starts(tasks, monkeypatch)
    queue, other = DatabaseJobQueue(db, tasks, workers=1), DatabaseJobQueue(db, tasks, workers=1)
    document = _upload(queue, project)
    queue.shutdown()
    other.shutdown()
    assert document["shared_batches"] == 0
    stored = _notes(db, project)
    assert len(stored) == document["note_count"] and all(lemmas for _, lemmas, *_ in stored)
    assert _batch_rows(db) == 0


def test_a_batch_starts_beside_its_projects_running_upload_and_nothing_else_does(
    db: Database,
) -> None:
    project = add_project(db, "p")
    with db.session() as session:
        session.add(Job(id="upload", kind="ingest", project_id=project, state=RUNNING))
        session.add(Job(id="run", kind="themes", project_id=project, state=QUEUED, priority=1))
        session.add(Job(id="batch", kind=BATCH_KIND, project_id=project, state=QUEUED, priority=3))
    assert claim_job(db, "worker-1", uploading={project}) is None  # the upload's own process
    assert claim_job(db, "worker-2") == "batch"
    assert claim_job(db, "worker-3") is None  # the theme run waits for the upload


def test_an_uploads_batches_are_not_listed_as_jobs_of_their_own(client: TestClient) -> None:
    client.post("/projects", json={"name": "p"})
    db: Database = client.app.state.db  # type: ignore[attr-defined]
    with db.session() as session:
        project = session.scalar(select(Project.id).where(Project.name == "p"))
        session.add(Job(id="upload", kind="ingest", project_id=project, state=RUNNING))
        session.add(Job(id="batch", kind=BATCH_KIND, project_id=project, state=QUEUED))
    assert [job["id"] for job in client.get("/projects/p/jobs").json()] == ["upload"]

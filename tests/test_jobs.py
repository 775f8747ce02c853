"""The job queue (SQLite and PostgreSQL): one project cannot hold up another, a job dies
with its project, only jobs whose worker is really gone are recovered, and a job someone
else ended is never brought back as succeeded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, update

from service.config import Settings
from service.ingest import ingest_document, prepare_document, validate_meta
from service.job_recovery import INTERRUPTED, fail_interrupted_jobs
from service.jobs import FAILED, RUNNING, SUCCEEDED, InProcessJobQueue, Progress
from service.nlp import NlpResources
from service.storage import repository
from service.storage.db import Database
from service.storage.models import Job, Project, ThemeRun, utc_now
from service.theming.notes import RunFilters
from service.theming.runs import RunOptions, fit_run
from tests.conftest import CORPORA
from tests.factories import Closures, add_project, database


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    with database(settings.resolved_database_url) as migrated:
        yield migrated


def _job(db: Database, job_id: str) -> Job:
    with db.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _blocked(
    started: threading.Event, release: threading.Event
) -> Callable[[Progress], dict[str, Any]]:
    def work(progress: Progress) -> dict[str, Any]:
        started.set()
        assert release.wait(60)
        return {}

    return work


def test_one_projects_jobs_never_hold_up_another_project(db: Database) -> None:
    a, b = add_project(db, "a"), add_project(db, "b")
    closures = Closures()
    queue = InProcessJobQueue(db, closures.tasks(), workers=2)
    started = [threading.Event() for _ in range(3)]
    release = [threading.Event() for _ in range(3)]
    first_a = queue.submit("ingest", a, closures.args(_blocked(started[0], release[0])))
    second_a = queue.submit("ingest", a, closures.args(_blocked(started[1], release[1])))
    only_b = queue.submit("ingest", b, closures.args(_blocked(started[2], release[2])))
    assert started[0].wait(30) and started[2].wait(30)  # b did not wait behind a's jobs
    assert not started[1].is_set()  # a's second job waits for a's first, not a worker
    assert _job(db, second_a).state == "queued"
    release[2].set()
    assert queue.wait(only_b, 30)
    assert not started[1].is_set()  # the free worker does not take a second job of a
    release[0].set()
    assert started[1].wait(30)
    release[1].set()
    assert queue.wait(first_a, 30) and queue.wait(second_a, 30)
    assert {_job(db, j).state for j in (first_a, second_a, only_b)} == {SUCCEEDED}
    queue.shutdown()


def test_a_second_instance_leaves_a_live_instances_running_job_alone(db: Database) -> None:
    """What `teemakartta serve` does on start-up must not fail the jobs another live
    instance is running (the issue: `make run` twice)."""
    project = add_project(db, "p")
    closures = Closures()
    queue = InProcessJobQueue(db, closures.tasks())
    started, release = threading.Event(), threading.Event()
    job_id = queue.submit("ingest", project, closures.args(_blocked(started, release)))
    assert started.wait(30)
    assert fail_interrupted_jobs(db) == 0
    assert _job(db, job_id).state == RUNNING
    release.set()
    assert queue.wait(job_id, 30)
    job = _job(db, job_id)
    assert job.state == SUCCEEDED and job.error is None
    queue.shutdown()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_jobs_whose_worker_is_gone_are_failed_and_only_those(db: Database) -> None:
    host = socket.gethostname()
    now = utc_now()
    rows = {
        "dead-process": (f"{host}:{_dead_pid()}:x", now),
        "gone-queue-of-this-process": (f"{host}:{os.getpid()}:gone", now),
        "no-owner": (None, None),
        "other-host-silent": ("elsewhere.example:1:x", now.replace(year=now.year - 1)),
        "other-host-beating": ("elsewhere.example:1:x", now),
    }
    with db.session() as session:
        for job_id, (owner, beat) in rows.items():
            session.add(
                Job(id=job_id, kind="ingest", state=RUNNING, owner=owner, heartbeat_at=beat)
            )
    assert fail_interrupted_jobs(db) == 4
    states = {job_id: _job(db, job_id).state for job_id in rows}
    assert states.pop("other-host-beating") == RUNNING
    assert set(states.values()) == {FAILED}
    assert _job(db, "dead-process").error == INTERRUPTED


def test_a_job_ended_by_someone_else_is_never_brought_back_as_succeeded(db: Database) -> None:
    """The issue: a job failed by a recovery ended 'succeeded' with the error still
    attached. Now it stays failed, and a success never carries an error."""
    project = add_project(db, "p")
    closures = Closures()
    queue = InProcessJobQueue(db, closures.tasks())

    def failed_under_it(progress: Progress) -> dict[str, Any]:
        with db.session() as session:  # what a recovery elsewhere did to this job
            session.execute(
                update(Job).where(Job.project_id == project).values(state=FAILED, error="x")
            )
        return {"documents": []}

    job_id = queue.submit("ingest", project, closures.args(failed_under_it))
    assert queue.wait(job_id, 30)
    assert (_job(db, job_id).state, _job(db, job_id).error) == (FAILED, "x")
    queue.shutdown()


def _fill(db: Database, nlp: NlpResources, settings: Settings, name: str) -> int:
    path = CORPORA / "pohjois-savo_learning-cafe_2017.txt"
    prepared = prepare_document(path.name, path.read_bytes(), validate_meta("Kainuu"), settings)
    project_id = add_project(db, name)
    ingest_document(db, nlp, project_id, prepared)
    return project_id


def _delete(db: Database, project_id: int) -> None:
    with db.session() as session:
        project = session.get(Project, project_id)
        assert project is not None
        repository.delete_project(session, project)


@pytest.mark.parametrize("deleted_at", ["finding themes", "storing"])
def test_a_theme_run_dies_with_its_project(
    db: Database, nlp: NlpResources, settings: Settings, deleted_at: str
) -> None:
    """Deleted before the fit (the run stops at its next report) or while it stores (the
    write finds no project): the job fails saying why, and no run is stored anywhere."""
    project_id = _fill(db, nlp, settings, "p")
    closures = Closures()
    queue = InProcessJobQueue(db, closures.tasks())

    def work(progress: Progress) -> dict[str, Any]:
        def report(fraction: float, message: str) -> None:
            if message == deleted_at:
                _delete(db, project_id)
                add_project(db, "uusi")  # a new project, right away
                if message == "storing":
                    return  # the run goes on to store into a project that is gone
            progress(fraction, message)

        return fit_run(db, nlp, project_id, RunFilters(), RunOptions(), report)

    job_id = queue.submit("themes", project_id, closures.args(work))
    assert queue.wait(job_id, 600)
    job = _job(db, job_id)
    assert job.state == FAILED and job.error == repository.PROJECT_DELETED
    assert job.project_id is None and job.result == {}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ThemeRun)) == 0
    queue.shutdown()

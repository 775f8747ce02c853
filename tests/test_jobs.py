"""The job queue (SQLite and PostgreSQL): one project cannot hold up another, a job dies
with its project, only jobs whose worker is really gone are recovered, and a job someone
else ended is never brought back as succeeded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, update

from service.config import Settings
from service.ingest import ingest_document, prepare_document, validate_meta
from service.job_recovery import INTERRUPTED, recover_jobs
from service.jobs import FAILED, QUEUED, RUNNING, SUCCEEDED, DatabaseJobQueue, JobLimits, Progress
from service.nlp import NlpResources
from service.storage import repository
from service.storage.db import Database
from service.storage.models import Job, Project, ThemeRun, utc_now
from service.theming.notes import RunFilters
from service.theming.runs import RunOptions, fit_run
from tests.conftest import CORPORA
from tests.factories import Closures, add_project, database, job_row


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    with database(settings.resolved_database_url) as migrated:
        yield migrated


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
    queue = DatabaseJobQueue(db, closures.tasks(), workers=2)
    started = [threading.Event() for _ in range(3)]
    release = [threading.Event() for _ in range(3)]
    first_a = queue.submit("ingest", a, closures.args(_blocked(started[0], release[0])))
    second_a = queue.submit("ingest", a, closures.args(_blocked(started[1], release[1])))
    only_b = queue.submit("ingest", b, closures.args(_blocked(started[2], release[2])))
    assert started[0].wait(30) and started[2].wait(30)  # b did not wait behind a's jobs
    assert not started[1].is_set()  # a's second job waits for a's first, not a worker
    assert job_row(db, second_a).state == "queued"
    release[2].set()
    assert queue.wait(only_b, 30)
    assert not started[1].is_set()  # the free worker does not take a second job of a
    release[0].set()
    assert started[1].wait(30)
    release[1].set()
    assert queue.wait(first_a, 30) and queue.wait(second_a, 30)
    assert {job_row(db, j).state for j in (first_a, second_a, only_b)} == {SUCCEEDED}
    queue.shutdown()


def test_a_second_instance_leaves_a_live_instances_running_job_alone(db: Database) -> None:
    """What `teemakartta serve` does on start-up must not fail the jobs another live
    instance is running (the issue: `make run` twice)."""
    project = add_project(db, "p")
    closures = Closures()
    queue = DatabaseJobQueue(db, closures.tasks())
    started, release = threading.Event(), threading.Event()
    job_id = queue.submit("ingest", project, closures.args(_blocked(started, release)))
    assert started.wait(30)
    assert recover_jobs(db) == 0
    assert job_row(db, job_id).state == RUNNING
    release.set()
    assert queue.wait(job_id, 30)
    job = job_row(db, job_id)
    assert job.state == SUCCEEDED and job.error is None
    queue.shutdown()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_jobs_whose_worker_is_gone_are_queued_again_and_only_those(db: Database) -> None:
    host = socket.gethostname()
    now = utc_now()
    rows = {
        "dead-process": (f"{host}:{_dead_pid()}:x", now, 1),
        "gone-queue-of-this-process": (f"{host}:{os.getpid()}:gone", now, 1),
        "no-owner": (None, None, 1),
        "other-host-silent": ("elsewhere.example:1:x", now.replace(year=now.year - 1), 1),
        "other-host-beating": ("elsewhere.example:1:x", now, 1),
        "dead-process-second-time": (f"{host}:{_dead_pid()}:y", now, 2),
    }
    with db.session() as session:
        for job_id, (owner, beat, attempts) in rows.items():
            session.add(
                Job(
                    id=job_id,
                    kind="ingest",
                    state=RUNNING,
                    owner=owner,
                    heartbeat_at=beat,
                    attempts=attempts,
                )
            )
    assert recover_jobs(db) == 5
    states = {job_id: job_row(db, job_id).state for job_id in rows}
    assert states.pop("other-host-beating") == RUNNING
    assert states.pop("dead-process-second-time") == FAILED
    assert set(states.values()) == {QUEUED}
    assert job_row(db, "dead-process-second-time").error == INTERRUPTED
    assert job_row(db, "dead-process").owner is None


def test_a_job_ended_by_someone_else_is_never_brought_back_as_succeeded(db: Database) -> None:
    """The issue: a job failed by a recovery ended 'succeeded' with the error still
    attached. Now it stays failed, and a success never carries an error."""
    project = add_project(db, "p")
    closures = Closures()
    queue = DatabaseJobQueue(db, closures.tasks())

    def failed_under_it(progress: Progress) -> dict[str, Any]:
        with db.session() as session:  # what a recovery elsewhere did to this job
            session.execute(
                update(Job).where(Job.project_id == project).values(state=FAILED, error="x")
            )
        return {"documents": []}

    job_id = queue.submit("ingest", project, closures.args(failed_under_it))
    assert queue.wait(job_id, 30)
    assert (job_row(db, job_id).state, job_row(db, job_id).error) == (FAILED, "x")
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
    queue = DatabaseJobQueue(db, closures.tasks())

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
    job = job_row(db, job_id)
    assert job.state == FAILED and job.error == repository.PROJECT_DELETED
    assert job.project_id is None and job.result == {}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ThemeRun)) == 0
    queue.shutdown()


def test_jobs_submitted_in_one_place_run_in_another(db: Database) -> None:
    """The API submits (no threads of its own); two workers share the jobs, never two of
    one project at once, and the submitter learns when each has ended."""
    a, b = add_project(db, "a"), add_project(db, "b")
    closures = Closures()
    api = DatabaseJobQueue(db, closures.tasks(), workers=0)
    workers = [DatabaseJobQueue(db, closures.tasks(), workers=1, poll_s=0.05) for _ in range(2)]
    started = [threading.Event() for _ in range(3)]
    release = [threading.Event() for _ in range(3)]
    first_a = api.submit("ingest", a, closures.args(_blocked(started[0], release[0])))
    second_a = api.submit("ingest", a, closures.args(_blocked(started[1], release[1])))
    only_b = api.submit("ingest", b, closures.args(_blocked(started[2], release[2])))
    assert started[0].wait(30) and started[2].wait(30)  # one worker each
    owners = {job_row(db, first_a).owner, job_row(db, only_b).owner}
    assert owners == {w.owner for w in workers}
    assert job_row(db, second_a).state == QUEUED
    release[2].set()
    assert api.wait(only_b, 30)
    assert not started[1].wait(0.5)  # the free worker does not start a's second job
    release[0].set()
    assert started[1].wait(30)
    release[1].set()
    assert api.wait(second_a, 30)
    assert {job_row(db, j).state for j in (first_a, second_a, only_b)} == {SUCCEEDED}
    assert {job_row(db, j).attempts for j in (first_a, second_a, only_b)} == {1}
    for queue in (api, *workers):
        queue.shutdown()


def test_a_requeued_job_is_no_longer_its_old_workers(db: Database) -> None:
    """A worker judged dead (its heartbeat stopped) but still running: once its job is
    queued again, its progress reports stop it and its result is not written."""
    project = add_project(db, "p")
    closures = Closures()
    queue = DatabaseJobQueue(db, closures.tasks(), workers=1)
    started, release = threading.Event(), threading.Event()

    def slow(progress: Progress) -> dict[str, Any]:
        started.set()
        assert release.wait(60)
        progress(0.5, "still here")
        return {"written": True}

    job_id = queue.submit("ingest", project, closures.args(slow))
    assert started.wait(30)
    with db.session() as session:  # its heartbeat went silent long ago
        session.execute(
            update(Job).where(Job.id == job_id).values(heartbeat_at=utc_now().replace(year=2000))
        )
    assert recover_jobs(db) == 1
    assert job_row(db, job_id).state == QUEUED
    with db.session() as session:  # hold it, as another worker would have claimed it
        session.execute(update(Job).where(Job.id == job_id).values(state=RUNNING, owner="w2"))
    release.set()
    queue.shutdown()
    job = job_row(db, job_id)
    assert (job.state, job.owner, job.result) == (RUNNING, "w2", {})


def test_a_waiting_upload_goes_before_a_waiting_theme_run(db: Database) -> None:
    """Priorities (issue 17): new notes placed into the themes (an ingest) before a refit
    queued earlier, before the actor analysis; within one kind, oldest first."""
    projects = [add_project(db, name) for name in ("busy", "a", "b", "c", "d")]
    closures = Closures()
    tasks = closures.tasks("ingest", "themes", "actors")
    queue = DatabaseJobQueue(db, tasks, workers=0)
    order: list[str] = []

    def note(name: str) -> Callable[[Progress], dict[str, Any]]:
        def work(progress: Progress) -> dict[str, Any]:
            order.append(name)
            return {}

        return work

    queue.submit("actors", projects[1], closures.args(note("actors")))
    queue.submit("themes", projects[2], closures.args(note("refit")))
    queue.submit("ingest", projects[3], closures.args(note("upload 1")))
    queue.submit("ingest", projects[4], closures.args(note("upload 2")))
    worker = DatabaseJobQueue(db, tasks, workers=1, poll_s=0.05)
    for job in _all_jobs(db):
        assert queue.wait(job, 30)
    assert order == ["upload 1", "upload 2", "refit", "actors"]
    for each in (queue, worker):
        each.shutdown()


def _all_jobs(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Job.id)))


@pytest.mark.parametrize(
    ("limits", "says"),
    [
        (JobLimits(seconds=0.2), "longer than the limit of 0.2 s"),
        (JobLimits(memory_mb=1), "more memory than the limit of 1 MB"),
    ],
)
def test_a_job_over_its_limit_fails_and_frees_its_worker(
    db: Database, limits: JobLimits, says: str
) -> None:
    """Checked at each progress report: the job fails saying which limit and which setting,
    and the worker takes the next job."""
    project = add_project(db, "p")
    closures = Closures()
    queue = DatabaseJobQueue(db, closures.tasks(), workers=1, limits=limits)

    def endless(progress: Progress) -> dict[str, Any]:
        while True:
            progress(0.5, "working")
            time.sleep(0.05)

    over = queue.submit("ingest", project, closures.args(endless))
    after = queue.submit("ingest", project, closures.args(lambda progress: {"ok": True}))
    assert queue.wait(over, 30) and queue.wait(after, 30)
    job = job_row(db, over)
    assert job.state == FAILED and says in (job.error or ""), job.error
    assert "TEEMA_JOB_" in (job.error or "")
    assert job_row(db, after).state == SUCCEEDED
    queue.shutdown()

"""Long work as jobs: a state and a progress fraction the API reports.

A job is a task by name (``kind``: "ingest", "themes", "actors"; ``service.tasks`` holds
them) with JSON arguments and, for an upload, its files, all stored in the database when
the job is submitted: whoever runs it needs its row, not the request that made it. The
files are deleted when the job ends, whatever the outcome (an upload may hold personal
data the privacy stage has not seen yet).

The in-process queue runs jobs on a small pool of worker threads (two by default), the
oldest waiting job first, but never two jobs of one project at once: a project that
queues a long job, or many, holds at most one worker, so another project's job starts
as soon as a worker is free instead of waiting behind all of them. Anything
implementing ``JobQueue`` can replace it — for a deployment that outgrows one machine,
an existing engine (Celery, Dask, Ray, procrastinate) would run the same stage
functions; there is deliberately no home-made cluster here.

A job's row names its owner (the service instance running it) and carries a heartbeat
the owner refreshes; ``service.job_recovery`` fails only jobs whose owner is gone. A
job's row only ever moves queued -> running -> succeeded/failed, each step conditional
on the step before: a job that someone else ended (its project was deleted, or a
recovery judged its owner dead) is never brought back, and a success clears any error.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import delete, select, update

from service.job_recovery import (
    HEARTBEAT_SECONDS,
    STALE_SECONDS,
    fail_interrupted_jobs,
    instance_owner,
    release_owner,
)
from service.storage.db import Database
from service.storage.models import FAILED, QUEUED, RUNNING, SUCCEEDED, Job, JobFile, utc_now

__all__ = [
    "FAILED",
    "QUEUED",
    "RUNNING",
    "SUCCEEDED",
    "InProcessJobQueue",
    "JobCancelled",
    "JobFailed",
    "JobInput",
    "JobQueue",
    "Progress",
    "Task",
    "fail_interrupted_jobs",
]

log = logging.getLogger(__name__)
JOB_WORKERS = 2  # two cores here; more threads would only share them thinner
NEVER_STARTED = "The service stopped before this job started; nothing was saved. Start it again."


class JobFailed(Exception):
    """Raised inside a job for a failure the user caused; its message is shown as is."""


class JobCancelled(Exception):
    """The job's row is no longer running (its project was deleted): stop at once. Whoever
    ended the job wrote why."""


class Progress:
    """Handed to a job function: report the fraction done (0..1) and what is happening.

    Every write also checks that the job is still running, and raises ``JobCancelled``
    when it is not, so a job stops at its next report once its project is deleted.
    """

    def __init__(self, db: Database, job_id: str, min_interval_s: float = 0.25) -> None:
        self._db = db
        self._job_id = job_id
        self._min_interval_s = min_interval_s
        self._last_write = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        # Throttled: a tight embedding loop must not turn into a stream of writes.
        if now - self._last_write < self._min_interval_s and fraction < 1.0:
            return
        self._last_write = now
        with self._db.session() as session:
            written = session.execute(
                update(Job)
                .where(Job.id == self._job_id, Job.state == RUNNING)
                .values(progress=max(0.0, min(1.0, fraction)), message=message)
            )
        if not written.rowcount:  # type: ignore[attr-defined]
            raise JobCancelled(self._job_id)


@dataclass(frozen=True)
class JobInput:
    """What a task gets to work on: the job's row (id, project, JSON arguments) and, through
    ``files()``, the files submitted with it."""

    db: Database
    job_id: str
    project_id: int | None
    args: dict[str, Any]

    def files(self) -> list[tuple[str, bytes]]:
        """(file name, content) of the job's files, in the order they were submitted."""
        with self.db.session() as session:
            rows = session.execute(
                select(JobFile.filename, JobFile.content)
                .where(JobFile.job_id == self.job_id)
                .order_by(JobFile.position)
            )
            return [(name, bytes(content)) for name, content in rows]


Task = Callable[[JobInput, Progress], dict[str, Any]]


class JobQueue(Protocol):
    def submit(
        self,
        kind: str,
        project_id: int | None,
        args: dict[str, Any] | None = None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> str:
        """Store a job of task ``kind`` with its arguments and files; returns its id."""
        ...

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Block until the job has ended (True) or ``timeout`` seconds passed (False)."""
        ...


@dataclass
class _Waiting:
    job_id: str
    project_id: int | None
    done: threading.Event = field(default_factory=threading.Event)


class InProcessJobQueue:
    """Runs jobs on ``workers`` threads of this process, one job per project at a time;
    ``tasks`` maps a job's kind to the function that does it."""

    def __init__(
        self,
        db: Database,
        tasks: Mapping[str, Task],
        workers: int = JOB_WORKERS,
        heartbeat_s: float = HEARTBEAT_SECONDS,
        stale_s: float = STALE_SECONDS,
    ) -> None:
        self._db = db
        self.tasks = dict(tasks)  # the function of each job kind (tests add their own)
        self.owner = instance_owner()
        self._heartbeat_s = heartbeat_s
        self._stale_s = stale_s
        self._changed = threading.Condition()
        self._waiting: list[_Waiting] = []  # oldest first
        self._busy_projects: set[int] = set()
        self._jobs: dict[str, _Waiting] = {}  # submitted here and not ended yet
        self._stopping = threading.Event()
        self._stopped = threading.Event()  # the last job has ended: no more heartbeats
        self._threads = [
            threading.Thread(target=self._work, name=f"job-{i}", daemon=True)
            for i in range(workers)
        ]
        self._heartbeat = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)
        for thread in [*self._threads, self._heartbeat]:
            thread.start()

    def submit(
        self,
        kind: str,
        project_id: int | None,
        args: dict[str, Any] | None = None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> str:
        if kind not in self.tasks:
            raise ValueError(f"no task named {kind!r}")
        job_id = str(uuid.uuid4())
        with self._db.session() as session:  # the job and its files: all or nothing
            session.add(
                Job(
                    id=job_id,
                    kind=kind,
                    project_id=project_id,
                    state=QUEUED,
                    owner=self.owner,
                    heartbeat_at=utc_now(),
                    args=args or {},
                )
            )
            session.flush()
            for position, (filename, content) in enumerate(files):
                session.add(
                    JobFile(job_id=job_id, position=position, filename=filename, content=content)
                )
        waiting = _Waiting(job_id, project_id)
        with self._changed:
            self._waiting.append(waiting)
            self._jobs[job_id] = waiting
            self._changed.notify_all()
        return job_id

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        with self._changed:
            waiting = self._jobs.get(job_id)
        return waiting is None or waiting.done.wait(timeout)

    def shutdown(self) -> None:
        """Let running jobs finish; jobs that never started fail with a clear message."""
        with self._changed:
            self._stopping.set()
            never_started = [w.job_id for w in self._waiting]
            self._waiting.clear()
            self._changed.notify_all()
        for job_id in never_started:
            self._end(job_id, QUEUED, FAILED, error=NEVER_STARTED)
        for thread in self._threads:
            thread.join()
        self._stopped.set()
        self._heartbeat.join()
        release_owner(self.owner)

    def _next(self) -> _Waiting | None:
        """The oldest waiting job whose project has no running job; None when stopping."""
        with self._changed:
            while not self._stopping.is_set():
                for index, waiting in enumerate(self._waiting):
                    if waiting.project_id not in self._busy_projects:
                        del self._waiting[index]
                        if waiting.project_id is not None:
                            self._busy_projects.add(waiting.project_id)
                        return waiting
                self._changed.wait()
        return None

    def _work(self) -> None:
        while (waiting := self._next()) is not None:
            try:
                self._run(waiting.job_id)
            except Exception:  # the database failed under the job: keep the worker alive
                log.exception("job %s could not be run or ended", waiting.job_id)
            finally:
                with self._changed:
                    self._busy_projects.discard(waiting.project_id)
                    self._jobs.pop(waiting.job_id, None)
                    self._changed.notify_all()
                waiting.done.set()

    def _run(self, job_id: str) -> None:
        if not self._end(job_id, QUEUED, RUNNING):
            return  # cancelled while it waited (its project was deleted)
        try:
            with self._db.session() as session:
                job = session.get(Job, job_id)
                if job is None:  # deleted under it: nothing to do
                    return
                task = JobInput(self._db, job_id, job.project_id, dict(job.args or {}))
                kind = job.kind
            result = self.tasks[kind](task, Progress(self._db, job_id))
        except JobCancelled:
            pass  # whoever ended it wrote why
        except JobFailed as error:
            self._end(job_id, RUNNING, FAILED, error=str(error))
        except Exception as error:  # a bug must fail the job visibly, not kill the worker
            # A job whose project was deleted under it fails on the missing project; it
            # was marked failed by the deletion already, and the write below does nothing.
            if self._end(job_id, RUNNING, FAILED, error=f"Internal error: {error!r}"):
                log.exception("job %s failed", job_id)
        else:
            self._end(job_id, RUNNING, SUCCEEDED, progress=1.0, result=result, message="done")

    def _end(self, job_id: str, before: str, after: str, **values: Any) -> bool:
        """Move the job from state ``before`` to ``after``; False if it was not in ``before``.
        A job that ends loses its files in the same transaction."""
        if after == SUCCEEDED:
            values["error"] = None
        with self._db.session() as session:
            moved = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == before)
                .values(state=after, heartbeat_at=utc_now(), **values)
            )
            if moved.rowcount and after in (SUCCEEDED, FAILED):  # type: ignore[attr-defined]
                session.execute(delete(JobFile).where(JobFile.job_id == job_id))
        return bool(moved.rowcount)  # type: ignore[attr-defined]

    def _beat(self) -> None:
        """Tell other instances this one's jobs are alive; fail jobs whose owner is gone."""
        while not self._stopped.wait(self._heartbeat_s):
            try:
                with self._db.session() as session:
                    session.execute(
                        update(Job)
                        .where(Job.owner == self.owner, Job.state.in_([QUEUED, RUNNING]))
                        .values(heartbeat_at=utc_now())
                    )
                fail_interrupted_jobs(self._db, self._stale_s, unowned=False)
            except Exception:  # a busy or briefly unreachable database: try again next beat
                log.warning("job heartbeat failed", exc_info=True)

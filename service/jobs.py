"""Long work as jobs: a state and a progress fraction the API reports.

A job is a task by name (``kind``: "ingest", "themes", "actors"; ``service.tasks`` holds
them) with JSON arguments and, for an upload, its files, all stored in the database when
the job is submitted: whoever runs it needs its row, not the request that made it. The
files are deleted when the job ends, whatever the outcome (an upload may hold personal
data the privacy stage has not seen yet).

The queue is the ``jobs`` table itself. Whoever runs jobs (threads of the API process,
or ``teemakartta worker`` processes, on this machine or others sharing a PostgreSQL
database) claims the oldest queued job whose project runs no other job (``claim_job``),
so a project that queues a long job, or many, holds at most one worker, and another
project's job starts as soon as any worker is free.

A running job's row names its owner (the queue running it, ``host:pid:random``) and
carries a heartbeat the owner refreshes. ``service.job_recovery`` puts the job of an
owner that is gone back in the queue, for another worker to run from the start (every
task writes in transactions, so nothing is half-written, and an ingest skips documents
already stored, so nothing is done twice); a job whose worker died twice fails. A row
only moves queued -> running -> succeeded/failed (or back to queued by a recovery), each
step conditional on the step before: a job that someone else ended (its project was
deleted) is never brought back, and a success clears any error.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import delete, select, update

from service.config import Settings
from service.job_recovery import (
    HEARTBEAT_SECONDS,
    PRIORITIES,
    STALE_SECONDS,
    cancel_job,
    claim_job,
    instance_owner,
    recover_jobs,
    release_owner,
)
from service.storage.db import Database
from service.storage.models import FAILED, QUEUED, RUNNING, SUCCEEDED, Job, JobFile, utc_now

__all__ = [
    "FAILED",
    "QUEUED",
    "RUNNING",
    "SUCCEEDED",
    "DatabaseJobQueue",
    "JobCancelled",
    "JobFailed",
    "JobInput",
    "JobLimits",
    "JobQueue",
    "Progress",
    "Task",
    "cancel_job",
    "claim_job",
    "recover_jobs",
]

log = logging.getLogger(__name__)
JOB_WORKERS = 2  # two cores here; more threads would only share them thinner
POLL_SECONDS = 0.5  # how often an idle worker looks for jobs other processes submitted


class JobFailed(Exception):
    """Raised inside a job for a failure the user caused; its message is shown as is, and
    ``finnish`` (where given) in the Finnish UI."""

    def __init__(self, message: str, finnish: str | None = None) -> None:
        super().__init__(message)
        self.finnish = finnish


class JobCancelled(Exception):
    """The job's row is no longer running (its project was deleted): stop at once. Whoever
    ended the job wrote why."""


@dataclass(frozen=True)
class JobLimits:
    """How long a job may run and how much memory its process may hold (None: no limit),
    checked at each progress report: a job over either fails saying so, and its worker
    takes the next job. In a worker process ``job_limits.LimitWatchdog`` also checks
    between reports and gives the process up when a job stays over. Memory is the
    process's resident set (Linux), so it measures the job alone in a worker process
    running one job at a time."""

    seconds: float | None = None
    memory_mb: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> JobLimits:
        minutes, megabytes = settings.job_time_limit_minutes, settings.job_memory_limit_mb
        return cls(minutes * 60 if minutes else None, megabytes or None)

    def breach(self, started: float, grace_s: float = 0.0) -> tuple[str, str] | None:
        """("time" or "memory", the message a job over a limit fails with), or None.
        ``started``: the job's start (monotonic); ``grace_s``: time allowed past the limit."""
        ran = time.monotonic() - started
        if self.seconds is not None and ran > self.seconds + grace_s:
            return "time", (
                f"The job ran longer than the limit of {self.seconds:g} s "
                "(TEEMA_JOB_TIME_LIMIT_MINUTES); nothing more of it was saved. Make the "
                "work smaller (fewer notes, a filter), or ask the administrator to raise it."
            )
        used = resident_mb()
        if self.memory_mb is not None and used is not None and used > self.memory_mb:
            return "memory", (
                f"The job needed more memory than the limit of {self.memory_mb:g} MB "
                f"({used:.0f} MB; TEEMA_JOB_MEMORY_LIMIT_MB); nothing more of it was saved. "
                "Make the work smaller, or ask the administrator to raise it."
            )
        return None

    def check(self, started: float) -> None:
        """Raise ``JobFailed`` when the job started at ``started`` (monotonic) is over."""
        if (over := self.breach(started)) is not None:
            raise JobFailed(over[1])


def resident_mb() -> float | None:
    """This process's resident memory in MB (None where /proc is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Progress:
    """Handed to a job function: report the fraction done (0..1) and what is happening.

    Every write also checks that the job is still running, and raises ``JobCancelled``
    when it is not, so a job stops at its next report once its project is deleted or the
    job cancelled; and that it is within its ``limits`` (``JobFailed`` when not).
    """

    def __init__(
        self,
        db: Database,
        job_id: str,
        owner: str | None = None,
        min_interval_s: float = 0.25,
        limits: JobLimits | None = None,
    ) -> None:
        self._db = db
        self._job_id = job_id
        self._owner = owner
        self._min_interval_s = min_interval_s
        self._last_write = 0.0
        self._limits = limits or JobLimits()  # of every job it runs
        self._started = time.monotonic()

    def __call__(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        # Throttled: a tight embedding loop must not turn into a stream of writes.
        if now - self._last_write < self._min_interval_s and fraction < 1.0:
            return
        self._last_write = now
        self._limits.check(self._started)
        with self._db.session() as session:
            mine = [Job.owner == self._owner] if self._owner else []
            written = session.execute(
                update(Job)
                .where(Job.id == self._job_id, Job.state == RUNNING, *mine)
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


class DatabaseJobQueue:
    """Runs the jobs of the database on ``workers`` threads of this process, one job per
    project at a time across every process that runs jobs of this database; ``tasks``
    maps a job's kind to the function that does it. With ``workers=0`` it only submits
    (an API whose jobs run in worker processes)."""

    def __init__(
        self,
        db: Database,
        tasks: Mapping[str, Task],
        workers: int = JOB_WORKERS,
        heartbeat_s: float = HEARTBEAT_SECONDS,
        stale_s: float = STALE_SECONDS,
        poll_s: float = POLL_SECONDS,
        limits: JobLimits | None = None,
    ) -> None:
        self._db = db
        self._limits = limits or JobLimits()
        self.tasks = dict(tasks)  # the function of each job kind (tests add their own)
        self.owner = instance_owner()
        self._heartbeat_s = heartbeat_s
        self._stale_s = stale_s
        self._poll_s = poll_s
        self._changed = threading.Condition()  # a job was submitted or ended here
        self._stopping = threading.Event()
        self._stopped = threading.Event()  # the last job has ended: no more heartbeats
        self._running: dict[str, float] = {}  # job id -> its start (monotonic), this process
        self._uploading: dict[str, int] = {}  # job id -> project of an upload running here
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
                    args=args or {},
                    priority=PRIORITIES.get(kind, 0),
                )
            )
            session.flush()
            for position, (filename, content) in enumerate(files):
                session.add(
                    JobFile(job_id=job_id, position=position, filename=filename, content=content)
                )
        with self._changed:
            self._changed.notify_all()
        return job_id

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._db.session() as session:
                state = session.scalar(select(Job.state).where(Job.id == job_id))
            if state not in (QUEUED, RUNNING):
                return True
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            with self._changed:  # woken when a job of this process ends
                self._changed.wait(min(self._poll_s, left) if left is not None else self._poll_s)

    def shutdown(self) -> None:
        """Let running jobs finish; waiting jobs stay queued for the next worker."""
        with self._changed:
            self._stopping.set()
            self._changed.notify_all()
        for thread in self._threads:
            thread.join()
        self._stopped.set()
        self._heartbeat.join()
        release_owner(self.owner)

    def running(self) -> dict[str, float]:
        """The jobs this process runs now: id -> start (``time.monotonic``)."""
        return dict(self._running)

    def fail(self, job_id: str, message: str) -> bool:
        """Fail a job this process runs, saying ``message``; False if it was not running."""
        return self._end(job_id, RUNNING, FAILED, error=message)

    def _next(self) -> str | None:
        """Claim the oldest queued job whose project runs no job; None when stopping."""
        while not self._stopping.is_set():
            job_id = claim_job(self._db, self.owner, set(self._uploading.values()))
            if job_id is not None:
                return job_id
            with self._changed:
                if not self._stopping.is_set():
                    self._changed.wait(self._poll_s)
        return None

    def _work(self) -> None:
        while (job_id := self._next()) is not None:
            try:
                self._run(job_id)
            except Exception:  # the database failed under the job: keep the worker alive
                log.exception("job %s could not be run or ended", job_id)
            finally:
                with self._changed:
                    self._changed.notify_all()

    def _run(self, job_id: str) -> None:
        self._running[job_id] = time.monotonic()
        try:
            with self._db.session() as session:
                job = session.get(Job, job_id)
                if job is None:  # deleted under it: nothing to do
                    return
                task = JobInput(self._db, job_id, job.project_id, dict(job.args or {}))
                kind = job.kind
            if kind == "ingest" and task.project_id is not None:
                self._uploading[job_id] = task.project_id  # its batches: for other processes
            progress = Progress(self._db, job_id, self.owner, limits=self._limits)
            result = self.tasks[kind](task, progress)
        except JobCancelled:
            pass  # whoever ended it wrote why
        except JobFailed as error:
            self._end(job_id, RUNNING, FAILED, error=str(error), error_fi=error.finnish)
        except Exception as error:  # a bug must fail the job visibly, not kill the worker
            # A job whose project was deleted under it fails on the missing project; it
            # was marked failed by the deletion already, and the write below does nothing.
            if self._end(job_id, RUNNING, FAILED, error=f"Internal error: {error!r}"):
                log.exception("job %s failed", job_id)
        else:
            self._end(job_id, RUNNING, SUCCEEDED, progress=1.0, result=result, message="done")
        finally:
            self._running.pop(job_id, None)
            self._uploading.pop(job_id, None)

    def _end(self, job_id: str, before: str, after: str, **values: Any) -> bool:
        """Move the job from state ``before`` to ``after``; False if it was not in ``before``.
        A job that ends loses its files in the same transaction."""
        if after == SUCCEEDED:
            values["error"] = values["error_fi"] = None
        mine = [Job.owner == self.owner] if before == RUNNING else []  # not requeued since
        with self._db.session() as session:
            moved = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == before, *mine)
                .values(state=after, heartbeat_at=utc_now(), **values)
            )
            if moved.rowcount and after in (SUCCEEDED, FAILED):  # type: ignore[attr-defined]
                session.execute(delete(JobFile).where(JobFile.job_id == job_id))
        return bool(moved.rowcount)  # type: ignore[attr-defined]

    def _beat(self) -> None:
        """Tell other workers this one's jobs are alive; requeue jobs whose owner is gone."""
        while not self._stopped.wait(self._heartbeat_s):
            try:
                with self._db.session() as session:
                    session.execute(
                        update(Job)
                        .where(Job.owner == self.owner, Job.state == RUNNING)
                        .values(heartbeat_at=utc_now())
                    )
                recover_jobs(self._db, self._stale_s)
            except Exception:  # a busy or briefly unreachable database: try again next beat
                log.warning("job heartbeat failed", exc_info=True)

"""Long work as jobs: a state and a progress fraction the API reports.

The in-process runner runs one job at a time on a worker thread (SQLite has one
writer anyway). Anything implementing ``JobQueue`` can replace it — for a deployment
that outgrows one machine, an existing engine (Celery, Dask, Ray) would run the same
stage functions; there is deliberately no home-made cluster here.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import update

from service.storage.db import Database
from service.storage.models import Job

log = logging.getLogger(__name__)

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"


class JobFailed(Exception):
    """Raised inside a job for a failure the user caused; its message is shown as is."""


class Progress:
    """Handed to a job function: report the fraction done (0..1) and what is happening."""

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
            session.execute(
                update(Job)
                .where(Job.id == self._job_id)
                .values(progress=max(0.0, min(1.0, fraction)), message=message)
            )


JobFunction = Callable[[Progress], dict[str, Any]]


class JobQueue(Protocol):
    def submit(self, kind: str, project_id: int | None, work: JobFunction) -> str: ...

    def wait(self, job_id: str, timeout: float | None = None) -> None: ...


class InProcessJobQueue:
    """Runs jobs on one background thread of this process."""

    def __init__(self, db: Database, workers: int = 1) -> None:
        self._db = db
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def submit(self, kind: str, project_id: int | None, work: JobFunction) -> str:
        job_id = str(uuid.uuid4())
        with self._db.session() as session:
            session.add(Job(id=job_id, kind=kind, project_id=project_id, state=QUEUED))
        future = self._executor.submit(self._run, job_id, work)
        with self._lock:
            self._futures[job_id] = future
        return job_id

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _run(self, job_id: str, work: JobFunction) -> None:
        self._set(job_id, state=RUNNING)
        try:
            result = work(Progress(self._db, job_id))
        except JobFailed as error:
            self._set(job_id, state=FAILED, error=str(error))
        except Exception as error:  # a bug must fail the job visibly, not kill the worker
            log.exception("job %s failed", job_id)
            self._set(job_id, state=FAILED, error=f"Internal error: {error!r}")
        else:
            self._set(job_id, state=SUCCEEDED, progress=1.0, result=result, message="done")

    def _set(self, job_id: str, **values: Any) -> None:
        with self._db.session() as session:
            session.execute(update(Job).where(Job.id == job_id).values(**values))


def fail_interrupted_jobs(db: Database) -> int:
    """Mark jobs left queued/running by a killed process as failed, so users can retry."""
    with db.session() as session:
        result = session.execute(
            update(Job)
            .where(Job.state.in_([QUEUED, RUNNING]))
            .values(
                state=FAILED,
                error="The service stopped while this job ran; nothing of it was saved. "
                "Start it again.",
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

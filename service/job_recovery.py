"""The jobs table's moves made outside a running job: a worker claims the next job
(``claim_job``), someone cancels one (``cancel_job``), and a job whose worker is gone
goes back to the queue (``recover_jobs``). Which workers are really gone:

A running job's row names its owner, ``host:pid:random`` of the job queue running it,
and a heartbeat that queue refreshes every ``HEARTBEAT_SECONDS`` (service/jobs.py). A
running job is orphaned when

- its owner ran on this host and that process is gone (or is this very process, where
  that queue no longer exists: a container restarted under the same pid), or
- its heartbeat is older than ``STALE_SECONDS`` (the only sign for an owner on another
  host, and the backstop when a dead owner's pid was taken by another process), or
- it has no owner or heartbeat (written before owners were recorded).

An orphaned job is queued again for the next worker; the old owner, should it still be
alive after all, can no longer write to it (every write names the owner). So a second
``teemakartta serve`` on the same data never touches the first one's jobs, while a
restart after a crash, or another worker, runs the crashed worker's jobs again.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Collection

from sqlalchemy import and_, delete, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from service.storage.db import Database
from service.storage.models import FAILED, QUEUED, RUNNING, Job, JobFile, utc_now

CLAIM_LOCK = 7_201_612  # PostgreSQL advisory lock: one claim at a time across processes
# A batch of a running upload's notes, offered to other workers (note_analysis.py): the
# one kind of job that runs beside another job of its project.
BATCH_KIND = "analyse"
# Which waiting job a free worker takes first: a batch of a running upload (part of a job
# already started), an upload (its new notes are placed into the current themes at once,
# what a coordinator waits for) before a theme run (minutes on a large project) before the
# actor analysis; within one priority, the oldest.
PRIORITIES = {BATCH_KIND: 3, "ingest": 2, "themes": 1, "actors": 0}
HEARTBEAT_SECONDS = 10.0
# Six missed beats: far beyond a busy database's pause, short enough for a user to retry.
STALE_SECONDS = 60.0
# A job runs at most this often: its first run and one more after its worker died.
MAX_ATTEMPTS = 2
INTERRUPTED = (
    "The worker running this job stopped twice while it ran (it may need more memory or "
    "time than a worker has); nothing of it was saved. Start it again."
)
REQUEUED = "Its worker stopped; waiting for another worker to start it again."

_LIVE_OWNERS: set[str] = set()  # job queues of this process that have not shut down


def instance_owner() -> str:
    """A new owner name for a job queue of this process, registered as alive."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    _LIVE_OWNERS.add(owner)
    return owner


def release_owner(owner: str) -> None:
    """The queue named ``owner`` has shut down: its jobs may be recovered."""
    _LIVE_OWNERS.discard(owner)


def owner_gone(owner: str) -> bool:
    """Whether ``owner`` is known to be gone; False when only its heartbeat can tell."""
    host, _, rest = owner.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return owner not in _LIVE_OWNERS
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, under another user
    return False


def recover_jobs(db: Database, stale_s: float = STALE_SECONDS) -> int:
    """Running jobs whose worker is gone go back to the queue (the next worker runs them
    from the start); one whose worker died ``MAX_ATTEMPTS`` times fails, its files
    deleted. Queued jobs belong to no worker and wait. Returns how many were recovered."""
    cutoff = utc_now() - dt.timedelta(seconds=stale_s)
    running = Job.state == RUNNING
    with db.session() as session:
        owners = session.execute(select(Job.id, Job.owner).where(running, Job.owner.is_not(None)))
        gone = [job_id for job_id, owner in owners if owner and owner_gone(owner)]
        orphaned = or_(
            Job.heartbeat_at < cutoff,
            Job.id.in_(gone),
            Job.owner.is_(None),
            Job.heartbeat_at.is_(None),
        )
        found = session.execute(select(Job.id, Job.attempts).where(running, orphaned)).all()
        again = [job_id for job_id, attempts in found if attempts < MAX_ATTEMPTS]
        ended = [job_id for job_id, attempts in found if attempts >= MAX_ATTEMPTS]
        requeued = session.execute(
            update(Job)
            .where(running, Job.id.in_(again))
            .values(state=QUEUED, owner=None, heartbeat_at=None, progress=0.0, message=REQUEUED)
        )
        failed = session.execute(
            update(Job).where(running, Job.id.in_(ended)).values(state=FAILED, error=INTERRUPTED)
        )
        session.execute(delete(JobFile).where(JobFile.job_id.in_(ended)))  # uploads included
        return int(requeued.rowcount or 0) + int(failed.rowcount or 0)  # type: ignore[attr-defined]


def cancel_job(session: Session, job_id: str, reason: str) -> bool:
    """End a queued or running job as failed with ``reason``, deleting its files; False
    when it had ended already. A queued job never starts; a running one stops at its next
    progress report (``JobCancelled``), keeping what it committed before (an upload's
    documents ingested so far)."""
    ended = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_([QUEUED, RUNNING]))
        .values(state=FAILED, error=reason, heartbeat_at=utc_now())
    )
    if not ended.rowcount:  # type: ignore[attr-defined]
        return False
    session.execute(delete(JobFile).where(JobFile.job_id == job_id))
    return True


def claim_job(db: Database, owner: str, uploading: Collection[int] = ()) -> str | None:
    """Make the first queued job (by priority, then age) whose project runs no other
    job (a batch of a running upload excepted: it is part of that job) ``owner``'s
    running job; its id, or None when no job may start. ``uploading``: projects whose
    upload the claiming process runs itself; their batches are left to other processes
    (the upload's encoder already uses the cores a batch would run on: sharing within one
    process made an 8,000-note upload 0.92x as fast, evaluation/results/bench_shared.json).
    One statement (under an advisory lock on PostgreSQL), so two workers never take the
    same job or two jobs of one project."""
    queued, running = aliased(Job), aliased(Job)
    busy = (
        select(running.id)
        .where(running.project_id == queued.project_id, running.state == RUNNING)
        .exists()
    )
    oldest = (
        select(queued.id)
        .where(
            queued.state == QUEUED,
            or_(queued.project_id.is_(None), queued.kind == BATCH_KIND, ~busy),
            ~and_(queued.kind == BATCH_KIND, queued.project_id.in_(list(uploading))),
        )
        .order_by(queued.priority.desc(), queued.created_at, queued.id)
        .limit(1)
        .scalar_subquery()
    )
    with db.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK})
        claim = (
            update(Job)
            .where(Job.id == oldest, Job.state == QUEUED)
            .values(
                state=RUNNING,
                owner=owner,
                heartbeat_at=utc_now(),
                started_at=utc_now(),
                attempts=Job.attempts + 1,
            )
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        )
        return session.execute(claim).scalar()

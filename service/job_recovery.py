"""Which jobs' workers are really gone, so that only those are failed.

A job's row names its owner, ``host:pid:random`` of the job queue running it, and a
heartbeat that queue refreshes every ``HEARTBEAT_SECONDS`` (service/jobs.py). A queued or
running job is orphaned when

- its owner ran on this host and that process is gone (or is this very process, where
  that queue no longer exists: a container restarted under the same pid), or
- its heartbeat is older than ``STALE_SECONDS`` (the only sign for an owner on another
  host, and the backstop when a dead owner's pid was taken by another process), or
- it has no heartbeat (written before owners were recorded).

So a second ``teemakartta serve`` on the same data never fails the first one's jobs,
while a restart after a crash fails the crashed instance's jobs at once.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import delete, or_, select, update

from service.storage.db import Database
from service.storage.models import FAILED, QUEUED, RUNNING, Job, JobFile, utc_now

HEARTBEAT_SECONDS = 10.0
# Six missed beats: far beyond a busy database's pause, short enough for a user to retry.
STALE_SECONDS = 60.0
INTERRUPTED = "The service stopped while this job ran; nothing of it was saved. Start it again."

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


def fail_interrupted_jobs(
    db: Database, stale_s: float = STALE_SECONDS, unowned: bool = True
) -> int:
    """Fail queued and running jobs whose worker is gone; returns how many. ``unowned``:
    also those without an owner (at start-up; the periodic check leaves them alone)."""
    cutoff = utc_now() - dt.timedelta(seconds=stale_s)
    active = Job.state.in_([QUEUED, RUNNING])
    with db.session() as session:
        owners = session.execute(select(Job.id, Job.owner).where(active, Job.owner.is_not(None)))
        gone = [job_id for job_id, owner in owners if owner and owner_gone(owner)]
        orphaned = or_(Job.heartbeat_at < cutoff, Job.id.in_(gone))
        if unowned:
            orphaned = or_(orphaned, Job.owner.is_(None), Job.heartbeat_at.is_(None))
        ended = list(session.scalars(select(Job.id).where(active, orphaned)))
        failed = session.execute(
            update(Job).where(active, Job.id.in_(ended)).values(state=FAILED, error=INTERRUPTED)
        )
        session.execute(delete(JobFile).where(JobFile.job_id.in_(ended)))  # uploads included
        return int(failed.rowcount or 0)  # type: ignore[attr-defined]

"""Hard job limits: a job over its time or memory limit fails even when it never reports
progress, and its worker process is given up so that the limit frees it.

Progress reports check the limits too (tests/test_jobs.py), but a job stuck inside one
long step (a fit, a huge file) reports nothing for minutes. The watchdog of a worker
process looks every interval; over a limit it fails the process's running jobs with the
limit's message and ends the process (a thread cannot be stopped), which ``serve``
starts again (tests/e2e/test_serve.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.config import REPO_ROOT, Settings
from service.job_limits import EXIT_OVER_LIMIT, LimitWatchdog
from service.jobs import FAILED, RUNNING, DatabaseJobQueue, JobLimits, Progress
from service.storage.db import Database
from tests.factories import Closures, add_project, database, job_row


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    with database(settings.resolved_database_url) as migrated:
        yield migrated


class Breaches:
    """Stands in for ending the process: records why, once per breach."""

    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.seen = threading.Event()

    def __call__(self, reason: str) -> None:
        self.reasons.append(reason)
        self.seen.set()


def _silent_job(db: Database, queue: DatabaseJobQueue, closures: Closures) -> tuple[str, Any]:
    """A job that reports progress once, then works silently until released."""
    started, release = threading.Event(), threading.Event()

    def silent(progress: Progress) -> dict[str, Any]:
        progress(0.1, "working")
        started.set()
        release.wait(60)
        return {}

    job_id = queue.submit("ingest", add_project(db, "p"), closures.args(silent))
    assert started.wait(30)
    return job_id, release


@pytest.mark.parametrize(
    ("limits", "says", "reason"),
    [
        (JobLimits(seconds=0.3), "TEEMA_JOB_TIME_LIMIT_MINUTES", "time"),
        (JobLimits(memory_mb=1), "TEEMA_JOB_MEMORY_LIMIT_MB", "memory"),
    ],
)
def test_a_silent_job_over_its_limit_fails_and_the_worker_is_given_up(
    db: Database, limits: JobLimits, says: str, reason: str
) -> None:
    closures = Closures()
    queue = DatabaseJobQueue(db, closures.tasks(), workers=1)  # no checks at reports
    breaches = Breaches()
    job_id, release = _silent_job(db, queue, closures)
    assert job_row(db, job_id).state == RUNNING
    watchdog = LimitWatchdog(queue, limits, on_breach=breaches, interval_s=0.05, grace_s=0.1)
    try:
        assert breaches.seen.wait(30), "the watchdog never acted"
        job = job_row(db, job_id)
        assert job.state == FAILED, job.state
        assert says in (job.error or ""), job.error
        assert breaches.reasons[0].startswith(reason), breaches.reasons
    finally:
        watchdog.stop()
        release.set()
        queue.shutdown()
    assert job_row(db, job_id).state == FAILED  # the job's own end later changes nothing


def test_within_its_limits_a_job_is_left_alone(db: Database) -> None:
    closures = Closures()
    queue = DatabaseJobQueue(db, closures.tasks(), workers=1)
    breaches = Breaches()
    job_id, release = _silent_job(db, queue, closures)
    watchdog = LimitWatchdog(
        queue, JobLimits(seconds=600, memory_mb=64_000), on_breach=breaches, interval_s=0.02
    )
    time.sleep(0.5)  # many looks
    release.set()
    assert queue.wait(job_id, 30)
    watchdog.stop()
    queue.shutdown()
    assert breaches.reasons == [] and job_row(db, job_id).state == "succeeded"


def test_an_idle_worker_holding_more_than_the_memory_limit_is_given_up(db: Database) -> None:
    """After a large job Python keeps much of its memory; the next job would fail at once.
    Restarting the idle worker gives it back."""
    queue = DatabaseJobQueue(db, Closures().tasks(), workers=1)
    breaches = Breaches()
    watchdog = LimitWatchdog(queue, JobLimits(memory_mb=1), on_breach=breaches, interval_s=0.05)
    try:
        assert breaches.seen.wait(30)
        assert breaches.reasons[0].startswith("memory")
    finally:
        watchdog.stop()
        queue.shutdown()


def test_a_worker_process_over_its_memory_limit_exits_saying_why(tmp_path: Path) -> None:
    """The real process: ``teemakartta worker`` with a limit it cannot keep ends with its
    own exit status and a message naming the setting (``serve`` then starts another)."""
    env = {
        **os.environ,
        "TEEMA_DATA_DIR": str(tmp_path / "data"),
        "TEEMA_DATABASE_URL": "",
        "TEEMA_JOB_MEMORY_LIMIT_MB": "1",
        "HF_HUB_OFFLINE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "worker"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == EXIT_OVER_LIMIT, done.stdout + done.stderr
    assert "TEEMA_JOB_MEMORY_LIMIT_MB" in done.stderr, done.stderr

"""Hard job limits in a worker process: the watchdog that frees a worker from a job
over its time or memory limit even when the job reports no progress.

A job's limits (``TEEMA_JOB_TIME_LIMIT_MINUTES``, ``TEEMA_JOB_MEMORY_LIMIT_MB``) are
checked at each of its progress reports (``jobs.Progress``), where the job can stop
cleanly. A job stuck inside one long step (a fit of many notes, a huge file) reports
nothing for minutes, and a Python thread cannot be stopped from outside. So each
``teemakartta worker`` process runs a ``LimitWatchdog`` thread that looks every second:

* a job over its time limit for more than ``GRACE_SECONDS`` (its own report had the
  chance to stop it), or the process over its memory limit while running jobs: those
  jobs fail with the limit's message (every write of a job names its owner, so nothing
  the job still writes afterwards lands), then the process ends with ``EXIT_OVER_LIMIT``;
* an idle process over its memory limit (Python keeps much of what a large job
  allocated, and the next job would fail at its first report): the process ends too.

``teemakartta serve`` starts a new worker in its place (``commands/local_workers``); a
worker run on its own is restarted by its service manager (docs/SCALING.md). Other jobs
the process was running are queued again by the usual recovery (their owner is gone).
The API's own job threads (``TEEMA_WORKER_PROCESSES=0``) have only the checks at
progress reports: the API is never ended for a job.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from service.jobs import DatabaseJobQueue, JobLimits, resident_mb

__all__ = ["EXIT_OVER_LIMIT", "GRACE_SECONDS", "LimitWatchdog", "exit_over_limit"]

log = logging.getLogger(__name__)
EXIT_OVER_LIMIT = 75  # EX_TEMPFAIL: the worker ended on purpose; start it again
GRACE_SECONDS = 30.0  # past the time limit before the watchdog acts instead of the job
INTERVAL_SECONDS = 1.0


class LimitWatchdog:
    """Looks every ``interval_s`` at the jobs ``queue`` runs in this process; on a breach
    fails them and calls ``on_breach(reason)`` once ("time: ..." or "memory: ..."), which
    in a worker ends the process. ``stop()`` ends the watching."""

    def __init__(
        self,
        queue: DatabaseJobQueue,
        limits: JobLimits,
        on_breach: Callable[[str], None],
        interval_s: float = INTERVAL_SECONDS,
        grace_s: float = GRACE_SECONDS,
    ) -> None:
        self._queue = queue
        self._limits = limits
        self._on_breach = on_breach
        self._interval_s = interval_s
        self._grace_s = grace_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="job-limits", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                reason = self._look()
            except Exception:  # a busy database: look again next time
                log.warning("job limit check failed", exc_info=True)
                continue
            if reason is not None:
                self._on_breach(reason)
                return

    def _look(self) -> str | None:
        """Fail the jobs over a limit; the reason to give the process up, or None."""
        running = self._queue.running()
        for job_id, started in running.items():
            over = self._limits.breach(started, self._grace_s)
            if over is None:
                continue
            kind, message = over
            if kind == "time":
                self._queue.fail(job_id, message)
                return f"time: job {job_id}: {message}"
            for each in running:  # memory is the process's: every job in it shares it
                self._queue.fail(each, message)
            return f"memory: {message}"
        used = resident_mb()
        limit = self._limits.memory_mb
        if not running and limit is not None and used is not None and used > limit:
            return (
                f"memory: the idle worker holds {used:.0f} MB, over the limit of {limit:g} MB "
                "(TEEMA_JOB_MEMORY_LIMIT_MB); a new process starts with less. If this repeats "
                "at start, the limit is below what the worker needs to run at all: raise it."
            )
        return None


def exit_over_limit(owner: str) -> Callable[[str], None]:
    """The breach action of a worker process: say why on stderr, end at once."""

    def end(reason: str) -> None:
        print(
            f"Worker {owner} ends: {reason} Its jobs over the limit failed with that "
            f"message. Exit status {EXIT_OVER_LIMIT}: `teemakartta serve` starts a new "
            "worker; a worker of your own is restarted by its service manager.",
            file=sys.stderr,
            flush=True,
        )
        time.sleep(0.1)  # let the log handlers write
        os._exit(EXIT_OVER_LIMIT)

    return end

"""``teemakartta worker``: run the jobs of the database in this process.

The API stores every job in the database (``service.jobs``); whoever runs jobs claims
them there. By default the API runs them on threads of its own (``TEEMA_JOB_WORKERS``,
2). Worker processes take jobs off the same table: start any number, on this machine or
on others that reach the same PostgreSQL database, and set ``TEEMA_JOB_WORKERS=0`` for an
API that only submits and reads. A worker whose process dies mid-job (killed, out of
memory, machine gone) loses nothing: within a minute (its heartbeat stops) its job is
queued again and another worker runs it from the start.

``TEEMA_CPU_THREADS`` limits the cores its model work uses (set it when several workers
share one machine; ``serve`` does that for the workers it starts).

Limits: a job over ``TEEMA_JOB_TIME_LIMIT_MINUTES`` or ``TEEMA_JOB_MEMORY_LIMIT_MB`` fails
at its next progress report; one that stays over without reporting fails all the same
and the process ends with status 75 to free itself (``service.job_limits``): run a worker
of your own under a service manager that restarts it (``serve`` restarts its own).

Stopping: Ctrl+C or SIGTERM lets the running jobs finish, then exits; jobs not started
stay queued for the next worker.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Annotated

import typer


def worker(
    threads: Annotated[
        int | None,
        typer.Option(min=1, max=32, help="Jobs this process runs at once (TEEMA_JOB_WORKERS)."),
    ] = None,
) -> None:
    """Run queued jobs (ingest, theme runs, actors) until stopped; see `serve` for the API."""
    from service.commands.local_workers import thread_environment
    from service.config import Settings
    from service.job_limits import LimitWatchdog, exit_over_limit
    from service.jobs import DatabaseJobQueue, JobLimits, recover_jobs
    from service.nlp import NlpResources
    from service.storage.db import Database
    from service.tasks import tasks_for

    settings = Settings()
    # Before torch, onnxruntime or numba load: they read their thread counts once.
    os.environ.update(thread_environment(settings.cpu_threads))
    threads = threads or max(1, settings.job_workers)
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    db.migrate()
    recover_jobs(db)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    tasks = tasks_for(db, NlpResources(settings), settings)
    limits = JobLimits.from_settings(settings)
    queue = DatabaseJobQueue(db, tasks, threads, limits=limits)
    where = db.engine.url.render_as_string(hide_password=True)
    typer.echo(f"Worker {queue.owner} runs the jobs of {where}, {threads} at a time.")
    if limits.seconds is not None or limits.memory_mb is not None:  # hard limits
        LimitWatchdog(queue, limits, on_breach=exit_over_limit(queue.owner))
    try:
        while not stop.wait(1.0):  # a plain wait() would not see the signal until it ended
            pass
    finally:
        typer.echo("Stopping: letting running jobs finish.", err=True)
        queue.shutdown()
        db.dispose()

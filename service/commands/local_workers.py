"""The worker processes ``teemakartta serve`` starts beside the API.

``TEEMA_WORKER_PROCESSES`` (1) processes of ``teemakartta worker``, each running
``TEEMA_JOB_WORKERS`` jobs at a time, on the same database; the API then runs no job
itself, so a theme run never holds up a request (its interpreter, its memory and, with a
lower CPU priority, its cores come second). With ``TEEMA_WORKER_PROCESSES=0`` the API
runs the jobs on threads of its own, as before.

Several worker processes share the cores: each gets ``TEEMA_CPU_THREADS`` = physical
cores / processes (unless set), which limits its encoder, torch and numba (UMAP) threads.
Each taking every core made two workers ingest at 0.64x the rate of one (bench
``workers``, 2 cores): four busy threads on two cores only displace each other.

A worker ends with ``serve``: Ctrl+C or SIGTERM stops it after its running jobs (10 s at
most; a job cut off there is queued again for the next start), and if ``serve`` is
killed outright, Linux kills the workers too (their jobs are queued again when a worker
next starts).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

from service.config import Settings

WORKER_NICENESS = 10  # the API's requests go first when both want a core
STOP_SECONDS = 10


def _as_worker() -> None:
    """In a worker's process, before it runs: killed with ``serve``, lower priority."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)


def thread_environment(threads: int) -> dict[str, str]:
    """Environment that keeps a new process's libraries to ``threads`` threads (0: no limit).

    Read when the libraries load, so it is set before the process starts (or, in
    ``teemakartta worker``, before it imports any of them)."""
    if threads <= 0:
        return {}
    names = ("TEEMA_CPU_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
    return dict.fromkeys(names, str(threads))


def worker_threads(settings: Settings) -> int:
    """Threads each worker process ``serve`` starts may use; 0: every core."""
    if settings.cpu_threads or settings.worker_processes <= 1:
        return settings.cpu_threads
    from service.pipeline.embed_onnx import physical_cores

    return max(1, physical_cores() // settings.worker_processes)


def start_workers(settings: Settings, logs: Path) -> list[subprocess.Popen[bytes]]:
    """Start the worker processes; their output goes to ``logs/worker-<n>.log``."""
    workers = []
    env = {**os.environ, **thread_environment(worker_threads(settings))}
    for number in range(1, settings.worker_processes + 1):
        command = [sys.executable, "-m", "service.cli", "worker"]
        command += ["--threads", str(max(1, settings.job_workers))]
        with (logs / f"worker-{number}.log").open("ab") as out:
            workers.append(
                subprocess.Popen(
                    command,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_as_worker,
                    env=env,
                )
            )
    return workers


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (running jobs finish), then SIGKILL after ``STOP_SECONDS``."""
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

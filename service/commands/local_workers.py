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

A worker that ends while ``serve`` runs (a job over its limits ends it on purpose, see
``service.job_limits``; or it was killed) is started again (``Supervisor``).

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
import threading
import time
from pathlib import Path

from service.config import Settings

WORKER_NICENESS = 10  # the API's requests go first when both want a core
STOP_SECONDS = 10
WATCH_SECONDS = 1.0  # how often serve looks whether its workers still run
RESTARTS_PER_MINUTE = 5  # of one worker; more and it waits out the minute


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
    return [start_worker(settings, logs, n) for n in range(1, settings.worker_processes + 1)]


def start_worker(settings: Settings, logs: Path, number: int) -> subprocess.Popen[bytes]:
    """Start worker ``number`` (1..), writing to ``logs/worker-<number>.log``."""
    env = {**os.environ, **thread_environment(worker_threads(settings))}
    command = [sys.executable, "-m", "service.cli", "worker"]
    command += ["--threads", str(max(1, settings.job_workers))]
    with (logs / f"worker-{number}.log").open("ab") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_as_worker, env=env
        )


class Supervisor:
    """Keeps ``serve``'s workers running: one that ends (over a job's limits, status 75;
    killed; crashed) is started again in its place, at most ``RESTARTS_PER_MINUTE`` times
    a minute each, so a worker that cannot start does not spin. ``stop()`` ends them all."""

    def __init__(self, settings: Settings, logs: Path) -> None:
        self._settings, self._logs = settings, logs
        self.processes = start_workers(settings, logs)
        self._restarts: list[list[float]] = [[] for _ in self.processes]
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="workers", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._lock:  # no restart from here on
            self._stopping.set()
        stop_workers(self.processes)
        # Joined last: Linux sends a worker's death signal (PR_SET_PDEATHSIG) when the
        # THREAD that started it ends, so this thread outlives the workers it started.
        self._thread.join()

    def _watch(self) -> None:
        while not self._stopping.wait(WATCH_SECONDS):
            for index in range(len(self.processes)):
                with self._lock:
                    if not self._stopping.is_set():
                        self._restart_if_ended(index)

    def _restart_if_ended(self, index: int) -> None:
        process = self.processes[index]
        status = process.poll()
        recent = [t for t in self._restarts[index] if time.monotonic() - t < 60]
        self._restarts[index] = recent
        if status is None or len(recent) >= RESTARTS_PER_MINUTE:
            return
        number = index + 1
        with (self._logs / f"worker-{number}.log").open("a", encoding="utf-8") as log:
            log.write(f"Worker process {process.pid} ended with status {status}; started again.\n")
        self.processes[index] = start_worker(self._settings, self._logs, number)
        recent.append(time.monotonic())


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

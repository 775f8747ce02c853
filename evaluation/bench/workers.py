"""`make bench` part ``workers``: jobs on the API's threads against jobs in worker processes.

python -m evaluation.bench --only workers [--quick]

Two measurements, each a ratio of two set-ups measured in one run on the same data:

1. **Reads while a theme run fits.** One project is filled with ``notes`` real sentences
   (simplemma, the int8 encoder, as the ``load`` part does) and given a first theme run.
   Then, in each set-up, a second theme run starts and, as soon as it runs, 20 clients
   read the theme list, a notes page and the region comparison (no uploads, no export)
   for a bounded time. Set-up A is the earlier default, ``serve`` with
   ``TEEMA_WORKER_PROCESSES=0`` (jobs on 2 threads of the API); set-up B is today's
   default, ``serve`` starting one worker process (2 jobs at a time, lower CPU priority)
   and running no job itself, on the same data folder (filled once, by A). The job's
   state before and after the clients says whether the run was fitting (or naming its
   themes, before "storing") the whole time; the p95 ratio B/A per endpoint is the
   result.
2. **Ingest throughput, 2 workers against 1.** ``serve`` with 1, then 2, worker
   processes of one job at a time (fresh data folder each, workers warmed by one small
   upload each): ``notes`` sentences as 8 CSV files into 8 projects (jobs of one project
   never run in parallel), uploaded without waiting; wall time until all 8 jobs
   succeeded. Two workers each get half the cores (``serve`` sets ``TEEMA_CPU_THREADS``).
   Measured with the product's defaults (spaCy lemmas, float32 encoder) and with the
   fast backends (simplemma, int8 encoder).

The load average is recorded before and after each measurement: the machine is shared,
and a ratio means little under outside load.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evaluation.bench.common import REPO_ROOT, csv_upload, machine_info
from evaluation.bench.system import _read_paths, api_latency, real_sentences, rss_mb, wait_for

READS = ("themes", "notes page", "compare")
REGIONS = ("Pohjois-Savo", "Etelä-Savo", "Kainuu", "Lappi", "Pirkanmaa")
PROJECT = "kuorma"
STOP_GRACE_SECONDS = 120  # a stopping worker or API lets its running job finish first


def bench_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of the load benches' service (and its workers) on ``data_dir``."""
    return {
        **os.environ,
        "TEEMA_DATA_DIR": str(data_dir),
        "TEEMA_LANGUAGE_BACKEND": "simplemma",
        "HF_HUB_OFFLINE": "1",
        "TEEMA_MAX_NOTES_PER_DOCUMENT": "50000",
        # Filling 20k notes takes minutes with fp32; reads do not depend on the encoder.
        "TEEMA_EMBEDDING_BACKEND": "onnx-int8",
        "PYTHONUNBUFFERED": "1",  # the worker's "ready" line reaches its log at once
        **settings,
    }


def _load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


@dataclass
class Service:
    """A running API (and its worker processes): a client with the admin's token."""

    http: Any  # httpx.Client
    base: str
    token: str
    api: subprocess.Popen[bytes]
    workers: list[int]  # pids of its worker processes

    def peak_rss_mb(self) -> dict[str, Any]:
        return {
            "api": rss_mb("VmHWM", self.api.pid),
            "workers": [rss_mb("VmHWM", pid) for pid in self.workers],
        }


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (running jobs finish), SIGKILL after the grace time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_line(log: Path, text: str, process: subprocess.Popen[bytes], limit: float) -> None:
    """Until ``log`` holds ``text``; RuntimeError if ``process`` ends or ``limit`` passes."""
    deadline = time.monotonic() + limit
    while text not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no {text!r} in {log}:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)


def _worker_pids(api: subprocess.Popen[bytes]) -> list[int]:
    """The ``teemakartta worker`` processes ``serve`` started."""
    children = Path(f"/proc/{api.pid}/task/{api.pid}/children").read_text().split()
    return [int(pid) for pid in children if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()]


@contextmanager
def service(
    data_dir: Path,
    job_workers: int,
    worker_processes: int,
    *,
    settings: Mapping[str, str] | None = None,
    checkout: Path = REPO_ROOT,
) -> Iterator[Service]:
    """``serve`` on a free port with ``TEEMA_WORKER_PROCESSES=worker_processes`` (the
    worker processes it starts itself, as for a user) and ``TEEMA_JOB_WORKERS=job_workers``
    (jobs at once per worker process, or on the API's threads without workers), on
    ``data_dir`` (``settings``: more environment, e.g. other backends), from the code in
    ``checkout`` (another git worktree: ``reads_by_commit``); stopped on the way out (its
    workers with it)."""
    import httpx

    from tests.postgres import free_port

    env = bench_env(
        data_dir,
        TEEMA_JOB_WORKERS=str(job_workers),
        TEEMA_WORKER_PROCESSES=str(worker_processes),
        **(settings or {}),
    )
    port = free_port()
    with ExitStack() as stack:
        out = stack.enter_context((data_dir / f"api-{port}.log").open("ab"))
        api = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            env=env, cwd=checkout, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        stack.callback(_stop, api)
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health", time.perf_counter(), limit=120)
        for number in range(1, worker_processes + 1):
            log = data_dir / "logs" / f"worker-{number}.log"
            _wait_for_line(log, "runs the jobs of", api, limit=120)
        token = (data_dir / "admin-token").read_text().strip()
        headers = {"Authorization": f"Bearer {token}"}
        http = stack.enter_context(httpx.Client(base_url=base, timeout=600, headers=headers))
        yield Service(http, base, token, api, _worker_pids(api))


def wait_job(http: Any, job_id: str, poll: float = 0.2) -> dict[str, Any]:
    """The job's row once it has ended; RuntimeError if it failed."""
    while True:
        job: dict[str, Any] = http.get(f"/jobs/{job_id}").json()
        if job["state"] == "failed":
            raise RuntimeError(f"job {job_id} failed: {job['error']}")
        if job["state"] == "succeeded":
            return job
        time.sleep(poll)


def _upload(http: Any, project: str, name: str, texts: list[str], region: str) -> str:
    """Upload ``texts`` as one CSV without waiting; the job's id."""
    answer = http.post(
        f"/projects/{project}/documents",
        data={"region": region},
        files=[("files", (name, csv_upload(texts)))],
    )
    answer.raise_for_status()
    return str(answer.json()["job_id"])


def _start_run(http: Any) -> tuple[str, float]:
    """(job id, perf_counter at submission) of a theme run of the load project."""
    started = time.perf_counter()
    answer = http.post(f"/projects/{PROJECT}/runs", json={"use_codebook": False})
    answer.raise_for_status()
    return str(answer.json()["job_id"]), started


def _fill(svc: Service, sentences: list[str]) -> dict[str, Any]:
    """The load project: ``sentences`` as one CSV per region, then a first theme run."""
    svc.http.post("/projects", json={"name": PROJECT}).raise_for_status()
    started = time.perf_counter()
    for number, region in enumerate(REGIONS):
        job = _upload(svc.http, PROJECT, f"{region}.csv", sentences[number :: len(REGIONS)], region)
        wait_job(svc.http, job)
    ingest_seconds = time.perf_counter() - started
    job, started = _start_run(svc.http)
    themes = wait_job(svc.http, job)["result"].get("themes")
    return {
        "notes": len(sentences),
        "ingest_seconds": round(ingest_seconds, 1),
        "first_run_seconds": round(time.perf_counter() - started, 1),
        "first_run_themes": themes,
    }


def _job_state(http: Any, job_id: str) -> dict[str, Any]:
    job = http.get(f"/jobs/{job_id}").json()
    return {key: job[key] for key in ("state", "progress", "message", "updated_at")}


def _until_running(http: Any, job_id: str, limit: float = 600) -> dict[str, Any]:
    """The run's state once a worker has claimed it (or it has ended). Its first stage,
    loading embeddings, is short, and its "finding themes" report (0.2) may never reach
    the row: progress writes are throttled, and it comes right after the first."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        state = _job_state(http, job_id)
        if state["state"] != "queued":
            return state
        time.sleep(0.05)
    raise RuntimeError(f"theme run {job_id} was not claimed within {limit:g} s")


def idle_reads(svc: Service, seconds: float) -> dict[str, Any]:
    """20 clients reading the load project's views for ``seconds`` with nothing running,
    their caches filled first (a cold cache would make the p95)."""
    for path in _read_paths(PROJECT, READS).values():
        svc.http.get(path).raise_for_status()
    return api_latency(svc.base, svc.token, PROJECT, seconds=seconds, only=READS)


def reads_while_fitting(svc: Service, window: float) -> dict[str, Any]:
    """20 clients reading (views cached) for ``window`` / 3 s with nothing running, then
    for ``window`` s from the moment a new theme run starts; the run's state before and
    after, its seconds."""
    idle = idle_reads(svc, window / 3)
    job, submitted = _start_run(svc.http)
    before = _until_running(svc.http, job)
    load_before, clients_started = _load(), datetime.now(UTC)
    busy = api_latency(svc.base, svc.token, PROJECT, seconds=window, only=READS)
    load_after = _load()
    after = _job_state(svc.http, job)
    # Storing (0.9) writes the run; before it, the run fits and names its themes.
    ended_early = after["state"] != "running" or after["progress"] >= 0.9
    ended_at = None
    if ended_early:  # when, counted from the clients' start (the row's last write)
        ended = datetime.fromisoformat(after["updated_at"])
        ended_at = round((ended - clients_started).total_seconds(), 1)
    run = wait_job(svc.http, job)
    return {
        "idle": idle,
        "while_fitting": busy,
        "run_before_clients": before,
        "run_after_clients": after,
        "run_fitting_throughout": before["state"] == "running" and not ended_early,
        "run_ended_seconds_into_clients": ended_at,  # None: it was still fitting
        "run_seconds": round(time.perf_counter() - submitted, 1),
        "run": {key: run["result"].get(key) for key in ("status", "themes", "fit_seconds")},
        "load_average_before": load_before,
        "load_average_after": load_after,
        "peak_rss_mb": svc.peak_rss_mb(),
    }


def _ratios(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """B/A of p50 and p95 per endpoint."""
    ratios = {}
    for name, mine in b["endpoints"].items():
        theirs = a["endpoints"].get(name)
        if theirs and theirs["p95_ms"] and theirs["p50_ms"]:
            ratios[name] = {
                "p50": round(mine["p50_ms"] / theirs["p50_ms"], 3),
                "p95": round(mine["p95_ms"] / theirs["p95_ms"], 3),
            }
    return ratios


def reads_part(work: Path, notes: int, seconds: float) -> dict[str, Any]:
    """Measurement 1: set-up A fills the data, measures and stops; set-up B measures on
    the same data. The clients read for ``seconds``, at most 0.7x the first run's time (a
    run under load takes longer than alone, so it is still fitting when they stop)."""
    data = work / "reads"
    data.mkdir(parents=True)
    sentences = real_sentences()[:notes]
    with service(data, job_workers=2, worker_processes=0) as svc:
        fill = _fill(svc, sentences)
        window = round(min(seconds, max(5.0, 0.7 * fill["first_run_seconds"])), 1)
        print(f"workers: filled {fill}; clients read for {window} s", flush=True)
        a = reads_while_fitting(svc, window)
    print(f"workers: A (API threads) {a['while_fitting']['endpoints']}", flush=True)
    with service(data, job_workers=2, worker_processes=1) as svc:
        b = reads_while_fitting(svc, window)
    print(f"workers: B (worker process) {b['while_fitting']['endpoints']}", flush=True)
    return {
        "fill": fill,
        "clients": 20,
        "endpoints": list(READS),
        "seconds": window,
        "A_api_threads": {"TEEMA_JOB_WORKERS": 2, "worker_processes": 0, **a},
        "B_worker_process": {"TEEMA_JOB_WORKERS": 2, "worker_processes": 1, **b},
        "ratio_B_over_A_while_fitting": _ratios(a["while_fitting"], b["while_fitting"]),
        "ratio_B_over_A_idle": _ratios(a["idle"], b["idle"]),
        "errors_while_fitting": {
            "A": a["while_fitting"]["errors"],
            "B": b["while_fitting"]["errors"],
        },
        "all_fitting_throughout": a["run_fitting_throughout"] and b["run_fitting_throughout"],
    }


def _timed_ingest(svc: Service, sentences: list[str], files: int) -> dict[str, Any]:
    """Warm each worker with a small upload of its own, then upload ``files`` CSVs into as
    many projects without waiting; seconds until every job succeeded."""
    warm = []  # a cold worker loads its models for seconds: each claims one of these
    for number in range(len(svc.workers)):
        svc.http.post("/projects", json={"name": f"warm-{number}"}).raise_for_status()
        texts = [f"{text} ({number})" for text in sentences[:20]]
        warm.append(_upload(svc.http, f"warm-{number}", "warm.csv", texts, "Kainuu"))
    for job in warm:
        wait_job(svc.http, job)
    for number in range(files):
        svc.http.post("/projects", json={"name": f"ingest-{number}"}).raise_for_status()
    load_before = _load()
    started = time.perf_counter()
    jobs = [
        _upload(svc.http, f"ingest-{n}", f"osa-{n}.csv", sentences[n::files], REGIONS[n % 5])
        for n in range(files)
    ]
    uploaded = time.perf_counter() - started
    results = [wait_job(svc.http, job, poll=0.1)["result"] for job in jobs]
    seconds = time.perf_counter() - started
    documents = [doc for result in results for doc in result["documents"]]
    stored = sum(doc["note_count"] for doc in documents)
    return {
        "worker_processes": len(svc.workers),
        "notes": stored,
        "embedded": sum(doc["embedded"] for doc in documents),
        "uploads_seconds": round(uploaded, 2),
        "seconds": round(seconds, 1),
        "notes_per_second": round(stored / seconds, 1),
        "load_average_before": load_before,
        "load_average_after": _load(),
        "peak_rss_mb": svc.peak_rss_mb(),
    }


# The ingest's two set-ups: the product's defaults (spaCy lemmas, float32 encoder) and
# the fast backends the other benches use (simplemma, int8 encoder).
BACKENDS = {
    "defaults": {
        "TEEMA_LANGUAGE_BACKEND": "auto",
        "TEEMA_EMBEDDING_BACKEND": "sentence-transformers",
    },
    "fast": {"TEEMA_LANGUAGE_BACKEND": "simplemma", "TEEMA_EMBEDDING_BACKEND": "onnx-int8"},
}


def ingest_part(work: Path, notes: int, files: int = 8) -> dict[str, Any]:
    """Measurement 2: the same uploads with 1 worker process, then 2 (fresh data each;
    ``serve`` gives each of 2 workers half the cores), with each set of backends."""
    sentences = real_sentences()[:notes]
    measured: dict[str, Any] = {"notes": len(sentences), "files": files}
    for name, backends in BACKENDS.items():
        runs = {}
        for workers in (1, 2):
            data = work / f"ingest-{name}-{workers}"
            data.mkdir(parents=True)
            with service(data, job_workers=1, worker_processes=workers, settings=backends) as svc:
                runs[workers] = _timed_ingest(svc, sentences, files)
            print(f"workers: ingest ({name}) with {workers} worker(s) {runs[workers]}", flush=True)
        ratio = runs[2]["notes_per_second"] / runs[1]["notes_per_second"]
        measured[name] = {
            "settings": backends,
            "one_worker": runs[1],
            "two_workers": runs[2],
            "ratio_two_over_one": round(ratio, 3),
        }
    return measured


def run(work: Path, quick: bool) -> dict[str, Any]:
    """Both measurements at the bench's size (``quick``: 2,000 and 1,000 notes)."""
    machine = machine_info()
    reads = reads_part(work, 2000 if quick else 20000, 20 if quick else 60)
    ingest = ingest_part(work, 1000 if quick else 8000)
    return {
        "machine": machine,
        "quick": quick,
        "reads_while_fitting": reads,
        "ingest_throughput": ingest,
        "machine_after": {"timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
                          "load_average": _load()},
    }  # fmt: skip

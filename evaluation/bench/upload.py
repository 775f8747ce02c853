"""Upload -> themes ready, as a user waits for it, beside the peer path in one job.

One CSV of short real notes (the two shared sentence sets together, 3,996 notes, one
note per row) goes through three paths, each a fresh process on a fresh data dir:

- **cli**: ``teemakartta ingest NOTES.csv`` then ``teemakartta themes`` (two whole
  processes: imports, model loads, parse, privacy, lemmas, vectors, store, theme run);
  once per embedding backend;
- **api**: the service started on a fresh data dir, then what the UI does: upload
  (202 + job), follow the job every 0.5 s, start a theme run, follow it; the clock runs
  from the upload request to the run's end (models load inside it, as on a fresh server);
- **peer**: :mod:`evaluation.bench.peer`, sentence-transformers float32 encode +
  ``BERTopic().fit_transform``.

Peak memory is each process's maximum resident set (``wait4``'s ``ru_maxrss``; the
service's ``VmHWM``). ``stages`` profiles one ingest + run in-process on a fresh
database (the progress messages' timestamps, plus the encoder and the lemmatiser timed
alone on the same notes). The load average is recorded with every timing: the machine
is shared, so the ratio of paths measured in this one job is the figure to trust.

    python -m evaluation.bench --only upload
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.bench.common import REPO_ROOT, SHARED_DATA, csv_upload, read_labelled
from evaluation.bench.system import rss_mb, wait_for

SENTENCE_SETS = ("eduskunta_vkk_ministry_sentences", "sib200_fin_topics")
BACKENDS = ("onnx-int8", "sentence-transformers")
PROJECT, REGION = "bench", "Uusimaa"


def upload_notes(limit: int | None = None) -> list[str]:
    """The notes of the two shared sentence sets, in file order (3,996 notes)."""
    texts = [
        t for name in SENTENCE_SETS for t in read_labelled(SHARED_DATA / f"{name}.jsonl").texts
    ]
    return texts[:limit]


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _process(command: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run ``command`` to its end: wall seconds, peak RSS (MiB); RuntimeError on failure."""
    load = _load()
    started = time.perf_counter()
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{tail}")
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "load_average": load,
    }


def _env(data_dir: Path, backend: str) -> dict[str, str]:
    return {
        **os.environ,
        "TEEMA_DATA_DIR": str(data_dir),
        "TEEMA_EMBEDDING_BACKEND": backend,
        "HF_HUB_OFFLINE": "1",
    }


def _themes_of(data_dir: Path) -> dict[str, Any]:
    """Themes and unassigned share of the newest run in a data dir's SQLite database."""
    with sqlite3.connect(data_dir / "teemakartta.db") as db:
        run_id, unassigned, fit = db.execute(
            "SELECT id, unassigned_share, fit_seconds FROM theme_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        (themes,) = db.execute("SELECT count(*) FROM themes WHERE run_id = ?", (run_id,)).fetchone()
    return {"themes": themes, "unassigned_share": round(unassigned, 4), "fit_seconds": fit}


def cli_path(csv_path: Path, backend: str, work: Path) -> dict[str, Any]:
    """`teemakartta ingest` then `teemakartta themes`, whole processes, fresh data dir."""
    data_dir = work / f"cli-{backend}"
    env, cli = _env(data_dir, backend), [sys.executable, "-m", "service.cli"]
    log = work / f"cli-{backend}.log"
    ingest = _process(
        cli + ["ingest", str(csv_path), "--project", PROJECT, "--region", REGION], env, log
    )
    theme_run = _process(cli + ["themes", "--project", PROJECT], env, log)
    return {
        "embedding_backend": backend,
        "ingest": ingest,
        "theme_run": theme_run,
        "total_seconds": round(ingest["seconds"] + theme_run["seconds"], 2),
        "peak_rss_mb": max(ingest["peak_rss_mb"], theme_run["peak_rss_mb"]),
        **_themes_of(data_dir),
    }


def peer_path(csv_path: Path, work: Path) -> dict[str, Any]:
    """sentence-transformers fp32 + BERTopic defaults in a process of their own."""
    log = work / "peer.log"
    measured = _process(
        [sys.executable, "-m", "evaluation.bench.peer", str(csv_path)], _env(work, ""), log
    )
    stages = json.loads(log.read_text().strip().splitlines()[-1])
    return {**measured, "total_seconds": measured["seconds"], **stages}


def _follow(http: Any, job_id: str) -> dict[str, Any]:
    """Poll a job as the UI's progress bar does (every 0.5 s) until it ends."""
    while True:
        job = http.get(f"/jobs/{job_id}").json()
        if job["state"] in ("succeeded", "failed"):
            if job["state"] == "failed":
                raise RuntimeError(f"job {job_id} failed: {job}")
            return dict(job)
        time.sleep(0.5)


def api_path(csv_path: Path, backend: str, work: Path) -> dict[str, Any]:
    """The UI's path through a freshly started service: upload, follow, run, follow."""
    import httpx

    from tests.postgres import free_port

    data_dir, port = work / f"api-{backend}", free_port()
    data_dir.mkdir()
    log = (work / f"api-{backend}.log").open("wb")
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=_env(data_dir, backend), cwd=REPO_ROOT, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        ready = wait_for(f"{base}/health", started, limit=120)
        token = (data_dir / "admin-token").read_text().strip()
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, timeout=600, headers=headers) as http:
            http.post("/projects", json={"name": PROJECT}).raise_for_status()
            load, started = _load(), time.perf_counter()
            files = [("files", (csv_path.name, csv_path.read_bytes(), "text/csv"))]
            answer = http.post(
                f"/projects/{PROJECT}/documents", data={"region": REGION}, files=files
            )
            answer.raise_for_status()
            _follow(http, answer.json()["job_id"])
            ingested = time.perf_counter()
            run = http.post(f"/projects/{PROJECT}/runs", json={})
            run.raise_for_status()
            result = _follow(http, run.json()["job_id"])["result"]
            done = time.perf_counter()
        return {
            "embedding_backend": backend,
            "server_ready_seconds": ready,
            "upload_to_ingested_seconds": round(ingested - started, 2),
            "theme_run_seconds": round(done - ingested, 2),
            "total_seconds": round(done - started, 2),
            "peak_rss_mb": rss_mb("VmHWM", process.pid),
            # The models live in the local worker process that serve starts beside the API.
            "worker_peak_rss_mb": worker_peak_rss_mb(process.pid),
            "load_average": load,
            "themes": result.get("themes"),
            "unassigned_share": result.get("unassigned_share"),
        }
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (children, their children, ...), from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def worker_peak_rss_mb(pid: int) -> float | None:
    """The largest peak resident memory (MiB) of the ``teemakartta worker`` processes that
    ``serve`` (``pid``) started; None when it has none."""
    peaks = []
    for child in descendants(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in command:
            peaks.append(rss_mb("VmHWM", child))
    return max((peak for peak in peaks if peak is not None), default=None)


def _recorder(stages: dict[str, float]) -> Callable[[float, str], None]:
    """A progress callback adding the seconds since the previous message to its stage."""
    last = {"message": "start", "at": time.perf_counter()}

    def record(_fraction: float, message: str) -> None:
        now = time.perf_counter()
        stages[last["message"]] = stages.get(last["message"], 0.0) + now - last["at"]
        last.update(message=message, at=now)

    return record


def stage_profile(csv_path: Path, backend: str, data_dir: Path) -> dict[str, Any]:
    """Ingest + theme run in this process on a fresh database, seconds per stage."""
    from service.config import Settings
    from service.ingest import embedding_text, ingest_document, prepare_document, validate_meta
    from service.nlp import NlpResources
    from service.storage.db import Database
    from service.storage.repository import create_project
    from service.theming.notes import RunFilters
    from service.theming.runs import RunOptions, fit_run

    clock = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir, database_url=None, embedding_backend=backend)
    db = Database(settings.resolved_database_url)
    db.migrate()
    with db.session() as session:
        project_id = create_project(session, PROJECT).id
    nlp = NlpResources(settings)
    stages: dict[str, float] = {}
    started = time.perf_counter()
    prepared = prepare_document(
        csv_path.name, csv_path.read_bytes(), validate_meta(REGION), settings
    )
    stages["parse and segment"] = time.perf_counter() - started
    ingest_stages: dict[str, float] = {}
    record = _recorder(ingest_stages)
    ingest_document(db, nlp, project_id, prepared, record)
    record(1.0, "end")
    run_stages: dict[str, float] = {}
    record = _recorder(run_stages)
    fit_run(db, nlp, project_id, RunFilters(), RunOptions(), record)
    record(1.0, "end")
    texts = [n.text for n in prepared.notes]
    alone: dict[str, float] = {}
    for name, work in (
        ("encoder", lambda: nlp.embedder.embed([embedding_text(t, None) for t in texts])),
        ("lemmatiser", lambda: nlp.analyzer.analyze(texts)),
    ):
        started = time.perf_counter()
        work()
        alone[name] = round(time.perf_counter() - started, 2)
    return {
        "embedding_backend": backend,
        "notes": len(texts),
        "parse_seconds": round(stages["parse and segment"], 2),
        "ingest_seconds_by_message": {k: round(v, 2) for k, v in ingest_stages.items()},
        "theme_run_seconds_by_message": {k: round(v, 2) for k, v in run_stages.items()},
        "warm_alone_seconds": alone,
        "process_seconds": round(time.perf_counter() - clock, 2),
    }


def run(
    quick: bool = False, backends: tuple[str, ...] = BACKENDS, api: bool = True
) -> dict[str, Any]:
    """Every path on the same CSV in this one job; ratios to the peer path."""
    notes = upload_notes(500 if quick else None)
    results: dict[str, Any] = {"notes": len(notes), "sets": list(SENTENCE_SETS), "cli": {}}
    with tempfile.TemporaryDirectory(prefix="teema-upload-") as tmp:
        work = Path(tmp)
        csv_path = work / "muistiinpanot.csv"
        csv_path.write_bytes(csv_upload(notes))
        # Ours and the peer's interleaved, so that a change in the machine's load hits both.
        results["cli"][backends[0]] = cli_path(csv_path, backends[0], work)
        results["peer"] = peer_path(csv_path, work)
        for backend in backends[1:]:
            results["cli"][backend] = cli_path(csv_path, backend, work)
        if api:
            results["api"] = {backends[0]: api_path(csv_path, backends[0], work)}
        command = [sys.executable, "-m", "evaluation.bench.upload", "stages", str(csv_path)]
        log = work / "stages.log"
        _process(command + [backends[0], str(work / "stages")], _env(work, backends[0]), log)
        results["stages"] = json.loads(log.read_text().strip().splitlines()[-1])
    peer = results["peer"]
    results["speedup_vs_peer"] = {
        f"cli {b}": round(peer["total_seconds"] / r["total_seconds"], 2)
        for b, r in results["cli"].items()
    }
    for backend, measured in results.get("api", {}).items():
        results["speedup_vs_peer"][f"api {backend}"] = round(
            peer["total_seconds"] / measured["total_seconds"], 2
        )
    return results


if __name__ == "__main__":  # python -m evaluation.bench.upload stages NOTES.csv BACKEND DIR
    if len(sys.argv) != 5 or sys.argv[1] != "stages":
        raise SystemExit("usage: python -m evaluation.bench.upload stages NOTES.csv BACKEND DIR")
    profile = stage_profile(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
    print(json.dumps(profile))

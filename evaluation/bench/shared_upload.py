"""`make bench` part ``shared``: one large upload, alone or shared with other workers.

python -m evaluation.bench --only shared [--quick]

One CSV of ``notes`` real sentences (8,000; ``--quick`` 2,000) is uploaded into a fresh
project of a fresh ``serve`` (its own worker processes, as for a user; workers warmed by
a small upload each), and timed until its job succeeded, in these set-ups:

- ``one_worker_alone``: 1 worker process of one job at a time, sharing off
  (``TEEMA_SHARED_BATCH_NOTES=0``): the upload as before batches existed;
- ``one_worker_shared``: the same with sharing on (1,000 notes a batch): with no other
  worker, the upload takes every batch back (the cost of offering them);
- ``default_alone`` / ``default_shared``: the default worker process (2 jobs at a time),
  sharing off and on: on one machine the second thread takes batches;
- ``two_workers_shared``: 2 worker processes of one job at a time (each given half the
  cores by ``serve``), sharing on: what a second machine's worker would add, here on the
  same 2 cores.

The fast backends (simplemma, int8 encoder) as in the other load benches; the result
names the batches other workers did, the ratio of each set-up's time to
``one_worker_alone``, and the load average before and after each (the machine is
shared).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from evaluation.bench.common import machine_info
from evaluation.bench.system import real_sentences
from evaluation.bench.workers import _load, _upload, service, wait_job

SETUPS: dict[str, tuple[int, int, str]] = {
    # name: (worker processes, jobs at a time per process, TEEMA_SHARED_BATCH_NOTES)
    "one_worker_alone": (1, 1, "0"),
    "one_worker_shared": (1, 1, "1000"),
    "default_alone": (1, 2, "0"),
    "default_shared": (1, 2, "1000"),
    "two_workers_shared": (2, 1, "1000"),
}


def _timed(work: Path, name: str, sentences: list[str]) -> dict[str, Any]:
    processes, threads, batch = SETUPS[name]
    data = work / name
    data.mkdir(parents=True)
    with service(data, threads, processes, settings={"TEEMA_SHARED_BATCH_NOTES": batch}) as svc:
        for number in range(processes):  # each worker loads its models before the clock
            svc.http.post("/projects", json={"name": f"warm-{number}"}).raise_for_status()
            texts = [f"{text} ({number})" for text in sentences[:20]]
            wait_job(svc.http, _upload(svc.http, f"warm-{number}", "warm.csv", texts, "Kainuu"))
        svc.http.post("/projects", json={"name": "iso"}).raise_for_status()
        before = _load()
        started = time.perf_counter()
        job = wait_job(svc.http, _upload(svc.http, "iso", "iso.csv", sentences, "Lappi"), 0.1)
        seconds = time.perf_counter() - started
        (document,) = job["result"]["documents"]
        return {
            "worker_processes": processes,
            "jobs_per_process": threads,
            "shared_batch_notes": int(batch),
            "notes": document["note_count"],
            "shared_batches": document.get("shared_batches", 0),
            "seconds": round(seconds, 1),
            "notes_per_second": round(document["note_count"] / seconds, 1),
            "load_average_before": before,
            "load_average_after": _load(),
            "peak_rss_mb": svc.peak_rss_mb(),
        }


def run(work: Path, quick: bool) -> dict[str, Any]:
    sentences = real_sentences()[: 2000 if quick else 8000]
    measured: dict[str, Any] = {}
    for name in SETUPS:
        measured[name] = _timed(work, name, sentences)
        print(f"shared: {name} {measured[name]}", flush=True)
    base = measured["one_worker_alone"]["seconds"]
    return {
        "machine": machine_info(),
        "quick": quick,
        "notes": len(sentences),
        "backends": {"TEEMA_LANGUAGE_BACKEND": "simplemma", "TEEMA_EMBEDDING_BACKEND": "onnx-int8"},
        "setups": measured,
        "speedup_over_one_worker_alone": {
            name: round(base / value["seconds"], 3) for name, value in measured.items()
        },
    }

"""`make bench` part ``large``: a 200,000-note project through ``serve`` and one worker.

python -m evaluation.bench --only large [--quick]

The notes are the shared sentences (``real_sentences``, about 21,000) and variants of
them, each with one word left out (a different word for each copy), so no two notes are
identical and the topics stay those of the real data. They are uploaded as CSV files of
20,000 notes (regions in turn) into one project without waiting, then one theme run
starts. ``serve`` runs them in its worker process, as for a user, with the int8 encoder
and simplemma (``bench_env``; the load benches' set-up). Reported: ingest and run
seconds, the run's result (themes, whether it fitted on a sample), and the peak memory
of the worker after the ingest and after the run (VmHWM).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evaluation.bench.common import machine_info
from evaluation.bench.system import real_sentences, rss_mb
from evaluation.bench.workers import REGIONS, _load, _upload, service, wait_job

PROJECT = "suuri"
FILE_NOTES = 20_000


def _variants(sentence: str) -> Iterator[str]:
    """The sentence, then the sentence without its 1st, 2nd, ... word."""
    yield sentence
    words = sentence.split()
    for left_out in range(len(words)):
        yield " ".join(words[:left_out] + words[left_out + 1 :])


def varied_notes(sentences: list[str], count: int) -> list[str]:
    """``count`` distinct notes: every sentence, then every sentence's first variant, ...

    ValueError if the sentences cannot give that many."""
    variants = [_variants(sentence) for sentence in sentences]
    seen: dict[str, None] = {}
    while len(seen) < count and variants:
        alive = []
        for source in variants:
            text = next(source, None)
            if text is not None:
                alive.append(source)
                if len(text.split()) >= 3:
                    seen.setdefault(text, None)
                if len(seen) == count:
                    break
        variants = alive
    if len(seen) < count:
        raise ValueError(f"only {len(seen)} distinct notes from {len(sentences)} sentences")
    return list(seen)


def _peak(svc: Any) -> dict[str, Any]:
    return {"api_mb": rss_mb("VmHWM", svc.api.pid), "worker_mb": svc.peak_rss_mb()["workers"]}


def run(work: Path, quick: bool) -> dict[str, Any]:
    """Ingest ``count`` notes (quick: 30,000) and fit one theme run over them."""
    count = 30_000 if quick else 200_000
    notes = varied_notes(real_sentences(), count)
    data = work / "large"
    data.mkdir(parents=True)
    with service(data, job_workers=1, worker_processes=1) as svc:
        svc.http.post("/projects", json={"name": PROJECT}).raise_for_status()
        load_before, started = _load(), time.perf_counter()
        jobs = []
        for number, first in enumerate(range(0, count, FILE_NOTES)):
            texts = notes[first : first + FILE_NOTES]
            region = REGIONS[number % len(REGIONS)]
            jobs.append(_upload(svc.http, PROJECT, f"osa-{number}.csv", texts, region))
        results = [wait_job(svc.http, job, poll=1.0)["result"] for job in jobs]
        ingest_seconds = time.perf_counter() - started
        stored = sum(doc["note_count"] for r in results for doc in r["documents"])
        after_ingest = _peak(svc)
        print(f"large: {stored} notes in {ingest_seconds:.0f} s; {after_ingest}", flush=True)
        started = time.perf_counter()
        answer = svc.http.post(f"/projects/{PROJECT}/runs", json={"use_codebook": False})
        answer.raise_for_status()
        run_job = wait_job(svc.http, str(answer.json()["job_id"]), poll=1.0)
        run_seconds = time.perf_counter() - started
        summary = run_job["result"]
        print(f"large: run in {run_seconds:.0f} s: {summary.get('themes')} themes", flush=True)
        return {
            "machine": machine_info(),
            "quick": quick,
            "notes": count,
            "files": len(jobs),
            "setup": "serve + 1 worker process, onnx-int8, simplemma (bench_env)",
            "ingest": {
                "seconds": round(ingest_seconds, 1),
                "notes_stored": stored,
                "notes_per_second": round(stored / ingest_seconds, 1),
                "peak_rss_after_ingest": after_ingest,
            },
            "theme_run": {
                "seconds": round(run_seconds, 1),
                "themes": summary.get("themes"),
                "notes": summary.get("notes"),
                "unassigned_share": summary.get("unassigned_share"),
                "fit_seconds": summary.get("fit_seconds"),
                "fit_sample": summary.get("fit_sample"),
                "peak_rss_after_run": _peak(svc),
            },
            "load_average_before": load_before,
            "load_average_after": _load(),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        }

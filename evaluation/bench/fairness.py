"""How long one project's small upload waits while another project ingests a big one.

python -m evaluation.bench.fairness [--rows 2000] [--baseline-repo PATH]

Starts the real service (``python -m service.cli serve``), uploads ``--rows`` OmaStadi
proposals as a CSV to project ``iso``, and as soon as that job runs, the Learning Cafe
summary (~40 notes) to project ``pieni``. Reports the small upload's time from request
to done and the big one's. The service runs once with ``TEEMA_JOB_WORKERS=1`` (one job
at a time, first come first served: the old design) and once with the default (two
workers, one job per project), and first, with ``--baseline-repo``, the service of
another checkout as it is. ``--huge-note`` measures the issue's 4.9M-character note
instead (``measure_huge_note``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from evaluation.bench.common import (
    REPO_ROOT,
    RESULTS_DIR,
    SHARED_DATA,
    csv_upload,
    machine_info,
    write_json,
)
from evaluation.bench.system import rss_mb, wait_for

SMALL = REPO_ROOT / "corpora" / "pohjois-savo_learning-cafe_2017.txt"


def _job_done(http: httpx.Client, job_id: str) -> dict[str, Any]:
    while True:
        job = http.get(f"/jobs/{job_id}").json()
        if job["state"] in ("succeeded", "failed"):
            return job
        time.sleep(0.1)


@contextmanager
def _service(repo: Path, **settings: str) -> Iterator[tuple[httpx.Client, int]]:
    """The service of ``repo`` on a free port with a fresh data folder: (client, pid)."""
    from tests.postgres import free_port

    with tempfile.TemporaryDirectory(prefix="teema-fair-") as tmp:
        port = free_port()
        env = {**os.environ, "TEEMA_DATA_DIR": tmp, "HF_HUB_OFFLINE": "1", **settings}
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            cwd=repo,
            env=env,
            stdout=(Path(tmp) / "api.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/health", time.perf_counter(), limit=120)
            token = (Path(tmp) / "admin-token").read_text().strip()
            yield (
                httpx.Client(
                    base_url=base, timeout=600, headers={"Authorization": f"Bearer {token}"}
                ),
                process.pid,
            )
        finally:
            process.terminate()
            process.wait(timeout=600)


def measure(repo: Path, rows: int, workers: int | None) -> dict[str, Any]:
    """One run of the scenario against the service of ``repo``; times in seconds."""
    settings = {"TEEMA_JOB_WORKERS": str(workers)} if workers else {}
    with _service(repo, **settings) as (http, pid):
        for name in ("iso", "pieni"):
            http.post("/projects", json={"name": name}).raise_for_status()
        lines = (SHARED_DATA / "omastadi_proposals.jsonl").read_text().splitlines()
        proposals = [json.loads(line)["text"] for line in lines[:rows]]
        started = time.perf_counter()
        big = http.post(
            "/projects/iso/documents",
            data={"region": "Helsinki"},
            files=[("files", ("ehdotukset.csv", csv_upload(proposals)))],
        ).json()["job_id"]
        while http.get(f"/jobs/{big}").json()["state"] != "running":
            time.sleep(0.05)
        small_started = time.perf_counter()
        small = http.post(
            "/projects/pieni/documents",
            data={"region": "Pohjois-Savo"},
            files=[("files", (SMALL.name, SMALL.read_bytes()))],
        ).json()["job_id"]
        small_job = _job_done(http, small)
        small_seconds = time.perf_counter() - small_started
        big_job = _job_done(http, big)
        return {
            "workers": workers or "default",
            "small_upload_seconds": round(small_seconds, 1),
            "big_upload_seconds": round(time.perf_counter() - started, 1),
            "states": [small_job["state"], big_job["state"]],
            "api_peak_rss_mb": rss_mb("VmHWM", pid),
        }


def measure_huge_note(chars: int = 4_900_000) -> dict[str, Any]:
    """The issue's file (one phrase repeated to ``chars`` characters, no line break) with
    and without commas, uploaded to this checkout's service: what becomes of each, how
    long it takes, and the service's peak memory. (Not measured on older checkouts: the
    issue saw 11 GB there.)"""
    answers: dict[str, Any] = {}
    with _service(REPO_ROOT) as (http, pid):
        http.post("/projects", json={"name": "iso"}).raise_for_status()
        before = rss_mb("VmHWM", pid)
        for label, phrase in (
            ("no break", "yhteistyö on tärkeää "),
            ("commas", "yhteistyö on tärkeää, "),
        ):
            started = time.perf_counter()
            answer = http.post(
                "/projects/iso/documents",
                data={"region": "Kainuu"},
                files=[("files", (f"{label}.txt", (phrase * (chars // len(phrase))).encode()))],
            )
            result: dict[str, Any] = {"status": answer.status_code}
            if answer.status_code == 202:
                job = _job_done(http, answer.json()["job_id"])
                result |= {"state": job["state"], "notes": answer.json()["files"][0]["note_count"]}
            result["seconds"] = round(time.perf_counter() - started, 1)
            answers[label] = result
        return {
            "chars": chars,
            "uploads": answers,
            "api_peak_rss_mb": {"before": before, "after": rss_mb("VmHWM", pid)},
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000, help="proposals in the big upload")
    parser.add_argument(
        "--baseline-repo", type=Path, help="also measure this checkout (say, of an older commit)"
    )
    parser.add_argument(
        "--huge-note", action="store_true", help="measure the 4.9M-character note instead"
    )
    args = parser.parse_args(argv)
    path = RESULTS_DIR / "bench_fairness.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    if args.huge_note:
        results["huge_note"] = {"machine": machine_info(), **measure_huge_note()}
    else:
        cases: list[tuple[Path, int | None]] = [(REPO_ROOT, 1), (REPO_ROOT, None)]
        if args.baseline_repo:
            cases.insert(0, (args.baseline_repo, None))
        runs = []
        for repo, workers in cases:
            name = "this checkout" if repo == REPO_ROOT else f"{repo.name} (baseline)"
            runs.append({"repo": name, **measure(repo, args.rows, workers)})
            print(json.dumps(runs[-1]), flush=True)
        results["fairness"] = {"machine": machine_info(), "rows": args.rows, "runs": runs}
    write_json(path, results)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How long one project's small upload waits while another project ingests a big one.

python -m evaluation.bench.fairness [--rows 2000] [--baseline-repo PATH]

Starts the real service (``python -m service.cli serve``), uploads ``--rows`` OmaStadi
proposals as a CSV to project ``iso``, and as soon as that job runs, the Learning Cafe
summary (~40 notes) to project ``pieni``. Reports the small upload's time from request
to done and the big one's. The service runs once with ``TEEMA_JOB_WORKERS=1`` (one job
at a time, first come first served: the old design) and once with the default (two
workers, one job per project), and first, with ``--baseline-repo``, the service of
another checkout as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from evaluation.bench.common import REPO_ROOT, SHARED_DATA, csv_upload, machine_info
from evaluation.bench.system import rss_mb, wait_for

SMALL = REPO_ROOT / "corpora" / "pohjois-savo_learning-cafe_2017.txt"


def _job_done(http: httpx.Client, job_id: str) -> dict[str, Any]:
    while True:
        job = http.get(f"/jobs/{job_id}").json()
        if job["state"] in ("succeeded", "failed"):
            return job
        time.sleep(0.1)


def measure(repo: Path, rows: int, workers: int | None) -> dict[str, Any]:
    """One run of the scenario against the service of ``repo``; times in seconds."""
    from tests.postgres import free_port

    with tempfile.TemporaryDirectory(prefix="teema-fair-") as tmp:
        port = free_port()
        env = {**os.environ, "TEEMA_DATA_DIR": tmp, "HF_HUB_OFFLINE": "1"}
        if workers is not None:
            env["TEEMA_JOB_WORKERS"] = str(workers)
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
            http = httpx.Client(
                base_url=base, timeout=600, headers={"Authorization": f"Bearer {token}"}
            )
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
                "api_peak_rss_mb": rss_mb("VmHWM", process.pid),
            }
        finally:
            process.terminate()
            process.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000, help="proposals in the big upload")
    parser.add_argument(
        "--baseline-repo", type=Path, help="also measure this checkout (say, of an older commit)"
    )
    args = parser.parse_args(argv)
    cases: list[tuple[Path, int | None]] = [(REPO_ROOT, 1), (REPO_ROOT, None)]
    if args.baseline_repo:
        cases.insert(0, (args.baseline_repo, None))
    results = []
    for repo, workers in cases:
        result = {"repo": str(repo), **measure(repo, args.rows, workers)}
        print(json.dumps(result), flush=True)
        results.append(result)
    print(json.dumps({"machine": machine_info(), "rows": args.rows, "runs": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

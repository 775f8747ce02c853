"""`make bench`: every speed figure of the project, written under evaluation/results/.

python -m evaluation.bench [--quick]
    [--only encoder,ingest,upload,themes,incremental,startup,load,workers,shared,large]

Each part's result is merged into ``bench_system.json`` as soon as it is measured (a
part run alone replaces only its own entry); the encoder writes ``bench_encoder.json``,
the upload -> themes comparison with the peer path ``bench_upload.json``, the API
against worker processes (``workers``) ``bench_workers.json``, one large upload alone or
shared with other workers (``shared``) ``bench_shared.json``, the 200,000-note project
(``large``) ``bench_large.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evaluation.bench.common import REPO_ROOT, RESULTS_DIR, csv_upload, machine_info, write_json
from evaluation.bench.system import (
    api_latency,
    incremental_assignment,
    real_sentences,
    rss_mb,
    startup,
    theme_scaling,
    wait_for,
)

PARTS = (
    "encoder",
    "ingest",
    "upload",
    "themes",
    "incremental",
    "startup",
    "load",
    "workers",
    "shared",
    "large",
)


def _start_service(work: Path) -> tuple[subprocess.Popen[bytes], int, dict[str, str]]:
    """(the service's process, its port, its environment): `serve` started on a free port
    with its data under ``work`` and its log in work/api.log."""
    from evaluation.bench.workers import bench_env
    from tests.postgres import free_port

    port = free_port()
    env = bench_env(work)
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        env=env,
        cwd=REPO_ROOT,
        stdout=(work / "api.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    return process, port, env


def _fill_project(http: Any, sentences: list[str]) -> float:
    """Seconds to upload ``sentences`` into the project kuorma, one CSV per region, waiting
    for each ingest."""
    regions = ["Pohjois-Savo", "Etelä-Savo", "Kainuu", "Lappi", "Pirkanmaa"]
    started = time.perf_counter()
    for number, region in enumerate(regions):
        part = sentences[number :: len(regions)]
        response = http.post(
            "/projects/kuorma/documents?wait=true",
            data={"region": region},
            files=[("files", (f"{region}.csv", csv_upload(part)))],
        )
        response.raise_for_status()
    return time.perf_counter() - started


def _load_test(work: Path, notes: int, seconds: float) -> dict[str, Any]:
    """Start the real service, fill a project with ``notes`` real sentences, then run 20
    clients (reads and uploads) while a theme run fits."""
    import httpx

    process, port, env = _start_service(work)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/health", time.perf_counter(), limit=120)
        token = (work / "admin-token").read_text().strip()
        http = httpx.Client(
            base_url=base, timeout=3600, headers={"Authorization": f"Bearer {token}"}
        )
        http.post("/projects", json={"name": "kuorma"})
        sentences = real_sentences()[:notes]
        ingest_seconds = _fill_project(http, sentences)
        started = time.perf_counter()
        http.post(
            "/projects/kuorma/runs?wait=true", json={"use_codebook": False}
        ).raise_for_status()
        fit_seconds = time.perf_counter() - started
        # One endpoint at a time: 20 clients on it alone (the latency figures).
        endpoints = ("themes", "notes page", "compare", "csv export")
        alone = {
            name: api_latency(base, token, "kuorma", seconds=seconds / 4, only=name)
            for name in endpoints
        }
        fitting = http.post("/projects/kuorma/runs", json={"use_codebook": False}).json()["job_id"]
        upload = "\n".join(f"- {s}" for s in sentences[:20]).encode()
        busy = api_latency(base, token, "kuorma", seconds=seconds, upload=upload)
        run_state = http.get(f"/jobs/{fitting}").json()["state"]
        rss = rss_mb("VmHWM", process.pid)
        return {
            "notes": len(sentences),
            "ingest_seconds": round(ingest_seconds, 1),
            "ingest_notes_per_second": round(len(sentences) / ingest_seconds, 1),
            "theme_run_seconds": round(fit_seconds, 1),
            "embedding_backend": env["TEEMA_EMBEDDING_BACKEND"],
            "one_endpoint_at_a_time": {
                "clients": 20,
                "seconds_each": seconds / 4,
                "errors": sum(r["errors"] for r in alone.values()),
                "endpoints": {name: r["endpoints"][name] for name, r in alone.items()},
            },
            "reads_and_uploads_while_fitting": busy,
            "theme_run_state_after_load": run_state,
            "api_peak_rss_mb": rss,
        }
    finally:
        process.terminate()
        process.wait(timeout=60)


def _parser() -> argparse.ArgumentParser:
    """The command line of `python -m evaluation.bench`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter load")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    parser.add_argument(
        "--upload-backends", default="onnx-int8,sentence-transformers",
        help="embedding backends of the upload part's CLI path (the first also runs the API)",
    )  # fmt: skip
    parser.add_argument(
        "--theme-methods", default="ours,bertopic",
        help="the themes part's fits: ours, ours-runsN (N UMAP layouts), bertopic",
    )  # fmt: skip
    return parser


def _upload_part(quick: bool, upload_backends: str) -> None:
    """Run the upload part and write its own file (bench_upload[_quick].json)."""
    from evaluation.bench.upload import run as upload_run

    backends = tuple(b for b in upload_backends.split(",") if b)
    measured = upload_run(quick=quick, backends=backends)
    upload_path = RESULTS_DIR / ("bench_upload_quick.json" if quick else "bench_upload.json")
    write_json(upload_path, {"machine": machine_info(), "quick": quick, **measured})
    print(f"upload: written to {upload_path}", flush=True)


def _own_file_part(part: str, work: Path, quick: bool) -> None:
    """Run the workers, shared or large part; it writes its own file
    (bench_<part>[_quick].json)."""
    if part == "workers":
        from evaluation.bench.workers import run as part_run
    elif part == "shared":
        from evaluation.bench.shared_upload import run as part_run
    else:
        from evaluation.bench.large import run as part_run

    measured = part_run(work / part, quick=quick)
    path = RESULTS_DIR / (f"bench_{part}_quick.json" if quick else f"bench_{part}.json")
    write_json(path, measured)
    print(f"{part}: written to {path}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    wanted = [p for p in args.only.split(",") if p]
    path = RESULTS_DIR / "bench_system.json"
    earlier = json.loads(path.read_text()) if path.exists() else {}
    results: dict[str, Any] = {part: earlier[part] for part in PARTS if part in earlier}

    def record(part: str, value: Any) -> None:
        results[part] = {"machine": machine_info(), "quick": args.quick, **value}
        write_json(path, results)
        print(f"{part}: written to {path}", flush=True)

    with tempfile.TemporaryDirectory(prefix="teema-bench-") as tmp:
        work = Path(tmp)
        if "encoder" in wanted:
            from evaluation.bench.encoder import run as encoder_run

            encoder_run(quick=args.quick)  # writes bench_encoder.json and its plot
        if "ingest" in wanted:
            from evaluation.bench.ingest import run as ingest_run

            record("ingest", ingest_run(sample=128 if args.quick else 512))
        if "upload" in wanted:
            _upload_part(args.quick, args.upload_backends)
        if "startup" in wanted:
            record("startup", startup(work / "startup"))
        if "incremental" in wanted:
            record(
                "incremental",
                {
                    backend: incremental_assignment(work / f"incremental-{backend}", backend)
                    for backend in ("sentence-transformers", "onnx-int8")
                },
            )
        if "themes" in wanted:
            sizes = [1000, 4000] if args.quick else [1000, 4000, 8000, 16000, 64000]
            methods = tuple(m for m in args.theme_methods.split(",") if m)
            record("themes", theme_scaling(sizes, methods))
        if "load" in wanted:
            (work / "load").mkdir()
            record(
                "load",
                _load_test(work / "load", 2000 if args.quick else 20000, 20 if args.quick else 60),
            )
        for part in ("workers", "shared", "large"):
            if part in wanted:
                _own_file_part(part, work, args.quick)
    from evaluation.bench.plots import plot_system

    plot_system(results, RESULTS_DIR / "bench_system.png")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

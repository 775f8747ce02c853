"""System benchmarks: theme-run scaling, incremental assignment, start-up, and API latency
under 20 concurrent clients (loopback only, bounded in time) while a theme run fits.

Notes are real sentences: every text of the shared data sets and the corpora, split
into sentences, embedded once and cached in a local database.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.bench.common import REPO_ROOT, SHARED_DATA

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")


def real_sentences() -> list[str]:
    """Distinct sentences (>= 4 words) of the shared data sets and the sample corpora."""
    seen: dict[str, None] = {}
    texts = []
    for path in sorted(SHARED_DATA.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").split("\n") if line]
    for path in sorted((REPO_ROOT / "corpora").glob("*.txt")):
        texts += path.read_text("utf-8").splitlines()
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            sentence = " ".join(sentence.split())
            if len(sentence.split()) >= 4:
                seen.setdefault(sentence, None)
    return list(seen)


def _cached_vectors(texts: list[str], cache: Path) -> np.ndarray:
    from service.config import Settings
    from service.nlp import NlpResources

    if cache.exists():
        stored = np.load(cache)
        if len(stored) == len(texts):
            return stored
    embedder = NlpResources(Settings()).embedder
    vectors = embedder.embed(texts)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def _scaling_notes(size: int) -> tuple[list[str], np.ndarray]:
    """The first ``size`` of a fixed random order of the real sentences, with their cached
    vectors (embedded once by the default embedder)."""
    sentences = real_sentences()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(sentences))[: min(size, len(sentences))]
    texts = [sentences[i] for i in order]
    # Caches are named by the sentence list; the order is fixed, so a larger cache of the
    # same list holds this one as its first rows.
    key = hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:12]
    caches = sorted(SCALING_CACHE.glob(f"sentences-{key}-*.npy"), key=lambda p: p.stat().st_size)
    for cache in caches:
        stored = np.load(cache, mmap_mode="r")
        if len(stored) >= len(texts):
            return texts, np.array(stored[: len(texts)])
    return texts, _cached_vectors(texts, SCALING_CACHE / f"sentences-{key}-{len(texts)}.npy")


SCALING_CACHE = REPO_ROOT / "data" / "bench-cache"


def _fit_once(size: int, method: str) -> dict[str, Any]:
    """One theme fit in this (fresh) process: seconds, peak RSS, themes, unassigned share.

    ``ours``: ThemeModel.fit (UMAP layouts, HDBSCAN, outlier policy, c-TF-IDF keywords
    over simplemma lemmas); ``ours-runsN``: the same with N UMAP layouts; ``bertopic``:
    BERTopic with its defaults on the same vectors.
    Imports, data and lemmas are ready before the clock starts.
    """
    texts, vectors = _scaling_notes(size)
    texts, vectors = texts[:size], vectors[:size]
    if method.startswith("ours"):
        from service.pipeline.language import FinnishAnalyzer, lemma_documents
        from service.pipeline.themes import ThemeModel

        lemmas = lemma_documents(FinnishAnalyzer(backend="simplemma").analyze(texts))
        before = rss_mb()
        started = time.perf_counter()
        runs = {"n_runs": int(method.removeprefix("ours-runs"))} if "-runs" in method else {}
        model = ThemeModel(**runs).fit(vectors, lemmas)
        seconds = time.perf_counter() - started
        themes, unassigned = int(len(model.centroids_)), float(model.unassigned_share_)
    else:
        import bertopic  # noqa: F401  (imported before the clock, like ours)

        from evaluation.evaluate import _bertopic

        before = rss_mb()
        started = time.perf_counter()
        labels = _bertopic(texts, vectors, reduce=False)
        seconds = time.perf_counter() - started
        themes = int(len(set(labels.tolist()) - {-1}))
        unassigned = float(np.mean(labels == -1))
    return {
        "method": method,
        "notes": len(texts),
        "seconds": round(seconds, 2),
        "rss_before_fit_mb": before,
        "peak_rss_mb": rss_mb("VmHWM"),
        "themes": themes,
        "unassigned_share": round(unassigned, 4),
    }


def rss_mb(field: str = "VmRSS", pid: int | str = "self") -> float | None:
    """Resident memory (or its peak, ``VmHWM``) of a process, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _fit_in_fresh_process(size: int, method: str) -> dict[str, Any]:
    """``_fit_once(size, method)`` run in a new Python process (its peak RSS is the fit's own)."""
    command = [sys.executable, "-m", "evaluation.bench.system", "fit", str(size), method]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{method} at {size} notes failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def theme_scaling(
    sizes: list[int], methods: tuple[str, ...] = ("ours", "bertopic")
) -> dict[str, Any]:
    """Theme fits at each size, each in a fresh process (so peak RSS is the fit's own),
    the ``methods`` (see ``_fit_once``) in turns, their order reversed at every other
    size; the fitted time exponent of each."""
    sentences = len(real_sentences())
    largest = min(max(sizes), sentences)
    _scaling_notes(largest)  # embed once, outside every timing
    # 64k distinct real sentences are not available here; the largest real set stands in.
    runs = sorted({s for s in sizes if s <= largest} | {largest})
    # One untimed fit of each method first: numba compiles UMAP's and HDBSCAN's kernels
    # on the first run after an install and caches them; that compile (~25 s) is not a fit.
    for method in dict.fromkeys(m.split("-")[0] for m in methods):
        _fit_in_fresh_process(min(runs), method)
    rows: list[dict[str, Any]] = []
    for number, size in enumerate(runs):
        for method in methods if number % 2 == 0 else methods[::-1]:
            rows.append(_fit_in_fresh_process(size, method))
    exponents = {}
    for method in {r["method"] for r in rows}:
        mine = [r for r in rows if r["method"] == method]
        if len(mine) >= 2:
            x = np.log([r["notes"] for r in mine])
            y = np.log([r["seconds"] for r in mine])
            exponents[method] = round(float(np.polyfit(x, y, 1)[0]), 2)
    return {"available_sentences": sentences, "runs": rows, "time_exponent": exponents}


def incremental_assignment(data_dir: Path, backend: str) -> dict[str, Any]:
    """100 new notes (one document) assigned to an existing run: the whole ingest of the
    document (parse, lemmatize, embed, store, assign) with the given embedding backend."""
    from service.config import Settings
    from service.corpora import load_samples
    from service.ingest import ingest_document, prepare_document, validate_meta
    from service.nlp import NlpResources
    from service.storage.db import Database
    from service.theming.notes import RunFilters
    from service.theming.runs import RunOptions, fit_run

    settings = Settings(data_dir=data_dir, database_url=None, embedding_backend=backend)
    db = Database(settings.resolved_database_url)
    db.migrate()
    nlp = NlpResources(settings)
    load_samples(db, nlp, settings, "bench")
    fit_run(db, nlp, 1, RunFilters(), RunOptions(use_codebook=False))
    sentences = real_sentences()
    timings = []
    for round_ in range(3):
        lines = sentences[1000 + round_ * 100 : 1100 + round_ * 100]
        content = "\n".join(f"- {line}" for line in lines).encode()
        prepared = prepare_document(f"new-{round_}.md", content, validate_meta("Kainuu"), settings)
        started = time.perf_counter()
        result = ingest_document(db, nlp, 1, prepared)
        timings.append(
            {
                "notes": result.note_count,
                "assigned": result.assigned,
                "seconds": round(time.perf_counter() - started, 3),
            }
        )
    return {
        "embedding_backend": backend,
        "rounds": timings,
        "median_seconds": statistics.median(t["seconds"] for t in timings),
    }


def startup(work: Path) -> dict[str, Any]:
    """`teemakartta --help`, the API answering /health from a cold process, and a second
    `make run` (installed machine, samples already in) until API and UI both answer."""
    cli = [sys.executable, "-m", "service.cli", "--help"]
    help_times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(cli, capture_output=True, check=True, cwd=REPO_ROOT)
        help_times.append(time.perf_counter() - started)
    return {
        "cli_help_seconds": round(min(help_times), 3),
        "api_ready_seconds": _api_ready(),
        "second_make_run_ready_seconds": _second_make_run(work),
    }


def wait_for(url: str, started: float, limit: float = 120) -> float:
    """Seconds from ``started`` until ``url`` answers 2xx; RuntimeError after ``limit``."""
    import httpx

    while time.perf_counter() - started < limit:
        try:
            if httpx.get(url, timeout=0.5).is_success:
                return round(time.perf_counter() - started, 3)
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {limit:g} s")


def _second_make_run(work: Path) -> float:
    from tests.postgres import free_port

    api_port, ui_port = free_port(), free_port()
    env = {
        **os.environ,
        "TEEMA_DATA_DIR": str(work),
        "TEEMA_API_PORT": str(api_port),
        "TEEMA_UI_PORT": str(ui_port),
        "HF_HUB_OFFLINE": "1",
    }
    # The first run ingests the samples (embedding them); the second finds them in place.
    samples = [sys.executable, "-m", "service.cli", "samples"]
    subprocess.run(samples, env=env, cwd=REPO_ROOT, capture_output=True, check=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{api_port}/health", started)
        return wait_for(f"http://127.0.0.1:{ui_port}/_stcore/health", started)
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=60)


def _api_ready() -> float:
    from tests.postgres import free_port

    port = free_port()
    env = {**os.environ, "TEEMA_DATA_DIR": str(Path("/tmp") / f"teema-start-{port}")}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return wait_for(f"http://127.0.0.1:{port}/health", started, limit=60)
    finally:
        process.terminate()
        process.wait()


def _read_paths(project: str, only: str | tuple[str, ...] | None) -> dict[str, str]:
    """Endpoint name -> path of the reads the load test makes (just ``only`` if given)."""
    paths = {
        "themes": f"/projects/{project}/themes",
        "notes page": f"/projects/{project}/notes?limit=50&offset=100",
        "compare": f"/projects/{project}/compare?by=region",
        "csv export": f"/projects/{project}/export?format=csv",
    }
    if only is not None:
        paths = {name: paths[name] for name in ((only,) if isinstance(only, str) else only)}
    return paths


def _latency_summary(latencies: dict[str, list[float]]) -> dict[str, dict[str, Any]]:
    """Endpoint name -> requests, p50_ms and p95_ms, for every endpoint that was called."""
    summary = {}
    for name, values in latencies.items():
        if values:
            ordered = sorted(values)
            summary[name] = {
                "requests": len(values),
                "p50_ms": round(1000 * ordered[len(ordered) // 2], 1),
                "p95_ms": round(1000 * ordered[int(len(ordered) * 0.95)], 1),
            }
    return summary


def api_latency(
    base_url: str,
    token: str,
    project: str,
    seconds: float = 60,
    clients: int = 20,
    upload: bytes | None = None,
    only: str | tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """20 clients on loopback for a bounded time: theme list, a notes page, the region
    comparison, a CSV export (or ``only`` those named), and (if given) uploads, each
    client taking them in turn. p50/p95 per endpoint, errors."""
    import httpx

    paths = _read_paths(project, only)
    latencies: dict[str, list[float]] = {name: [] for name in paths}
    latencies["upload"] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client_loop(number: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=120) as http:
            turn = number
            while time.monotonic() < deadline:
                names = list(paths) + (["upload"] if upload else [])
                name = names[turn % len(names)]
                turn += 1
                started = time.perf_counter()
                if name == "upload":
                    body = upload + f"\n- Kuormitustesti {number}-{turn} uusi ajatus".encode()
                    response = http.post(
                        f"/projects/{project}/documents",
                        data={"region": "Kuormitus"},
                        files=[("files", (f"load-{number}-{turn}.md", body))],
                    )
                else:
                    response = http.get(paths[name])
                elapsed = time.perf_counter() - started
                with lock:
                    latencies[name].append(elapsed)
                    if response.status_code >= 400:
                        errors.append(f"{name}: {response.status_code}")

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client_loop, range(clients)))
    return {
        "clients": clients,
        "seconds": seconds,
        "errors": len(errors),
        "error_samples": errors[:10],
        "endpoints": _latency_summary(latencies),
    }


if __name__ == "__main__":  # python -m evaluation.bench.system fit SIZE ours|ours-runsN|bertopic
    _, command, size_arg, method_arg = sys.argv
    if command != "fit" or not re.fullmatch(r"ours(-runs[1-9][0-9]?)?|bertopic", method_arg):
        raise SystemExit(
            "usage: python -m evaluation.bench.system fit SIZE ours|ours-runsN|bertopic"
        )
    print(json.dumps(_fit_once(int(size_arg), method_arg)))

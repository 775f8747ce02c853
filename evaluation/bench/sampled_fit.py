"""How a theme fit grows with the number of notes: the measurement behind
``TEEMA_FIT_SAMPLE_NOTES`` (above it, a run fits on a sample; ``service/theming/runs.py``).

python -m evaluation.bench.sampled_fit [--sizes 5000,10000,20000,40000] [--base 20000]
    [--timeout 600] [--sampled 40000:20000]

Real e5 vectors: ``--base`` distinct real sentences (``system.real_sentences``) embedded
once with the int8 encoder (cached under data/bench-cache); larger sizes are copies of
them with small Gaussian noise (sigma 0.01 per dimension, re-normalised: cosine ~0.98 to
the original), so that no two vectors are identical. Each size is fitted
(``ThemeModel().fit``) in its own niced process, one at a time, so its peak resident
memory (VmHWM; not getrusage's ru_maxrss, which keeps the spawning parent's memory
across exec) is the fit's own; a fit over ``--timeout`` seconds is stopped and
recorded as such. ``--sampled N:K`` also measures a whole sampled fit: K of N notes
fitted, the rest assigned in batches. Results: evaluation/results/fit_scaling.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

import numpy as np

from evaluation.bench.common import REPO_ROOT, RESULTS_DIR, machine_info, write_json
from evaluation.bench.system import real_sentences, rss_mb

CACHE = REPO_ROOT / "data" / "bench-cache"
RESULT = RESULTS_DIR / "fit_scaling.json"
NOISE_SIGMA = 0.01


def base_notes(count: int) -> tuple[list[str], np.ndarray, list[str]]:
    """``count`` real sentences (a fixed random order), their int8 vectors (cached) and
    lemma documents (simplemma, cached with them)."""
    sentences = real_sentences()
    order = np.random.default_rng(0).permutation(len(sentences))[:count]
    texts = [sentences[i] for i in order]
    cache = CACHE / f"fit-scaling-int8-{len(texts)}.npz"
    if cache.exists():
        stored = np.load(cache)
        return texts, stored["vectors"], [str(x) for x in stored["lemmas"]]
    from service.config import DEFAULT_MODEL_PATH
    from service.pipeline.embed_onnx import OnnxInt8Embedder
    from service.pipeline.language import FinnishAnalyzer, lemma_documents

    vectors = OnnxInt8Embedder(DEFAULT_MODEL_PATH).embed(texts).astype(np.float32)
    lemmas = lemma_documents(FinnishAnalyzer(backend="simplemma").analyze(texts))
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cache, vectors=vectors, lemmas=np.array(lemmas))
    return texts, vectors, list(lemmas)


def notes_of_size(size: int, base: int) -> tuple[np.ndarray, list[str]]:
    """``size`` vectors and lemma documents: the base set, then noisy copies of it."""
    _, vectors, lemmas = base_notes(base)
    rng = np.random.default_rng(size)
    parts, docs = [], []
    for copy, start in enumerate(range(0, size, len(vectors))):
        chunk = vectors[: min(len(vectors), size - start)]
        if copy:
            chunk = chunk + rng.normal(0.0, NOISE_SIGMA, chunk.shape).astype(np.float32)
            chunk /= np.linalg.norm(chunk, axis=1, keepdims=True)
        parts.append(chunk)
        docs += lemmas[: len(chunk)]
    return np.concatenate(parts).astype(np.float32), docs


def _measure(size: int, base: int, fitted_on: int | None) -> dict[str, Any]:
    """One fit in this process: all ``size`` notes, or ``fitted_on`` of them sampled and
    the rest assigned in batches (``pipeline.sampling``)."""
    from service.pipeline.sampling import assign_rest, stratified_sample
    from service.pipeline.themes import ThemeModel

    vectors, lemmas = notes_of_size(size, base)
    groups = np.arange(size) % 50  # 50 "documents" of equal share
    before = rss_mb()
    started = time.perf_counter()
    if fitted_on:
        sample = stratified_sample(groups, fitted_on)
        model = ThemeModel().fit(vectors[sample], [lemmas[i] for i in sample])
        labels = assign_rest(
            vectors, sample, model.labels_, model.center_, model.assign_threshold_
        ).labels
    else:
        model = ThemeModel().fit(vectors, lemmas)
        labels = model.labels_
    seconds = time.perf_counter() - started
    return {
        "notes": size,
        "fitted_on": fitted_on or size,
        "seconds": round(seconds, 1),
        "rss_before_fit_mb": before,
        "peak_rss_mb": rss_mb("VmHWM"),
        "themes": int(len(model.centroids_)),
        "unassigned_share": round(float(np.mean(labels < 0)), 4),  # of all the notes
        "load_average": [round(x, 2) for x in os.getloadavg()],  # a shared machine
    }


def _run_one(size: int, base: int, fitted_on: int | None, timeout: float) -> dict[str, Any]:
    """``_measure`` in a fresh niced process; a fit over ``timeout`` is stopped."""
    command = [sys.executable, "-m", "evaluation.bench.sampled_fit", "--one", str(size)]
    command += ["--base", str(base), "--fitted-on", str(fitted_on or 0)]
    started = time.perf_counter()
    process = subprocess.Popen(
        ["nice", "-n", "10", *command], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return {"notes": size, "fitted_on": fitted_on or size, "timed_out_after_s": timeout}
    if process.returncode != 0:
        return {"notes": size, "failed": process.returncode}
    result = dict(json.loads(out.strip().splitlines()[-1]))
    result["process_seconds"] = round(time.perf_counter() - started, 1)
    return result


def _save(runs: list[dict[str, Any]], base: int) -> None:
    fitted = [r for r in runs if "seconds" in r and r["fitted_on"] == r["notes"]]
    exponent = None
    if len(fitted) >= 2:
        sizes = np.log([r["notes"] for r in fitted])
        exponent = round(float(np.polyfit(sizes, np.log([r["seconds"] for r in fitted]), 1)[0]), 2)
    write_json(
        RESULT,
        {
            "machine": machine_info(),
            "base_sentences": base,
            "noise_sigma": NOISE_SIGMA,
            "encoder": "onnx-int8 multilingual-e5-small",
            "runs": runs,
            "time_exponent": exponent,
        },
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="5000,10000,20000,40000")
    parser.add_argument("--base", type=int, default=20000)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--sampled", default="", help="N:K, e.g. 40000:20000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--fitted-on", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_measure(args.one, args.base, args.fitted_on or None)), flush=True)
        return
    base_notes(args.base)  # embed once, outside every timing
    runs = json.loads(RESULT.read_text())["runs"] if RESULT.exists() else []
    jobs: list[tuple[int, int | None]] = [(int(s), None) for s in args.sizes.split(",") if s]
    if args.sampled:
        total, part = (int(x) for x in args.sampled.split(":"))
        jobs.append((total, part))
    for size, fitted_on in jobs:
        runs = [r for r in runs if (r["notes"], r["fitted_on"]) != (size, fitted_on or size)]
        runs.append(_run_one(size, args.base, fitted_on, args.timeout))
        print(json.dumps(runs[-1]), flush=True)
        _save(sorted(runs, key=lambda r: (r["notes"], r["fitted_on"])), args.base)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    main()

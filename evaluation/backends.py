"""Theme quality of each embedding backend on the same notes: is the faster encoder as good?

Every set of :mod:`evaluation.quality` (the three shared files and the development
sets) is embedded by each backend the service can run (``sentence-transformers``
float32 and ``onnx-int8``); the lemmas are the service's and the same for both. The
default ``ThemeModel()`` is fitted with every base seed on each backend's vectors and
scored against the labels (mean and spread over seeds, unassigned notes as one cluster).
Per set: the difference of the means (int8 - float32) and whether it stays within
``TOLERANCE`` on both ARI and NMI; per shared file, the cosine of each note's two vectors.

    python -m evaluation.backends [--sets NAME,...] [--seeds 42,1000,7]

Writes ``evaluation/results/backend_quality.json``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.bench.common import write_json
from evaluation.devsets import FILES, SHARED_DATA
from evaluation.evaluate import machine_info, service_embedder_and_analyzer
from evaluation.quality import SEEDS, all_sets, run_method

RESULT = Path(__file__).resolve().parent / "results" / "backend_quality.json"
BASE, FAST = "sentence-transformers", "onnx-int8"
TOLERANCE = 0.01  # issue 18: no quality loss = within 0.01 ARI/NMI averaged over seeds


def _embedders() -> dict[str, Any]:
    from service.config import Settings

    settings = Settings()
    return {
        backend: service_embedder_and_analyzer(
            settings.model_copy(update={"embedding_backend": backend})
        )[0]
        for backend in (BASE, FAST)
    }


def compare(
    names: Sequence[str] | None, seeds: Sequence[int], data: Path, output: Path
) -> dict[str, Any]:
    """Per set: each backend's scores over ``seeds``, the differences and the verdict;
    written to ``output`` after every set, so a long run keeps what it measured."""
    _, analyzer = service_embedder_and_analyzer()
    embedders = _embedders()
    sets = {b: all_sets(data, embedder, analyzer) for b, embedder in embedders.items()}
    chosen = list(names or sets[BASE])
    result: dict[str, Any] = {
        "tolerance": TOLERANCE,
        "seeds": list(seeds),
        "embedding_models": {b: e.model_id for b, e in embedders.items()},
        "lemmatizer": repr(analyzer),
        "sets": {},
    }
    for name in chosen:
        scores = {b: run_method("teemakartta", sets[b][name], seeds) for b in embedders}
        base, fast = scores[BASE]["mean"], scores[FAST]["mean"]
        delta = {k: round(fast[k] - base[k], 4) for k in ("ari", "nmi", "themes")}
        row: dict[str, Any] = {
            "notes": len(sets[BASE][name].notes.texts),
            "labels": len(sets[BASE][name].notes.label_names),
            **scores,
            "delta_int8_minus_fp32": delta,
            "within_tolerance": delta["ari"] >= -TOLERANCE and delta["nmi"] >= -TOLERANCE,
        }
        if name in FILES.values():
            cosines = np.sum(sets[BASE][name].vectors * sets[FAST][name].vectors, axis=1)
            row["note_cosine"] = {
                "mean": round(float(cosines.mean()), 4),
                "min": round(float(cosines.min()), 4),
            }
        result["sets"][name] = row
        write_json(output, _verdict(result))
        print(
            f"{name:36s} fp32 {base['ari']:.3f}/{base['nmi']:.3f} ({base['themes']:.1f})  "
            f"int8 {fast['ari']:.3f}/{fast['nmi']:.3f} ({fast['themes']:.1f})  "
            f"delta {delta['ari']:+.3f}/{delta['nmi']:+.3f}",
            flush=True,
        )
    return _verdict(result)


def _verdict(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with the mean differences over its sets and whether every set holds."""
    deltas = [row["delta_int8_minus_fp32"] for row in result["sets"].values()]
    result["mean_delta"] = {
        k: round(float(np.mean([d[k] for d in deltas])), 4) for k in ("ari", "nmi")
    }
    result["holds_on_every_set"] = all(r["within_tolerance"] for r in result["sets"].values())
    result["machine"] = machine_info()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="base seeds")
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args(argv)
    names = [s for s in args.sets.split(",") if s] if args.sets else None
    seeds = [int(s) for s in args.seeds.split(",") if s]
    result = compare(names, seeds, args.data, args.output)
    mean = result["mean_delta"]
    print(
        f"mean delta ARI {mean['ari']:+.4f}, NMI {mean['nmi']:+.4f}; "
        f"within {TOLERANCE} on every set: {result['holds_on_every_set']}; wrote {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Does the default choose the same themes when only the floats' rounding changes?

    python -m evaluation.float_noise [--sets a,b] [--seeds 42,1000,7]

Every fit is run twice on the same notes: once on the vectors as they are, once with the
vectors' 384 columns in another (fixed) order. Every cosine is the same number either
way, only summed in another order, so the two differ in the last bits (about 4e-7 in
the neighbour graph's distances), as vectors embedded on another CPU may. A granularity
choice that follows the data gives the same themes both times; one decided by noise
flips. Found on 2026-12-04 when the same code on another machine of the same kind gave
other themes than the day before while BERTopic's scores stayed equal to the fourth
decimal.

Results: ``results/float_noise.json`` (per set and seed: the granularity chosen on each
order, ARI and NMI against the labels, the theme count; and how many fits flipped).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from evaluation.quality import RESULTS, SEEDS, all_sets
from service.pipeline.themes import ThemeModel

OUTPUT = RESULTS.parent / "float_noise.json"
# The question-grouped sets: where the unseen data's shape is, and where the choice is close.
SETS = (
    "omastadi_questions",
    "questions_mixed",
    "omastadi_questions_typical",
    "questions_mixed_typical",
    "all_labels_typical",
)
PERMUTATION_SEED = 1


def reordered(vectors: np.ndarray, seed: int = PERMUTATION_SEED) -> np.ndarray:
    """``vectors`` (n, d) with their columns in another fixed order: the same dot products,
    summed in another order."""
    order = np.random.default_rng(seed).permutation(vectors.shape[1])
    return np.ascontiguousarray(vectors[:, order])


def fit_once(
    vectors: np.ndarray, lemma_docs: Sequence[str], truth: np.ndarray, seed: int, **params: Any
) -> dict:
    """One default fit (``params`` change it): its chosen granularity, ARI, NMI, theme count."""
    model = ThemeModel(random_state=seed, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(vectors, list(lemma_docs))
    labels = model.labels_
    return {
        "granularity": list(model.granularity_),
        "ari": round(float(adjusted_rand_score(truth, labels)), 4),
        "nmi": round(float(normalized_mutual_info_score(truth, labels)), 4),
        "themes": int(len(np.unique(labels[labels >= 0]))),
    }


def compare_orders(
    vectors: np.ndarray, lemma_docs: Sequence[str], truth: np.ndarray, seed: int, **params: Any
) -> dict[str, Any]:
    """The fit on ``vectors`` as they are and on their reordered columns, side by side."""
    as_is = fit_once(vectors, lemma_docs, truth, seed, **params)
    other = fit_once(reordered(vectors), lemma_docs, truth, seed, **params)
    return {"seed": seed, "as_is": as_is, "reordered": other,
            "flipped": as_is["granularity"] != other["granularity"]}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="base seeds")
    parser.add_argument("--runs", type=int, help="UMAP layouts per fit (default: the model's)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    params = {"n_runs": args.runs} if args.runs else {}
    seeds = [int(s) for s in args.seeds.split(",") if s]
    sets = all_sets()
    result: dict[str, Any] = {"params": params, "sets": {}}
    for name in (s for s in args.sets.split(",") if s):
        dev_set = sets[name]
        truth = np.asarray(dev_set.notes.labels)
        runs = [
            compare_orders(dev_set.vectors, dev_set.lemma_docs, truth, s, **params) for s in seeds
        ]
        result["sets"][name] = runs
        for run in runs:
            print(name, run["seed"], run["as_is"], run["reordered"], flush=True)
    fits = [run for runs in result["sets"].values() for run in runs]
    result["flipped"] = f"{sum(run['flipped'] for run in fits)} of {len(fits)}"
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"granularity flipped in {result['flipped']} fits")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How much a granularity's score owes to which UMAP layouts were drawn, and the
one-standard-error rule built on it (``evaluation.choice_rules`` replays both)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np

__all__ = ["choose_within_spread", "score_spread"]

Key = TypeVar("Key", bound=Hashable)


def score_spread(distinctness: Sequence[float], agreement: np.ndarray, power: float) -> float:
    """How much a granularity's score owes to which UMAP layouts were drawn: the jackknife
    standard error of mean distinctness x mean pairwise agreement ** ``power`` over the
    layouts (each left out in turn). ``distinctness``: (r,) one per layout;
    ``agreement``: (r, r) adjusted Rand index of each pair of the layouts' partitions.
    0 for fewer than three layouts (one left out leaves no pair to agree)."""
    d, a = np.asarray(distinctness, np.float64), np.asarray(agreement, np.float64)
    r = len(d)
    if r < 3:
        return 0.0
    left_out = []
    for i in range(r):
        keep = np.arange(r) != i
        pairs = a[np.ix_(keep, keep)][np.triu_indices(r - 1, k=1)]
        left_out.append(d[keep].mean() * max(0.0, float(pairs.mean())) ** power)
    values = np.asarray(left_out)
    return float(np.sqrt((r - 1) / r * np.sum((values - values.mean()) ** 2)))


def choose_within_spread(
    scores: Mapping[Key, float], spreads: Mapping[Key, float], theme_counts: Mapping[Key, float]
) -> Key:
    """The one-standard-error rule: of the granularities scoring within the best one's
    ``spreads`` (``score_spread``) of the best score, the one with the most themes. The
    tie is as wide as the layouts' own noise says, not a fixed share of the best."""
    if not scores:
        raise ValueError("no granularity to choose from: give at least one score")
    best = max(scores, key=lambda key: scores[key])
    near = [key for key, score in scores.items() if score >= scores[best] - spreads[best]]
    return max(near, key=lambda key: theme_counts[key])

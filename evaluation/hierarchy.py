"""Hierarchical granularity rules measured against the default (issue 13, part 1).

The default chooses one granularity for the whole corpus by theme distinctness (mean
per-theme silhouette, ``partitions.theme_distinctness``). These candidates keep that
choice and then look inside it, theme by theme:

* ``split``: every theme is clustered again on its own notes (same UMAP layout, every
  pair of ``GRANULARITIES``), its best sub-partition scored by the same distinctness
  among the theme's notes only, re-centred on the theme's mean (so that what the
  theme's notes share, such as their kind of text, does not hide how they differ).
  The theme is replaced by its parts when they are more distinct among themselves
  than the chosen themes are among themselves (local score > the top level's score):
  a comparison of two silhouettes, free of n.
* ``merge_global``: pairs of themes are merged greedily while the top level's own score
  (the distinctness of the whole partition) rises: over-split parts of a dominant
  theme are not distinct from each other, so joining them raises it.
* ``split_merge``: ``split``, then ``merge``.
* ``split_all``: a reference, not a rule: every theme replaced by its best
  sub-partition, however weak; it shows what finer themes cost on the sets whose
  labels are the coarse level.

    python -m evaluation.quality --methods teemakartta,hier:split,hier:merge
"""

from __future__ import annotations

from typing import Any

import numpy as np

from service.pipeline.partitions import distance_sample, theme_distinctness, unit_rows
from service.pipeline.themes import _DISTINCTNESS_SAMPLE, ThemeModel

__all__ = ["RULES", "HierarchicalThemes", "merge_while_distinct"]

RULES = ("split", "merge_global", "merge", "split_merge", "split_all")
_SMALLEST_SPLIT = 10  # a theme needs two parts of at least 5 notes to be split


def _silhouette_mean(sums: np.ndarray, sizes: np.ndarray, own: np.ndarray) -> float:
    """Mean per-theme silhouette from ``sums`` (s, k): each note's summed distance to
    every theme; ``sizes`` (k,); ``own`` (s,) each note's theme (k >= 2)."""
    rows = np.arange(len(own))
    a = sums[rows, own] / np.maximum(sizes[own] - 1, 1)
    means = sums / np.maximum(sizes, 1)[None, :]
    means[rows, own] = np.inf
    means[:, sizes == 0] = np.inf
    b = means.min(axis=1)
    s = np.where(sizes[own] > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    per_theme = np.bincount(own, weights=s, minlength=len(sizes))
    present = sizes > 0
    return float(np.mean(per_theme[present] / sizes[present]))


def merge_while_distinct(distances: np.ndarray, labels: np.ndarray) -> dict[int, int]:
    """Greedy merges of the sample's themes while their mean per-theme silhouette rises.

    ``distances`` (s, s) cosine distances of the sample; ``labels`` (s,) their themes
    (ids >= 0). Returns old id -> id it was merged into (chains resolved). Each step
    tries every pair (from the (s, k) summed distances, O(s k) per pair) and keeps the
    best merge if it raises the score.
    """
    ids, own = np.unique(labels, return_inverse=True)
    k = len(ids)
    onehot = np.zeros((len(own), k))
    onehot[np.arange(len(own)), own] = 1.0
    sums = distances @ onehot
    sizes = onehot.sum(axis=0)
    alive = list(range(k))
    mapping = {int(i): int(i) for i in ids}
    current = _silhouette_mean(sums, sizes, own)
    while len(alive) > 2:
        best: tuple[float, int, int] | None = None
        for x in range(len(alive)):
            for y in range(x + 1, len(alive)):
                p, q = alive[x], alive[y]
                trial_sums, trial_sizes = sums.copy(), sizes.copy()
                trial_sums[:, p] += trial_sums[:, q]
                trial_sums[:, q] = 0.0
                trial_sizes[p] += trial_sizes[q]
                trial_sizes[q] = 0
                score = _silhouette_mean(trial_sums, trial_sizes, np.where(own == q, p, own))
                if best is None or score > best[0]:
                    best = (score, p, q)
        if best is None or best[0] <= current:
            break
        current, p, q = best
        sums[:, p] += sums[:, q]
        sums[:, q] = 0.0
        sizes[p] += sizes[q]
        sizes[q] = 0
        own = np.where(own == q, p, own)
        alive.remove(q)
        for old, new in mapping.items():
            if new == int(ids[q]):
                mapping[old] = int(ids[p])
    return mapping


class HierarchicalThemes(ThemeModel):
    """``ThemeModel`` whose chosen partition is then split and/or merged by ``rule``."""

    def __init__(self, rule: str = "split", **params: Any) -> None:
        super().__init__(**params)
        if rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
        self.rule = rule

    def _choose_partition(
        self, centred: np.ndarray, layouts: Any, seed_labels: np.ndarray, offset: int
    ) -> tuple[np.ndarray, int]:
        labels, count = super()._choose_partition(centred, layouts, seed_labels, offset)
        top = self.distinctness_[self.granularity_]
        if self.rule in ("split", "split_merge", "split_all"):
            labels = self._split(centred, layouts[0], labels, offset, top)
        if self.rule == "merge_global":
            labels = self._merge_global(centred, labels, offset)
        if self.rule in ("merge", "split_merge"):
            labels = self._merge_local(centred, labels, offset, top)
        _, labels = np.unique(labels, return_inverse=True)
        return labels.astype(np.int64), int(labels.max()) + 1

    def _split(
        self, centred: np.ndarray, layout: np.ndarray, labels: np.ndarray, offset: int, top: float
    ) -> np.ndarray:
        result = labels.copy()
        fresh = int(labels.max()) + 1
        for theme in np.unique(labels[labels >= offset]):
            members = np.flatnonzero(labels == theme)
            if len(members) < _SMALLEST_SPLIT:
                continue
            local = unit_rows(centred[members] - centred[members].mean(axis=0))
            distances = np.clip(1.0 - local @ local.T, 0.0, 2.0)
            np.fill_diagonal(distances, 0.0)
            best: tuple[float, np.ndarray] | None = None
            tried: set[tuple[int, str]] = set()
            for size, selection in self.granularities:
                size = max(2, min(size, len(members) // 3))
                if (size, selection) in tried:
                    continue
                tried.add((size, selection))
                none = np.full(len(members), -1, dtype=np.int64)
                parts, _ = self._partition(layout[members], none, 0, size, selection)
                score = theme_distinctness(distances, parts)
                if best is None or score > best[0]:
                    best = (score, parts)
            if best is None or best[0] <= -1.0:
                continue
            if self.rule == "split_all" or best[0] > top:
                parts = best[1]
                result[members] = np.where(parts == 0, theme, fresh + parts - 1)
                fresh += int(parts.max())
        return result

    def _merge_local(
        self, centred: np.ndarray, labels: np.ndarray, offset: int, top: float
    ) -> np.ndarray:
        """Nearest themes (centroid cosine) merged, least distinct pair first, while the
        pair's two-way distinctness among its own notes (re-centred on their mean) is
        below the top level's score."""
        labels = labels.copy()
        scores: dict[tuple[int, int], float] = {}
        while True:
            themes = np.unique(labels[labels >= offset])
            if len(themes) < 3:
                return labels
            centres = np.stack([centred[labels == t].mean(axis=0) for t in themes])
            similar = unit_rows(centres) @ unit_rows(centres).T
            np.fill_diagonal(similar, -np.inf)
            pairs = {
                tuple(sorted((int(t), int(themes[similar[i].argmax()]))))
                for i, t in enumerate(themes)
            }
            for pair in pairs:
                if pair not in scores:
                    members = np.flatnonzero(np.isin(labels, pair))
                    local = unit_rows(centred[members] - centred[members].mean(axis=0))
                    distances = np.clip(1.0 - local @ local.T, 0.0, 2.0)
                    np.fill_diagonal(distances, 0.0)
                    scores[pair] = theme_distinctness(distances, labels[members])
            worst = min(pairs, key=lambda pair: scores[pair])
            if scores[worst] >= top:
                return labels
            kept, gone = worst
            labels[labels == gone] = kept
            scores = {p: v for p, v in scores.items() if kept not in p and gone not in p}

    def _merge_global(self, centred: np.ndarray, labels: np.ndarray, offset: int) -> np.ndarray:
        sample, distances = distance_sample(
            centred, _DISTINCTNESS_SAMPLE, self.random_state, keep=labels >= offset
        )
        if len(np.unique(labels[sample])) < 3:
            return labels
        mapping = merge_while_distinct(distances, labels[sample])
        return np.array([mapping.get(int(t), int(t)) for t in labels], dtype=np.int64)

"""Which granularity a fit keeps, and themes far larger than the others split by the
finer structure inside them.

A granularity is scored by how distinct its themes are (mean per-theme silhouette,
``partitions.theme_distinctness``) and how alike the UMAP layouts draw them
(``partitions.reproducibility``). Scores within ``SCORE_TIE`` of the best are a tie,
and a tie goes to the partition with more themes (``choose_granularity``): on
question-grouped notes the best score fell by chance on 10-17 themes for 18 questions
in some seeds. That score is blind to one shape: a
block of topics (SIB-200's seven beside 19 OmaStadi questions in questions_mixed)
that is distinct from the rest as a whole, while its own topics are not distinct from
each other in the embedding space. Excess-of-mass clustering keeps such a group as
one theme many times the size of the others, and the score rewards it; the
question-grouped sets then lose a third of their ARI (``evaluation/README.md``).

So a chosen partition is checked for such giants: a theme holding more than
``LARGE_THEME_FACTOR`` times the median theme's notes is replaced by the HDBSCAN
leaves found inside it on the same UMAP layout, leaves no smaller than the median theme
(``giant_leaf_size``), so that its parts look like the other themes: leaves at the chosen
minimum size (5 notes) had cut questions_mixed's block of seven topics into ~16 pieces
(40 themes for 25 questions; 29 with the median). When leaves of the median size leave
a giant whole (its topics join at that density: one leaf of 366 notes at 40, five at
20, in other draws of questions_mixed), the leaf size is halved until no giant is left,
never below the chosen size (``split_giants``). Corpora of a few balanced topics have
no giant and are kept as chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np

Key = TypeVar("Key", bound=Hashable)

__all__ = [
    "LARGE_THEME_FACTOR",
    "SCORE_TIE",
    "check_granularities",
    "choose_granularity",
    "giant_leaf_size",
    "giant_themes",
    "layout_count",
    "split_giants",
    "split_large_themes",
]

# A theme above this multiple of the median theme size is a giant. Measured on every
# evaluation set (seeds 42, 1000, 7): 5 and 6 give the same partitions; 8 misses the
# giant of questions_mixed (371 notes against a median of 53 in one run).
LARGE_THEME_FACTOR = 5.0
# Scores this close to the best (relative) are a tie. A granularity's score varies by a
# median 7% between UMAP seeds on the same notes (evaluation/README.md): a 5% difference
# is not something the data says. 10% ties too much (omastadi_questions draw 2: 26.7
# themes for 18 questions).
SCORE_TIE = 0.05


def choose_granularity(
    scores: Mapping[Key, float], theme_counts: Mapping[Key, float], tie: float = SCORE_TIE
) -> Key:
    """The granularity to keep: of those scoring within ``tie`` x |best| of the best score,
    the one whose partitions have the most themes (``theme_counts``); equal counts keep
    the first key (the finest setting). When the data cannot tell the granularities apart,
    the finer themes are kept: a coordinator merges themes in one move (the detail level),
    while a merged theme hides what was in it."""
    if not scores:
        raise ValueError("no granularity to choose from: give at least one score")
    best = max(scores.values())
    near = [key for key, score in scores.items() if score >= best - tie * abs(best)]
    return max(near, key=lambda key: theme_counts[key])  # max keeps the first of equals


# UMAP layouts x notes a fit spends on the granularity's choice. More layouts make the
# choice hold under float noise (evaluation/README.md: six layouts meet issue 13's bar on
# 16 of 20 set-draws, three on 13); each costs a UMAP run and HDBSCAN fits. Six layouts
# cost 0.55x / 0.96x / 1.89x BERTopic's fit at 1k / 4k / 16k notes, three 0.34x / 0.59x /
# 1.09x (make bench): six up to 8,000 notes, three from 16,000, within 1.5x everywhere.
LAYOUT_BUDGET = 48_000


def layout_count(notes: int) -> int:
    """How many UMAP layouts a fit of ``notes`` notes draws: ``LAYOUT_BUDGET`` // notes,
    at least three (two cannot tell a typical partition) and at most six."""
    return int(np.clip(LAYOUT_BUDGET // max(1, notes), 3, 6))


def check_granularities(granularities: Sequence[tuple[int, str]]) -> None:
    """Raise ValueError unless ``granularities`` holds at least one (min_cluster_size,
    "leaf" or "eom") pair with a size of at least 2 (HDBSCAN's smallest cluster)."""
    if not granularities:
        raise ValueError("granularities must hold at least one (min_cluster_size, selection)")
    for size, selection in granularities:
        if selection not in ("leaf", "eom"):
            raise ValueError(f"granularity selection must be 'leaf' or 'eom', got {selection!r}")
        if int(size) < 2:
            raise ValueError(f"granularity min_cluster_size must be at least 2, got {size}")


def giant_leaf_size(labels: np.ndarray, chosen: int, first: int = 0) -> int:
    """The minimum size of the leaves a giant is cut into: the median theme's size (groups
    ``first`` and above; seed themes below are not counted), never below ``chosen``."""
    labels = np.asarray(labels)
    _, sizes = np.unique(labels[labels >= first], return_counts=True)
    return max(int(chosen), int(np.median(sizes))) if len(sizes) else int(chosen)


def giant_themes(labels: np.ndarray, first: int = 0) -> np.ndarray:
    """The ids of the themes (groups ``first`` and above) holding more than
    ``LARGE_THEME_FACTOR`` times the median theme's notes; none when there are fewer
    than two themes."""
    labels = np.asarray(labels)
    themes, sizes = np.unique(labels[labels >= first], return_counts=True)
    if len(themes) < 2:
        return themes[:0]
    return themes[sizes > LARGE_THEME_FACTOR * np.median(sizes)]


def split_giants(
    labels: np.ndarray, chosen: int, leaves_at: Callable[[int], np.ndarray], first: int = 0
) -> np.ndarray:
    """``labels`` with every giant replaced by the leaves inside it (``split_large_themes``).

    ``leaves_at(size)``: the HDBSCAN leaves of minimum size ``size`` (n,), every note in
    one. Leaves start at the median theme's size (``giant_leaf_size``); while a giant is
    left, the size is halved, never below ``chosen``. No giant: no leaves are asked for.
    """
    leaf_size = giant_leaf_size(labels, chosen, first)
    while len(giant_themes(labels, first)):
        labels = split_large_themes(labels, leaves_at(leaf_size), first)
        if leaf_size <= chosen:
            break
        leaf_size = max(int(chosen), leaf_size // 2)
    return labels


def split_large_themes(labels: np.ndarray, leaves: np.ndarray, first: int = 0) -> np.ndarray:
    """``labels`` (n,) with every giant theme replaced by its notes' ``leaves`` groups.

    ``labels``: a partition, every note in a group (ids >= 0); ``leaves``: (n,) a finer
    partition of the same notes (HDBSCAN leaves, every note in a group); groups below
    ``first`` (seed themes) are never split nor counted. Returns groups renumbered
    ``first``, ``first + 1``, ... in order of first appearance of the old and new ids,
    so the result has no gaps; without giants the grouping is unchanged.
    """
    labels = np.asarray(labels, dtype=np.int64)
    free = labels >= first
    if len(np.unique(labels[free])) < 2:
        return labels.copy()
    giants = giant_themes(labels, first)
    # Pair each note's theme with its leaf inside giants (-1 elsewhere): distinct pairs
    # are the new groups.
    inside = free & np.isin(labels, giants)
    pairs = np.stack([labels, np.where(inside, leaves, -1)], axis=1)
    _, first_seen, groups = np.unique(pairs[free], axis=0, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first_seen))  # number groups by first appearance
    result = labels.copy()
    result[free] = first + order[groups.ravel()]
    return result

"""Match the themes of a new run to the previous run's, and say what changed.

Themes keep their identity across runs through an optimal one-to-one matching of
centroids (Hungarian algorithm on cosine similarity, ``scipy.optimize.
linear_sum_assignment``); a pair counts only at ``min_similarity`` or above.

Cosines are taken between CENTRED centroids: raw e5 centroids of any two themes sit at
0.97-0.99 (every Finnish note shares one large direction), so a raw threshold cannot
tell a persisting theme from a different one. Pass the corpus mean as ``center``
(``ThemeModel.center_``); without it the mean of all given centroids stands in. In the
centred space different themes sit at -0.6..0.4 and the same theme refitted at 0.8+.

Splits and merges are judged by centroids alone, so that runs over different note
selections can be compared: a previous theme is *split* when two or more new themes
have it as their most similar previous theme (at ``min_similarity`` or above), and
previous themes are *merged* when two or more of them have the same new theme as
their most similar one. When both runs labelled the same notes, pass
``previous_labels``/``new_labels`` and note overlap decides instead: a previous theme
is split when at least two new themes each took ``min_share`` of its notes, and
several previous themes are merged when each gave ``min_share`` of its notes to the
same new theme. Overlap is the stronger evidence (people see notes move), centroids
the fallback.

A theme matched one to one is *persisted* even if it also took part in a split or
merge (the part that kept the identity); *new* and *vanished* are the themes that are
neither matched nor part of a split or merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["ThemeChanges", "match_themes"]


@dataclass(frozen=True)
class ThemeChanges:
    """What happened to themes between two runs (indexes into the two centroid arrays).

    ``mapping``: new theme -> previous theme it continues. ``persisted``: (previous, new,
    cosine) for each mapped pair. ``new``: new themes with no predecessor. ``vanished``:
    previous themes with no successor. ``split``: previous theme -> the new themes it
    became (2+). ``merged``: new theme -> the previous themes that became it (2+).
    """

    mapping: dict[int, int]
    persisted: list[tuple[int, int, float]]
    new: list[int]
    vanished: list[int]
    split: dict[int, list[int]] = field(default_factory=dict)
    merged: dict[int, list[int]] = field(default_factory=dict)


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def match_themes(
    previous_centroids: np.ndarray,
    new_centroids: np.ndarray,
    min_similarity: float = 0.5,
    previous_labels: np.ndarray | None = None,
    new_labels: np.ndarray | None = None,
    min_share: float = 0.2,
    center: np.ndarray | None = None,
) -> ThemeChanges:
    """Match new themes (k, d) to previous ones (p, d) and report the changes.

    ``min_similarity``: the centred cosine a pair needs to be the same theme. ``center``:
    (d,) vector subtracted from every centroid first (see the module docstring). Optional
    ``previous_labels``/``new_labels``: (s,) theme of each shared note in each run (-1 =
    unassigned), used for split/merge as described in the module docstring.
    """
    previous, new = _unit(previous_centroids), _unit(new_centroids)
    if previous.ndim != 2 or new.ndim != 2:
        raise ValueError("centroids must be 2-D arrays (themes, dimensions)")
    if center is None:
        both = np.vstack([previous, new]) if len(previous) + len(new) else np.zeros((1, 1))
        center = both.mean(axis=0)
    previous = _unit(previous - center) if len(previous) else previous
    new = _unit(new - center) if len(new) else new
    p, k = len(previous), len(new)
    similarity = previous @ new.T if p and k else np.zeros((p, k))

    mapping: dict[int, int] = {}
    persisted: list[tuple[int, int, float]] = []
    if p and k:
        rows, cols = linear_sum_assignment(-similarity)
        for row, col in zip(rows, cols, strict=True):
            if similarity[row, col] >= min_similarity:
                mapping[int(col)] = int(row)
                persisted.append((int(row), int(col), float(similarity[row, col])))
    persisted.sort()

    if previous_labels is not None and new_labels is not None:
        split, merged = _by_overlap(
            np.asarray(previous_labels), np.asarray(new_labels), p, k, min_share
        )
    else:
        split, merged = _by_centroids(similarity, min_similarity)

    in_split = {n for parts in split.values() for n in parts}
    in_merge = {q for sources in merged.values() for q in sources}
    new_only = [j for j in range(k) if j not in mapping and j not in in_split]
    vanished = [i for i in range(p) if i not in mapping.values() and i not in in_merge]
    return ThemeChanges(mapping, persisted, new_only, vanished, split, merged)


def _by_centroids(
    similarity: np.ndarray, min_similarity: float
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Splits and merges from each theme's most similar counterpart."""
    p, k = similarity.shape
    split: dict[int, list[int]] = {}
    merged: dict[int, list[int]] = {}
    if p == 0 or k == 0:
        return split, merged
    for j in range(k):
        i = int(similarity[:, j].argmax())
        if similarity[i, j] >= min_similarity:
            split.setdefault(i, []).append(j)
    for i in range(p):
        j = int(similarity[i].argmax())
        if similarity[i, j] >= min_similarity:
            merged.setdefault(j, []).append(i)
    return (
        {i: parts for i, parts in split.items() if len(parts) >= 2},
        {j: sources for j, sources in merged.items() if len(sources) >= 2},
    )


def _by_overlap(
    previous_labels: np.ndarray, new_labels: np.ndarray, p: int, k: int, min_share: float
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Splits and merges from where the shared notes of each theme went."""
    if previous_labels.shape != new_labels.shape:
        raise ValueError("previous_labels and new_labels must label the same notes")
    both = (previous_labels >= 0) & (new_labels >= 0)
    table = np.zeros((p, k))
    np.add.at(table, (previous_labels[both], new_labels[both]), 1.0)
    sizes = np.bincount(previous_labels[previous_labels >= 0], minlength=p).astype(float)
    shares = table / np.maximum(sizes, 1.0)[:, None]  # share of previous theme i in new j
    split = {
        i: [int(j) for j in np.flatnonzero(shares[i] >= min_share)]
        for i in range(p)
        if np.sum(shares[i] >= min_share) >= 2
    }
    merged = {
        j: [int(i) for i in np.flatnonzero(shares[:, j] >= min_share)]
        for j in range(k)
        if np.sum(shares[:, j] >= min_share) >= 2
    }
    return split, merged

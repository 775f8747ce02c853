"""From the model's clusters to the run's themes: which cluster is which theme of the
current run, at which detail level, with the edits people made kept.

Order matters and is the design:
1. clusters that carry an edited theme are claimed by it (``constraints.claim_clusters``);
2. the detail level joins or splits the other clusters (``detail.at_level``);
3. the remaining clusters are matched to the current run's other themes by centroid
   (``matching.match_centroids``), so unedited themes keep their ids too;
4. notes people placed by hand are put back (``constraints.pin_notes``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from service.pipeline.detail import at_level
from service.pipeline.matching import match_centroids
from service.pipeline.partitions import unit_rows
from service.theming.constraints import EditConstraints, claim_clusters, pin_notes

MATCH_MIN_SIMILARITY = 0.5  # centred cosine


@dataclass(frozen=True)
class PreviousTheme:
    key: int
    name: str
    name_edited: bool
    centroid: np.ndarray  # (d,) unit mean of its notes' vectors


@dataclass(frozen=True)
class ThemePlan:
    keys: np.ndarray  # (n,) theme key per note, -1 = unassigned
    key_of_cluster: dict[int, int]  # cluster (after the detail level) -> theme key
    clusters: np.ndarray  # (n,) cluster per note after the detail level


def plan_themes(
    labels: np.ndarray,
    vectors: np.ndarray,
    center: np.ndarray,
    note_ids: Sequence[int],
    previous: Sequence[PreviousTheme],
    constraints: EditConstraints,
    next_key: int,
    detail: int = 0,
    locked: Collection[int] = (),
) -> ThemePlan:
    """Theme keys for a fit: ``labels`` (n,) model clusters (-1: unassigned), ``vectors``
    (n, d) the notes' embeddings, ``center`` (d,) the corpus mean the model centred on;
    ``previous`` the current run's themes whose centroids are comparable (same model);
    ``next_key`` the first unused key; ``locked`` clusters the detail level must leave
    alone (codebook themes). New themes get keys from ``next_key`` in cluster order."""
    claims = claim_clusters(labels, note_ids, constraints)
    clusters = (
        at_level(labels, _centred(vectors, center), set(claims) | set(locked), detail)
        if detail
        else labels.copy()
    )
    free = [int(c) for c in np.unique(clusters[clusters >= 0]) if int(c) not in claims]
    taken = set(claims.values()) | constraints.pinned_keys
    candidates = [p for p in previous if p.key not in taken]
    pairs = match_centroids(
        _centred(np.stack([p.centroid for p in candidates]), center)
        if candidates
        else np.zeros((0, vectors.shape[1])),
        _centred(np.stack([vectors[clusters == c].mean(axis=0) for c in free]), center)
        if free
        else np.zeros((0, vectors.shape[1])),
        min_similarity=MATCH_MIN_SIMILARITY,
    )
    key_of_cluster = dict(claims)
    for index, cluster in enumerate(free):
        if index in pairs:
            key_of_cluster[cluster] = candidates[pairs[index]].key
        else:
            key_of_cluster[cluster] = next_key
            next_key += 1
    keys = np.array([key_of_cluster[int(c)] if c >= 0 else -1 for c in clusters], dtype=np.int64)
    return ThemePlan(pin_notes(keys, note_ids, constraints), key_of_cluster, clusters)


def _centred(rows: np.ndarray, center: np.ndarray) -> np.ndarray:
    """Unit rows of ``rows`` (k, d), each made unit first, minus ``center`` (d,): raw e5
    centroids all sit near cosine 0.98; centred, one theme stays above ~0.8 and
    different themes fall below 0.4."""
    moved = unit_rows(np.asarray(rows, dtype=np.float64)) - center
    return unit_rows(moved, out=moved)

"""Large runs: fit the theme model on a stratified sample, assign the rest in batches.

A theme fit grows faster than the notes (UMAP layouts, HDBSCAN, the Lloyd rounds;
``evaluation/results/fit_scaling.json``). Above ``TEEMA_FIT_SAMPLE_NOTES`` a run fits on
a sample of that many notes, drawn from each stratum (a document, and so its region) in
proportion to its size, with a fixed seed: the same notes give the same sample. The
other notes then join the fitted themes by the rule new notes follow between runs
(``theming/incremental.py``): the theme whose centred centroid is nearest by cosine, if
that cosine reaches the model's ``assign_threshold``, else unassigned (-1); on the map
each sits where the most similar sampled note of its theme sits (the unassigned: the
most similar sampled note), so a theme keeps the shape the fit gave it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from service.pipeline.partitions import group_means, unit_rows

SAMPLE_SEED = 17
ASSIGN_BATCH = 5000
PLACE_BLOCK = 4_000_000  # similarities computed at once when placing notes (32 MB)


def stratified_sample(
    strata: np.ndarray, size: int, seed: int = SAMPLE_SEED, regions: np.ndarray | None = None
) -> np.ndarray:
    """Sorted indexes of ``size`` of the n rows, drawn from each stratum (``strata`` (n,),
    documents) in proportion to its size; with ``regions`` (n,) each region first gets
    its exact proportional share, then shares it among its documents. Largest
    remainders get the rounding. Deterministic for the same rows, size and seed."""
    strata = np.asarray(strata)
    n = len(strata)
    if size >= n:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    outer = np.zeros(n, np.int64) if regions is None else np.asarray(regions)
    chosen = []
    for rows, quota in _shares(np.arange(n), outer, size):
        for members, count in _shares(rows, strata[rows], quota):
            chosen.append(rng.choice(members, count, replace=False))
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, np.int64)


def _shares(rows: np.ndarray, keys: np.ndarray, size: int) -> list[tuple[np.ndarray, int]]:
    """``rows`` grouped by ``keys`` (in key order) with each group's proportional share
    of ``size`` (largest remainders round up; ties: the earlier group); empty shares left
    out."""
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    exact = counts * (size / len(rows))
    quota = np.floor(exact).astype(np.int64)
    quota[np.argsort(-(exact - quota), kind="stable")[: size - int(quota.sum())]] += 1
    groups = np.split(rows[np.argsort(inverse, kind="stable")], np.cumsum(counts)[:-1])
    return [(g, int(q)) for g, q in zip(groups, quota, strict=True) if q]


@dataclass(frozen=True)
class Extended:
    """Every note's cluster label (n,) and map position (n, 2) after ``assign_rest``."""

    labels: np.ndarray
    coords: np.ndarray


def assign_rest(
    vectors: np.ndarray,
    sample: np.ndarray,
    labels: np.ndarray,
    center: np.ndarray,
    threshold: float,
    coords: np.ndarray | None = None,
    batch: int = ASSIGN_BATCH,
) -> Extended:
    """Labels and map positions of all ``vectors`` (n, d), given a fit on the rows
    ``sample`` (k,) that gave them ``labels`` (k,) and ``coords`` (k, 2).

    Sampled rows keep what the fit gave them; the others, ``batch`` at a time, join the
    cluster whose centred centroid is nearest by cosine when that cosine reaches
    ``threshold`` (else -1) and sit at the map position of the most similar sampled note
    of that cluster (the unassigned: of all sampled notes). Memory stays at one batch's
    similarities.
    """
    n = len(vectors)
    sampled_coords = np.zeros((len(sample), 2)) if coords is None else np.asarray(coords)
    count = int(labels.max()) + 1 if len(labels) else 0
    all_labels = np.full(n, -1, dtype=np.int64)
    all_coords = np.zeros((n, 2))
    all_labels[sample] = labels
    all_coords[sample] = sampled_coords
    rest = np.setdiff1d(np.arange(n), sample)
    if count == 0 or not len(rest):
        return Extended(all_labels, all_coords)
    centred = unit_rows(np.asarray(vectors[sample], np.float64) - center)
    centroids = unit_rows(group_means(centred, labels, count))
    fitted = _Fitted(centred, labels, sampled_coords)
    for start in range(0, len(rest), batch):
        rows = rest[start : start + batch]
        unit = unit_rows(np.asarray(vectors[rows], np.float64) - center)
        similarity = unit @ centroids.T
        best = similarity.argmax(axis=1)
        assigned = similarity[np.arange(len(rows)), best] >= threshold
        all_labels[rows] = np.where(assigned, best, -1)
        all_coords[rows] = fitted.places(unit, all_labels[rows])
    return Extended(all_labels, all_coords)


@dataclass(frozen=True)
class _Fitted:
    """The sampled notes: centred unit vectors (k, d), labels (k,), map positions (k, 2)."""

    unit: np.ndarray
    labels: np.ndarray
    coords: np.ndarray

    def places(self, unit: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Map positions (m, 2) of notes ``unit`` (m, d) with ``labels`` (m,): each at the
        place of the most similar sampled note of its theme (unassigned: of all), so a
        theme's notes spread as its sampled notes do rather than pile on its centre."""
        places = np.empty((len(unit), 2))
        everyone = np.arange(len(self.unit))
        for label in np.unique(labels):
            rows = np.flatnonzero(labels == label)
            members = np.flatnonzero(self.labels == label) if label >= 0 else everyone
            members = members if len(members) else everyone
            # Chunks keep the similarity block near PLACE_BLOCK numbers.
            step = max(1, PLACE_BLOCK // len(members))
            for start in range(0, len(rows), step):
                chunk = rows[start : start + step]
                nearest = (unit[chunk] @ self.unit[members].T).argmax(axis=1)
                places[chunk] = self.coords[members[nearest]]
        return places

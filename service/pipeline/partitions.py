"""The partition arithmetic under the theme model (``themes.ThemeModel``): unit rows and
group means, blobs re-clustered on their own, the partition the seeds agree on, how
distinct a partition's themes are, notes clearly about a codebook's seeds, labels numbered
by size, and a theme split in k parts.
Pure numpy / scikit-learn / HDBSCAN on arrays; no state."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "Merge",
    "central_members",
    "centroid_merges",
    "distance_sample",
    "group_means",
    "most_typical",
    "pairwise_agreement",
    "relabel_by_size",
    "reproducibility",
    "seed_groups",
    "split_blobs",
    "split_labels",
    "theme_distinctness",
    "unit_rows",
]

Merge = tuple[int, int, float, int]
"""One merge of a theme tree: (left, right, cosine distance, number of themes under it)."""

_BLOB_SHARE = 0.5  # one cluster above this share of the clustered notes is a blob


def unit_rows(matrix: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``matrix`` (n, d) with each row divided by its length; a zero row stays zero (a
    length below 1e-12 counts as 1e-12). ``out=matrix`` divides in place: a large run's
    (n, d) vectors are then not copied."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.maximum(norms, 1e-12, out=norms)
    return np.divide(matrix, norms, out=out)


def group_means(vectors: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """(count, d) mean vector of each label 0..count-1 (rows of -1 are ignored)."""
    sums = np.zeros((count, vectors.shape[1]))
    np.add.at(sums, labels[labels >= 0], vectors[labels >= 0])
    sizes = np.bincount(labels[labels >= 0], minlength=count).astype(np.float64)
    return sums / np.maximum(sizes, 1.0)[:, None]


def nearest_centres(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(n,) index of each of ``points`` (n, d)'s nearest of ``centres`` (k, d), Euclidean.

    From |p - c|^2 = |p|^2 - 2 p.c + |c|^2, where |p|^2 is the same for all of a point's
    centres: one (n, k) product instead of an (n, k, d) array of differences (a fit with
    8,000 notes spent 9 of its 21 s of clustering there)."""
    return np.asarray(
        np.argmin(np.einsum("kd,kd->k", centres, centres) - 2.0 * points @ centres.T, axis=1)
    )


def split_blobs(layout: np.ndarray, labels: np.ndarray, size: int, most: int) -> np.ndarray:
    """HDBSCAN ``labels`` with every blob re-clustered on its own until none is left.

    A blob is a cluster holding more than half of the clustered notes: HDBSCAN's
    excess-of-mass choice keeps a large region whole when its parts are joined by
    density, as two kinds of text next to a third, or most of a corpus around a
    small distinct topic. HDBSCAN run on the blob's notes alone must split it (it
    never returns the whole input as one cluster), so the blob's own structure decides
    its parts. Stops when no cluster is a blob, the blob cannot hold two clusters of
    ``size`` or HDBSCAN finds no split, or there are ``most`` clusters.
    """
    import hdbscan

    labels = np.asarray(labels, dtype=np.int64).copy()
    while int(labels.max()) + 1 < most:
        counts = np.bincount(labels[labels >= 0])
        blob = int(counts.argmax())
        if counts[blob] <= _BLOB_SHARE * counts.sum() or counts[blob] < 2 * size:
            break
        members = np.flatnonzero(labels == blob)
        parts = hdbscan.HDBSCAN(min_cluster_size=size).fit(layout[members]).labels_
        if int(parts.max()) < 1:
            break
        # Part 0 keeps the blob's id, the others get new ids; its noise becomes outliers.
        fresh = np.where(parts > 0, parts - 1 + int(labels.max()) + 1, blob)
        labels[members] = np.where(parts >= 0, fresh, -1)
    return labels


def pairwise_agreement(partitions: Sequence[np.ndarray]) -> np.ndarray:
    """(p, p) adjusted Rand index of every pair of ``partitions`` (diagonal 1)."""
    from sklearn.metrics import adjusted_rand_score

    count = len(partitions)
    agreement = np.ones((count, count))
    for i in range(count):
        for j in range(i + 1, count):
            agreement[i, j] = agreement[j, i] = adjusted_rand_score(partitions[i], partitions[j])
    return agreement


def most_typical(partitions: Sequence[np.ndarray]) -> int:
    """Index of the partition with the highest mean adjusted Rand index to the others."""
    if len(partitions) < 3:
        return 0
    agreement = pairwise_agreement(partitions)
    others = (agreement.sum(axis=1) - 1.0) / (len(partitions) - 1)
    return int(np.argmax(others))  # first of equals: the random_state run


def reproducibility(partitions: Sequence[np.ndarray]) -> float:
    """Mean adjusted Rand index over the pairs of ``partitions`` of the same notes (one
    per UMAP layout): 1 when every layout draws the same themes, near 0 when they agree
    no more than chance; 1 for a single partition."""
    if len(partitions) < 2:
        return 1.0
    agreement = pairwise_agreement(partitions)
    return float(agreement[np.triu_indices(len(partitions), k=1)].mean())


def distance_sample(
    centred: np.ndarray, size: int, random_state: int, keep: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A fixed random sample of at most ``size`` notes and their (s, s) cosine distances,
    for ``theme_distinctness``: (indexes in order, distances). ``centred``: (n, d) unit
    rows in the centred space; ``keep``: (n,) optional mask applied to the drawn sample
    (the draw itself does not depend on it, so the model and a rule on top of it that
    keeps only some notes draw the same notes)."""
    n = len(centred)
    rng = np.random.default_rng(random_state)
    sample = np.sort(rng.choice(n, min(n, size), replace=False))
    if keep is not None:
        sample = sample[keep[sample]]
    distances = np.clip(1.0 - centred[sample] @ centred[sample].T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    return sample, distances


def theme_distinctness(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean over themes of their notes' mean silhouette, in -1..1 (higher: more distinct).

    ``distances``: (s, s) cosine distances of s notes in the centred embedding space;
    ``labels``: (s,) their themes, every note in one. Each theme counts once, whatever
    its size, so many small distinct themes score as well as a few large ones, and a
    theme cut out of a larger one scores low on both sides of the cut. -1 when the notes
    form one theme (or every note is its own), where a silhouette is not defined.
    """
    from sklearn.metrics import silhouette_samples

    themes, members = np.unique(labels, return_inverse=True)
    if not 2 <= len(themes) < len(labels):
        return -1.0
    silhouettes = silhouette_samples(distances, members, metric="precomputed")
    sums = np.bincount(members, weights=silhouettes)
    return float(np.mean(sums / np.bincount(members)))


def seed_groups(
    centred: np.ndarray, seed_vectors: np.ndarray, threshold: float, margin: float
) -> tuple[np.ndarray, list[int]]:
    """Notes clearly about one seed theme of a codebook: (labels (n,), seed of each group).

    ``centred`` (n, d) unit note vectors and ``seed_vectors`` (m, d) unit seed vectors, both
    centred on the corpus mean. A note joins its most similar seed when that cosine is at
    least ``threshold`` and beats the next seed's by ``margin``; groups 0.. are the seeds
    that got notes, in seed order; -1 elsewhere."""
    similarity = centred @ seed_vectors.T
    best = similarity.argmax(axis=1)
    ranked = np.sort(similarity, axis=1)
    top = ranked[:, -1]
    lead = top - ranked[:, -2] if similarity.shape[1] > 1 else top
    clear = (top >= threshold) & (lead >= margin)
    used = sorted({int(s) for s in best[clear]})
    group = {seed: index for index, seed in enumerate(used)}
    labels = np.array([group[int(s)] if ok else -1 for s, ok in zip(best, clear, strict=True)])
    return labels.astype(np.int64), used


def relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1 by size (largest first; ties by first note), -1 kept."""
    present = np.unique(labels[labels >= 0])
    first = {int(t): int(np.flatnonzero(labels == t)[0]) for t in present}
    sizes = {int(t): int(np.sum(labels == t)) for t in present}
    order = sorted(first, key=lambda t: (-sizes[t], first[t]))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(int(t), -1) for t in labels], dtype=np.int64)


def split_labels(embeddings: np.ndarray, k: int, random_state: int = 42) -> np.ndarray:
    """Split one theme's notes (m, d) into ``k`` non-empty parts: (m,) labels 0..k-1.

    Spherical k-means on the theme's own centred vectors (UMAP has too little to work
    with inside one theme); parts numbered by size, largest first. Deterministic.
    """
    from sklearn.cluster import KMeans

    vectors = np.asarray(embeddings, np.float64)
    if not 1 <= k <= len(vectors):
        raise ValueError(f"{len(vectors)} notes cannot make {k} parts")
    distinct = len(np.unique(vectors, axis=0))
    if distinct < k:  # identical notes cannot go to different parts
        raise ValueError(
            f"only {distinct} different notes (the others repeat them) cannot make {k} parts"
        )
    if k == 1:
        return np.zeros(len(vectors), dtype=np.int64)
    centred = unit_rows(vectors - vectors.mean(axis=0))
    labels = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit(centred).labels_
    return relabel_by_size(np.asarray(labels))


def central_members(vectors: np.ndarray, members: np.ndarray, centroid: np.ndarray) -> np.ndarray:
    """A theme's ``members`` (indexes into ``vectors`` (n, d)) ordered by their cosine to
    the theme's unit ``centroid`` (d,), closest first, ties by index: its most
    representative notes first. The one definition, for the model and a stored run."""
    members = np.sort(np.asarray(members))
    return members[np.argsort(-(vectors[members] @ centroid), kind="stable")]


def centroid_merges(centroids: np.ndarray) -> list[Merge]:
    """Average-linkage merges (scipy's linkage rows) of k unit ``centroids`` (k, d) on
    cosine distance: the theme tree of the model and of a stored run. Empty below 2."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    if len(centroids) < 2:
        return []
    # A zero centroid (only possible with degenerate vectors) is at distance 1 from all.
    distances = np.clip(1.0 - centroids @ centroids.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    distances = (distances + distances.T) / 2  # exactly symmetric for squareform
    merges = linkage(squareform(distances, checks=False), method="average")
    return [(int(a), int(b), float(d), int(c)) for a, b, d, c in merges]

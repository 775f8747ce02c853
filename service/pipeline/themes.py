"""Themes stage: note vectors -> themes (UMAP + HDBSCAN, seeded themes, outlier policy).

BERTopic's recipe is the basis (UMAP to a few dimensions, HDBSCAN on top, c-TF-IDF
keywords over lemmas), used through its parts rather than its 5,000-line class. The
defaults differ from BERTopic's on principle: the granularity of the themes is read
from the data, not fixed and not a formula of the number of notes n.

* Vectors are centred on the corpus mean before anything else. e5 vectors share one
  large common direction (any two Finnish notes have cosine ~0.8); removing it lets
  neighbourhoods and similarities reflect what notes say rather than that they are
  Finnish.
* UMAP: ``n_neighbors = sqrt(n) / 2`` (5..50), 10 dimensions, so the neighbourhood
  graph widens with the corpus instead of staying at 15 notes.
* Granularity chosen by the data. No one HDBSCAN setting suits every corpus: leaves
  of 10 notes find 25 questions of 50 comments but cut three large topics into twenty
  pieces; excess-of-mass clusters of 30 find those three and merge the questions
  (``evaluation/README.md``). So every pair of ``GRANULARITIES`` (min cluster size
  5..30 x leaf / excess of mass) is fitted on the same UMAP layouts (six up to 8,000
  notes, fewer above: ``granularity.layout_count``), scored by distinctness x
  reproducibility squared (within 5% of the best: a tie, won by the finer partition).
  Distinctness: the mean over themes of their notes' silhouette (cosine, centred), each
  theme counting once. Reproducibility: the layouts' agreement (mean pairwise ARI).
  Of the winner's partitions, the one agreeing best with the others is kept. The runs
  share one exact neighbour graph and run two at a time (``_prepare_umap``).
* Blobs are split by their own structure: excess of mass keeps a large region whole
  when its parts are joined by density (two kinds of text next to a third), so a
  cluster holding over half of the clustered notes is clustered again on its own;
  a few balanced clusters are kept as found (a corpus may have three topics).
* Giants are split by their leaves. When excess of mass wins, a theme over five times
  the median theme's size (topics distinct from the rest only as a block) is replaced by
  the HDBSCAN leaves inside it, of a typical theme's size, or finer when those leave
  it whole (``granularity.py``).
* Outlier policy: HDBSCAN's outliers (17-50% of notes) join the nearest theme in the
  UMAP space, then a few Lloyd (k-means) rounds in that space let theme borders
  settle; a note stays visibly unassigned (-1) only when its cosine to its theme is a
  robust outlier among all notes (below median - 3 MAD), typically under 1%.
* Seeds (a codebook) are compared in the same centred space: a note joins a seed theme
  at cosine >= 0.30 with a margin of 0.05 over the next seed (BERTopic's zero-shot step
  uses raw cosine >= 0.7, which with e5 would put nearly every note in some seed). A
  seed theme keeps only such clear notes; all others form and settle into new themes.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from service.pipeline.explain import fit_scores, similarity_quantiles
from service.pipeline.granularity import (
    SCORE_TIE,
    check_granularities,
    choose_granularity,
    layout_count,
    split_giants,
)
from service.pipeline.keywords import Keywords, theme_keywords, theme_name
from service.pipeline.layout import _exact_knn, _prepare_umap, _umap
from service.pipeline.partitions import (
    Merge,
    central_members,
    centroid_merges,
    distance_sample,
    group_means,
    most_typical,
    nearest_centres,
    relabel_by_size,
    reproducibility,
    seed_groups,
    split_blobs,
    split_labels,
    theme_distinctness,
    unit_rows,
)
from service.pipeline.trees import SharedTrees

__all__ = ["GRANULARITIES", "ThemeModel", "split_labels", "theme_keywords", "theme_name"]

Granularity = tuple[int, str]  # (HDBSCAN min_cluster_size, "leaf" or "eom")
Runs = list[tuple[np.ndarray, int]]  # one granularity's (labels, count) on each layout
Layouts = Sequence[np.ndarray]

# Below this many notes there is nothing for UMAP/HDBSCAN to find: one theme.
_MIN_NOTES_TO_CLUSTER = 6
_REFINE_ROUNDS = 10  # Lloyd rounds after HDBSCAN; they usually settle in 3-6
_MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution times this is its standard deviation
# Distinctness is measured on at most this many notes (a fixed sample): 2,000 x 2,000
# cosine distances, the same choice of granularity as all notes would give in tests.
_DISTINCTNESS_SAMPLE = 2000
GRANULARITIES: tuple[tuple[int, str], ...] = tuple(
    (size, selection) for size in (5, 10, 15, 20, 30) for selection in ("leaf", "eom")
)
"""The (HDBSCAN min_cluster_size, cluster selection) pairs a fit chooses from, finest
first: from leaves of 5 notes (small distinct questions) to excess-of-mass clusters of
at least 30 (a few large topics)."""


class ThemeModel:
    """Find themes in note vectors; learned state ends in ``_`` (scikit-learn style).

    Parameters (see the module docstring for why): ``n_components`` UMAP dimensions;
    ``n_neighbors``: UMAP neighbours (None: sqrt(n) / 2, 5..50); ``granularities``:
    (HDBSCAN min_cluster_size, "leaf" or "eom") pairs to choose from (one pair fixes
    the granularity); ``n_runs``: UMAP seeds (random_state, random_state + 1, ...) whose
    most typical partition is kept (None: ``granularity.layout_count``; used: ``n_runs_``);
    ``reproducibility_power``: the power of the layouts' agreement in a granularity's
    score (0: distinctness alone, the rule before 2026-12-03); ``score_tie``: scores this
    close to the best (relative) tie, won by more themes (0: the best score alone);
    ``unassigned_mad``: how many robust standard deviations below the median cosine a
    note may fall before it is left unassigned;
    ``seed_threshold`` / ``seed_margin``: a note joins a seed theme when its centred
    cosine to that seed is at least the threshold and beats the next seed by the margin;
    ``top_n_words`` / ``diversity``: keywords per theme and their MMR diversity.

    After ``fit`` (n notes, d dims, k themes, m seeds): ``labels_`` (n,) int, -1 =
    unassigned; ``scores_`` (n, k) float in 0..1, a note's fit to each theme (the share
    of its members less close to its centred centroid, from ``similarity_quantiles_``
    (k, 21); ``explain.fit_scores``): a note on two themes fits both; ``centroids_`` (k, d) unit
    mean vectors of each theme's notes in the ORIGINAL embedding space (comparable
    across runs); ``keywords_`` k lists of (lemma, weight); ``names_`` k strings;
    ``representatives_`` k lists of up to 3 note indexes, closest to the centroid first;
    ``seed_of_theme_`` (k,) int index into ``seeds`` or -1; ``coords_`` (n, 2) float
    UMAP map; ``tree_`` list of k-1 merges (left, right, distance, size) of average
    linkage over the centroids by cosine distance, coarse-to-fine read backwards: ids
    0..k-1 are themes and id k+i is the node made by merge i (scipy's linkage
    convention); ``unassigned_share_`` float; ``center_`` (d,) corpus mean used for
    centring; ``assign_threshold_`` the centred cosine below which a note is unassigned;
    ``granularity_`` the chosen (min_cluster_size, selection); for each one tried
    ``distinctness_`` (mean of ``layout_distinctness_``, one per layout), ``reproducibility_``
    (mean pairwise ARI of the layouts' partitions), ``granularity_scores_`` (distinctness x
    reproducibility^2), ``theme_counts_`` (mean over layouts); most themes among scores tied
    with the best win (``granularity.choose_granularity``); themes numbered by size, 0 first.
    """

    def __init__(
        self,
        n_components: int = 10,
        n_neighbors: int | None = None,
        granularities: Sequence[tuple[int, str]] = GRANULARITIES,
        unassigned_mad: float = 3.0,
        seed_threshold: float = 0.30,
        seed_margin: float = 0.05,
        top_n_words: int = 10,
        diversity: float = 0.0,
        n_runs: int | None = None,
        random_state: int = 42,
        reproducibility_power: float = 2.0,
        score_tie: float = SCORE_TIE,
    ) -> None:
        self.n_components, self.n_neighbors = n_components, n_neighbors
        self.granularities = granularities
        self.unassigned_mad = unassigned_mad
        self.seed_threshold, self.seed_margin = seed_threshold, seed_margin
        self.top_n_words, self.diversity = top_n_words, diversity
        self.n_runs = n_runs
        self.reproducibility_power, self.score_tie = reproducibility_power, score_tie
        self.random_state = random_state

    # -- fit -------------------------------------------------------------------------
    def fit(
        self,
        embeddings: np.ndarray,
        lemma_docs: Sequence[str],
        seeds: np.ndarray | None = None,
    ) -> ThemeModel:
        """Learn themes from ``embeddings`` (n, d) and ``lemma_docs`` (n strings of lemmas).

        ``seeds``: optional (m, d) vectors of seed themes (a codebook), embedded like the
        notes. Notes clearly about a seed form that seed's theme; the rest still form
        new themes. Deterministic for the same inputs and parameters.
        """
        vectors = np.asarray(embeddings, dtype=np.float64)
        n = len(vectors)
        if vectors.ndim != 2 or n == 0:
            raise ValueError(f"embeddings must be a non-empty (n, d) array, got {vectors.shape}")
        if len(lemma_docs) != n:
            raise ValueError(f"{n} embeddings but {len(lemma_docs)} lemma documents")
        check_granularities(self.granularities)
        self.center_ = vectors.mean(axis=0)
        centred = unit_rows(vectors - self.center_)

        labels = np.full(n, -1, dtype=np.int64)
        seed_of_group: list[int] = []
        if seeds is not None and len(seeds):
            seed_vectors = unit_rows(np.asarray(seeds, np.float64) - self.center_)
            labels, seed_of_group = seed_groups(
                centred, seed_vectors, self.seed_threshold, self.seed_margin
            )
        offset, self.n_runs_ = len(seed_of_group), self.n_runs or layout_count(n)
        layouts, self.coords_ = self._layouts(centred)
        self._trees: SharedTrees | None = SharedTrees()  # one HDBSCAN tree per layout and size
        labels, group_count = self._choose_partition(centred, layouts, labels, offset)
        self._trees = None
        centres = unit_rows(group_means(centred, labels, group_count))
        own = np.einsum("ij,ij->i", centred, centres[labels])
        deviation = _MAD_TO_SIGMA * np.median(np.abs(own - np.median(own)))
        threshold = np.median(own) - self.unassigned_mad * deviation
        # No spread at all (a handful of near-identical notes): nobody is an outlier.
        self.assign_threshold_ = float(threshold if deviation > 0 else own.min())
        labels = np.where(own >= self.assign_threshold_, labels, -1)

        group_seed = np.array(seed_of_group + [-1] * group_count, dtype=np.int64)
        ordered = relabel_by_size(labels)
        # Group ids that lost every note to the threshold disappear in the renumbering.
        self.seed_of_theme_ = np.array(
            [int(group_seed[labels[ordered == t][0]]) for t in range(int(ordered.max()) + 1)],
            dtype=np.int64,
        )
        self.labels_ = ordered
        self._describe(vectors, centred, lemma_docs)
        return self

    def _choose_partition(
        self, centred: np.ndarray, layouts: Layouts, seed_labels: np.ndarray, offset: int
    ) -> tuple[np.ndarray, int]:
        """The partition of the best granularity (``choose_granularity``): (labels, count)."""
        partitions = self._granularity_runs(centred, layouts, seed_labels, offset)
        scores, counts = self.granularity_scores_, self.theme_counts_
        self.granularity_ = choose_granularity(scores, counts, self.score_tie)
        runs = partitions[self.granularity_]
        return self._kept_partition(runs, self.granularity_, layouts, seed_labels, offset)

    def _granularity_runs(
        self, centred: np.ndarray, layouts: Layouts, seed_labels: np.ndarray, offset: int
    ) -> dict[Granularity, Runs]:
        """Every granularity's partition of every layout, and its score: mean distinctness
        over the layouts x ``reproducibility`` (negative as 0) ** ``reproducibility_power``."""
        sample, distances = distance_sample(centred, _DISTINCTNESS_SAMPLE, self.random_state)
        free = int(np.sum(seed_labels < 0))
        self.distinctness_: dict[Granularity, float] = {}
        self.layout_distinctness_: dict[Granularity, list[float]] = {}
        self.reproducibility_: dict[Granularity, float] = {}
        self.granularity_scores_: dict[Granularity, float] = {}
        self.theme_counts_: dict[Granularity, float] = {}
        partitions: dict[Granularity, Runs] = {}
        for size, selection in self.granularities:
            size = max(2, min(size, free // 3))  # a small corpus cannot hold large themes
            key = (size, selection)
            if key in partitions:
                continue
            runs = [self._partition(lay, seed_labels, offset, size, selection) for lay in layouts]
            each = [theme_distinctness(distances, r[sample]) for r, _ in runs]
            distinct, agree = float(np.mean(each)), reproducibility([r for r, _ in runs])
            self.layout_distinctness_[key] = each
            score = distinct * max(0.0, agree) ** self.reproducibility_power
            self.distinctness_[key], self.reproducibility_[key] = distinct, agree
            self.granularity_scores_[key], partitions[key] = score, runs
            self.theme_counts_[key] = float(np.mean([len(np.unique(r)) for r, _ in runs]))
        return partitions

    def _kept_partition(
        self, runs: Runs, key: Granularity, layouts: Layouts, seed_labels: np.ndarray, offset: int
    ) -> tuple[np.ndarray, int]:
        """Of a granularity's ``runs`` (one per layout) the most typical, giants split."""
        typical = most_typical([r[0] for r in runs])
        size, selection = key
        if selection == "leaf" or len(self.granularities) < 2:  # leaves or a fixed setting
            return runs[typical]

        # A theme many times the others' size: its own leaves decide, leaves the size of a
        # typical theme, finer while it stays whole (granularity.py).
        def leaves_at(leaf_size: int) -> np.ndarray:
            return self._partition(layouts[typical], seed_labels, offset, leaf_size, "leaf")[0]

        split = split_giants(runs[typical][0], size, leaves_at, first=offset)
        return split, int(split.max()) + 1

    def _partition(
        self, layout: np.ndarray, seed_labels: np.ndarray, offset: int, size: int, selection: str
    ) -> tuple[np.ndarray, int]:
        """Every note's group in one UMAP ``layout`` at one granularity (HDBSCAN
        min_cluster_size ``size``, ``selection`` "leaf" or "eom"): (labels (n,), count).

        ``seed_labels``: groups 0..offset-1 of notes clearly about a codebook seed, -1
        elsewhere; those notes keep their seed group, all others are clustered.
        """
        labels = seed_labels.copy()
        seeded = labels >= 0
        rest = np.flatnonzero(~seeded)
        n = len(labels)
        found = self._cluster(layout[rest], size, selection) if len(rest) else np.zeros(0, np.int64)
        labels[rest] = np.where(found >= 0, found + offset, -1)
        group_count = int(labels.max()) + 1
        if group_count == 0:  # nothing at all was grouped: one theme of everything
            return np.zeros(n, dtype=np.int64), 1

        # Outliers join the nearest theme in the UMAP space, where HDBSCAN saw them.
        # A seed theme holds only the notes that clearly matched its seed; the others
        # settle among the new themes (when there are any).
        free = np.arange(offset if group_count > offset else 0, group_count)
        outliers = labels < 0
        if outliers.any():
            centres = group_means(layout, labels, group_count)[free]
            labels[outliers] = free[nearest_centres(layout[outliers], centres)]
        # HDBSCAN drew each border from the dense core only; a few Lloyd rounds in the
        # same space let borders settle once every note has joined (+0.01 NMI on all
        # three evaluation sets).
        for _ in range(_REFINE_ROUNDS):
            centres = group_means(layout, labels, group_count)[free]
            nearest = free[nearest_centres(layout, centres)]
            moved = np.where(seeded, labels, nearest)
            if np.array_equal(moved, labels):
                break
            labels = moved
        return labels, group_count

    def _layouts(self, centred: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """``n_runs_`` (n, n_components) UMAP spaces for clustering (seeds random_state,
        random_state + 1, ...) and the (n, 2) map coordinates (seed random_state)."""
        n = len(centred)
        if n < _MIN_NOTES_TO_CLUSTER:
            return [centred], np.zeros((n, 2))
        neighbors = self.n_neighbors or int(np.clip(round(0.5 * np.sqrt(n)), 5, 50))
        neighbors = min(neighbors, n - 1)
        dims = min(self.n_components, n - 2)
        # All UMAP runs share one exact neighbour graph. Left to itself, UMAP computes
        # all pairwise distances of small corpora through a Python callback (35 of 43 s
        # on 3,000 notes) and runs approximate NN-descent on large ones.
        knn = _exact_knn(centred, neighbors)
        # float32 as the embeddings come: UMAP's result depends on the input dtype.
        single = centred.astype(np.float32)

        def embed(seed: int, components: int, epochs: int | None) -> np.ndarray:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # n_jobs overridden by random_state: intended
                model = _umap(single, components, neighbors, seed, knn, epochs)
                return np.asarray(model.fit_transform(single), np.float64)

        jobs: list[tuple[int, int, int | None]] = [
            (self.random_state + run, dims, None) for run in range(max(1, self.n_runs_))
        ]
        # 200 epochs (UMAP's own choice for large data) are plenty for a picture.
        jobs.append((self.random_state, 2, 200))
        _prepare_umap()
        import numba  # UMAP's; its thread count follows NUMBA_NUM_THREADS (local_workers)

        cores = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
        with ThreadPoolExecutor(max_workers=min(len(jobs), cores)) as pool:
            spaces = list(pool.map(lambda job: embed(*job), jobs))
        return spaces[:-1], spaces[-1]

    def _cluster(self, layout: np.ndarray, size: int, selection: str) -> np.ndarray:
        """(m,) HDBSCAN labels of ``layout`` rows (m, c), -1 = outlier. ``size``: min_cluster_size;
        ``selection``: "leaf" (the finest dense groups) or "eom" (excess of mass: larger
        groups, whose blobs are then split by their own structure, ``split_blobs``)."""
        import hdbscan

        m = len(layout)
        if m < _MIN_NOTES_TO_CLUSTER:
            return np.zeros(m, dtype=np.int64)
        size = max(2, min(size, m // 3))
        shared = {"memory": self._trees} if getattr(self, "_trees", None) is not None else {}
        model = hdbscan.HDBSCAN(min_cluster_size=size, cluster_selection_method=selection, **shared)
        labels = model.fit(layout).labels_
        if selection == "eom" and int(labels.max()) >= 1:
            labels = split_blobs(layout, labels, size, m)
        return np.asarray(labels, dtype=np.int64)

    def _describe(
        self, vectors: np.ndarray, centred: np.ndarray, lemma_docs: Sequence[str]
    ) -> None:
        """Centroids, scores, keywords, names, representatives and tree of ``labels_``."""
        labels = self.labels_
        k = int(labels.max()) + 1
        self.centroids_ = unit_rows(group_means(vectors, labels, k))
        self.centred_centroids_ = unit_rows(group_means(centred, labels, k))
        similarity = centred @ self.centred_centroids_.T
        typical = np.array([np.median(similarity[labels == t, t]) for t in range(k)])
        self.typical_similarity_ = np.maximum(typical, 1e-6)
        self.similarity_quantiles_ = similarity_quantiles(similarity, labels)
        self.scores_ = fit_scores(similarity, self.similarity_quantiles_)
        self.keywords_: Keywords = theme_keywords(
            lemma_docs, labels, top_n=self.top_n_words, diversity=self.diversity
        )
        self.names_ = [theme_name(words) for words in self.keywords_]
        self.representatives_ = [
            [int(i) for i in central_members(vectors, np.flatnonzero(labels == t), c)[:3]]
            for t, c in enumerate(self.centroids_)
        ]
        self.tree_: list[Merge] = centroid_merges(self.centroids_)
        self.unassigned_share_ = float(np.mean(labels < 0))

    # -- assign ----------------------------------------------------------------------
    def assign(self, embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Themes of new notes without refitting: (labels (n,), scores (n, k)).

        A note goes to the theme whose centred centroid is nearest by cosine if that
        cosine reaches ``assign_threshold_``, else -1; scores as in ``scores_``.
        """
        centred = unit_rows(np.asarray(embeddings, np.float64) - self.center_)
        similarity = centred @ self.centred_centroids_.T
        best = similarity.argmax(axis=1)
        top = similarity[np.arange(len(centred)), best]
        labels = np.where(top >= self.assign_threshold_, best, -1).astype(np.int64)
        return labels, fit_scores(similarity, self.similarity_quantiles_)

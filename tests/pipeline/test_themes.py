"""The theme engine on real Finnish data with the real model (no mocks).

A few hundred SIB-200 sentences (7 topic labels) are embedded once per module; each
fit takes a few seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from service.nlp import NlpResources
from service.pipeline.granularity import SCORE_TIE
from service.pipeline.language import FINNISH_STOP_WORDS, FinnishAnalyzer, lemma_documents
from service.pipeline.partitions import most_typical, reproducibility, split_blobs, split_labels
from service.pipeline.themes import (
    GRANULARITIES,
    ThemeModel,
    theme_keywords,
    theme_name,
)
from tests.conftest import CORPORA
from tests.shared import fresh_process_answer, shared_file

TRAIN, HELD_OUT = 320, 120

# Known gap (issue 13, left open): on this 320-note sample of SIB-200's 7 topics the
# default's distinctness rule picks 3 coarse themes (seed 42), below these tests' bars;
# on the full sets it beats BERTopic + reduce_outliers (evaluation/README.md). Strict:
# a default that meets the bars again makes these pass and the marks must go.
SIB_TOO_COARSE = "issue 13: the default gives 3 themes for SIB-200's 7 topics on 320 notes"


@pytest.fixture(scope="module")
def sib(nlp: NlpResources) -> dict[str, object]:
    rows = [
        json.loads(line)
        for line in shared_file("data/sib200_fin_topics.jsonl").read_text("utf-8").splitlines()
    ][: TRAIN + HELD_OUT]
    texts = [row["text"] for row in rows]
    analyzer = FinnishAnalyzer(backend="simplemma")
    return {
        "texts": texts,
        "labels": np.array([row["label"] for row in rows]),
        "vectors": nlp.embedder.embed(texts),
        "lemma_docs": lemma_documents(analyzer.analyze(texts)),
    }


@pytest.fixture(scope="module")
def fitted(sib: dict[str, object]) -> ThemeModel:
    vectors = sib["vectors"]
    assert isinstance(vectors, np.ndarray)
    return ThemeModel().fit(vectors[:TRAIN], sib["lemma_docs"][:TRAIN])  # type: ignore[index]


def test_refit_gives_identical_labels_names_and_keywords(
    sib: dict[str, object], fitted: ThemeModel
) -> None:
    vectors = sib["vectors"]
    assert isinstance(vectors, np.ndarray)
    again = ThemeModel().fit(vectors[:TRAIN], sib["lemma_docs"][:TRAIN])  # type: ignore[index]
    np.testing.assert_array_equal(again.labels_, fitted.labels_)
    assert again.names_ == fitted.names_
    assert again.keywords_ == fitted.keywords_
    np.testing.assert_array_equal(again.coords_, fitted.coords_)


# Not strict: on some CPUs (AMD EPYC here on 2026-12-01) the vectors differ in their last
# digits and the fit lands just above the bar; on others (the Xeon of earlier runs) below.
@pytest.mark.xfail(strict=False, reason=SIB_TOO_COARSE)
def test_themes_match_the_topic_labels(sib: dict[str, object], fitted: ThemeModel) -> None:
    gold = sib["labels"][:TRAIN]  # type: ignore[index]
    k = len(fitted.names_)
    assert 7 / 2 <= k <= 7 * 2
    assert fitted.unassigned_share_ <= 0.10
    assert adjusted_rand_score(gold, fitted.labels_) > 0.15
    # A random labelling with the same theme sizes scores about 0.
    shuffled = np.random.default_rng(0).permutation(fitted.labels_)
    assert abs(adjusted_rand_score(gold, shuffled)) < 0.05


def test_learned_state_has_the_documented_shapes(fitted: ThemeModel) -> None:
    n, k = TRAIN, len(fitted.names_)
    assert fitted.labels_.shape == (n,)
    assert set(np.unique(fitted.labels_)) <= set(range(-1, k))
    sizes = np.bincount(fitted.labels_[fitted.labels_ >= 0], minlength=k)
    assert list(sizes) == sorted(sizes, reverse=True)  # 0 = largest
    assert fitted.scores_.shape == (n, k)
    assert fitted.scores_.min() >= 0 and fitted.scores_.max() <= 1
    assert fitted.centroids_.shape == (k, 384)
    np.testing.assert_allclose(np.linalg.norm(fitted.centroids_, axis=1), 1.0, rtol=1e-6)
    assert fitted.coords_.shape == (n, 2) and np.isfinite(fitted.coords_).all()
    assert len(fitted.tree_) == k - 1 and fitted.tree_[-1][3] == k
    assert list(fitted.seed_of_theme_) == [-1] * k
    for theme, members in enumerate(fitted.representatives_):
        assert len(members) == 3
        assert all(fitted.labels_[i] == theme for i in members)


def test_names_are_finnish_content_lemmas(sib: dict[str, object], fitted: ThemeModel) -> None:
    vocabulary = {w for doc in sib["lemma_docs"] for w in doc.split()}  # type: ignore[attr-defined]
    for name, words in zip(fitted.names_, fitted.keywords_, strict=True):
        parts = [part.lower() for part in name.split(" · ")]
        assert 2 <= len(parts) <= 3
        assert not set(parts) & FINNISH_STOP_WORDS
        assert {word for word, _ in words} <= vocabulary
    # ä and ö survive: BERTopic's English keyword step would have deleted them.
    keywords = [word for words in fitted.keywords_ for word, _ in words]
    assert any(("ä" in word or "ö" in word) for word in keywords)


@pytest.mark.xfail(strict=True, reason=SIB_TOO_COARSE)
def test_assign_sends_held_out_notes_where_their_label_went(
    sib: dict[str, object], fitted: ThemeModel
) -> None:
    gold = sib["labels"]
    vectors = sib["vectors"]
    assert isinstance(gold, np.ndarray) and isinstance(vectors, np.ndarray)
    labels, scores = fitted.assign(vectors[TRAIN:])
    assert scores.shape == (HELD_OUT, len(fitted.names_))
    checked, agreed = 0, 0
    for label in np.unique(gold[:TRAIN]):
        trained = fitted.labels_[(gold[:TRAIN] == label) & (fitted.labels_ >= 0)]
        home = np.bincount(trained).argmax()
        held = labels[(gold[TRAIN:] == label) & (labels >= 0)]
        # Only labels with a home theme (SIB topics overlap: travel vs geography) and
        # enough held-out notes to have a majority.
        if np.mean(trained == home) < 0.4 or len(held) < 5:
            continue
        checked += 1
        agreed += int(np.bincount(held).argmax() == home)
    assert checked >= 4
    # SIB topics overlap, so with fewer themes than labels a label may share its home:
    # most labels, not all, send their held-out notes home.
    assert agreed / checked >= 2 / 3
    # Held-out notes are placed nearly as well as the fitted ones were grouped. The
    # nearest centroid is a simpler rule than the UMAP-space partition of the fit:
    # measured 0.74 of the fit's ARI here, and the same on 400 held-out notes.
    fitted_ari = adjusted_rand_score(gold[:TRAIN], fitted.labels_)
    assert adjusted_rand_score(gold[TRAIN:], labels) >= 0.7 * fitted_ari > 0.2
    assert np.mean(labels < 0) <= 0.10


@pytest.mark.xfail(strict=True, reason=SIB_TOO_COARSE)
def test_scores_show_both_themes_of_a_two_topic_note(
    nlp: NlpResources, sib: dict[str, object], fitted: ThemeModel
) -> None:
    gold = sib["labels"][:TRAIN]  # type: ignore[index]

    def home(label: str) -> int:
        return int(np.bincount(fitted.labels_[(gold == label) & (fitted.labels_ >= 0)]).argmax())

    # Assigned notes score highest on their own theme, in the large majority.
    assigned = fitted.labels_ >= 0
    own = fitted.scores_[assigned].argmax(axis=1) == fitted.labels_[assigned]
    assert own.mean() >= 0.8
    # Notes made of two held-out sentences on topics whose notes went to different
    # themes (with fewer themes than labels, some topics share one), for each topic
    # the held-out sentence that its home theme claims most clearly. Joined, one
    # sentence can dominate the embedding, so not every such note shows both; the
    # control is each sentence alone, which should rarely reach the other's theme.
    texts, held_gold = sib["texts"][TRAIN:], sib["labels"][TRAIN:]  # type: ignore[index]
    _, held_scores = fitted.assign(sib["vectors"][TRAIN:])  # type: ignore[index]
    topics = sorted(set(gold) & set(held_gold))
    clearest = {}
    for label in topics:
        rows = np.flatnonzero(held_gold == label)
        clearest[label] = rows[np.argmax(held_scores[rows, home(label)])]
    pairs = [(a, b) for i, a in enumerate(topics) for b in topics[i + 1 :] if home(a) != home(b)]
    assert len(pairs) >= 6
    joined = [f"{texts[clearest[a]]} {texts[clearest[b]]}" for a, b in pairs]
    _, scores = fitted.assign(nlp.embedder.embed(joined))
    both, alone = 0, 0
    for row, (a, b) in zip(scores, pairs, strict=True):
        others = np.delete(row, [home(a), home(b)])
        low = min(row[home(a)], row[home(b)])
        both += int(low >= 0.3 and low > np.median(others))
        alone += int(held_scores[clearest[a], home(b)] >= 0.3)
        alone += int(held_scores[clearest[b], home(a)] >= 0.3)
    assert both / len(pairs) >= 0.5
    assert both / len(pairs) >= 3 * alone / (2 * len(pairs))


def test_split_labels_gives_k_non_empty_parts_deterministically(
    sib: dict[str, object], fitted: ThemeModel
) -> None:
    vectors = sib["vectors"]
    assert isinstance(vectors, np.ndarray)
    members = vectors[:TRAIN][fitted.labels_ == 0]
    for k in (2, 3):
        parts = split_labels(members, k, random_state=42)
        assert parts.shape == (len(members),)
        assert set(parts.tolist()) == set(range(k))
        np.testing.assert_array_equal(parts, split_labels(members, k, random_state=42))
    with pytest.raises(ValueError):
        split_labels(members[:2], 3)
    # Repeated notes: as many parts as different notes, no empty part, and no more.
    repeated = np.vstack([members[:2]] * 5)
    assert set(split_labels(repeated, 2).tolist()) == {0, 1}
    with pytest.raises(ValueError, match="2 different notes"):
        split_labels(repeated, 3)


def test_a_forty_note_learning_cafe_gives_a_handful_of_themes(nlp: NlpResources) -> None:
    text = (CORPORA / "pohjois-savo_learning-cafe_2017.txt").read_text("utf-8")
    notes = [line.strip()[1:].strip() for line in text.splitlines() if line.strip().startswith("-")]
    assert 40 <= len(notes) <= 50  # 48 bullets and sub-bullets
    lemma_docs = lemma_documents(FinnishAnalyzer(backend="simplemma").analyze(notes))
    model = ThemeModel().fit(nlp.embedder.embed(notes), lemma_docs)
    assert 3 <= len(model.names_) <= 8
    assert model.unassigned_share_ <= 0.10
    assert len(set(model.names_)) == len(model.names_)


def test_tiny_and_bad_inputs() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(4, 16)).astype(np.float32)
    model = ThemeModel().fit(vectors, ["yritys nuori", "yritys kesätyö", "terveys", "liikunta"])
    assert len(model.names_) == 1 and (model.labels_ >= 0).all()
    with pytest.raises(ValueError):
        ThemeModel().fit(vectors, ["vain yksi"])
    with pytest.raises(ValueError):
        ThemeModel().fit(np.zeros((0, 16)), [])


def test_degenerate_vectors_do_not_break_the_fit() -> None:
    """Zero vectors, identical vectors, one far outlier: a fit, a tree and scores, no NaN."""
    rng = np.random.default_rng(0)
    zero_half = rng.normal(size=(40, 16))
    zero_half[:20] = 0.0
    identical = np.tile(rng.normal(size=(1, 16)), (30, 1))
    lone = np.vstack([rng.normal(size=(1, 16)) + 0.001 * rng.normal(size=(29, 16)), [[50.0] * 16]])
    for vectors in (zero_half, identical, lone):
        docs = ["vetovoima" if i % 2 else "" for i in range(len(vectors))]
        model = ThemeModel().fit(vectors, docs)
        k = int(model.labels_.max()) + 1
        assert len(model.names_) == k and len(model.tree_) == max(0, k - 1)
        assert np.isfinite(model.scores_).all() and np.isfinite(model.coords_).all()
        assert all(np.isfinite(d) for _, _, d, _ in model.tree_)


def test_keyword_diversity_and_names(sib: dict[str, object], fitted: ThemeModel) -> None:
    docs = sib["lemma_docs"][:TRAIN]  # type: ignore[index]
    plain = theme_keywords(docs, fitted.labels_, top_n=10)
    assert plain == fitted.keywords_
    diverse = theme_keywords(docs, fitted.labels_, top_n=10, diversity=0.7)
    for before, after in zip(plain, diverse, strict=True):
        assert after[0] == before[0]  # the best word always leads
        assert len({w for w, _ in after}) == len(after) == len(before)
    assert diverse != plain  # diversity re-ranks somewhere
    assert theme_name([("ja", 1.0), ("kesätyöpaikka", 0.9), ("kesätyö", 0.8), ("yritys", 0.7)]) == (
        "Kesätyöpaikka · yritys"
    )
    assert theme_name([]) == "(nimetön teema)"


def test_keywords_of_a_one_word_vocabulary() -> None:
    """Every note says the same word (or nothing): no crash, the word names its themes."""
    labels = np.array([0, 0, 1, 1, -1, 2])
    docs = ["vetovoima", "vetovoima vetovoima", "vetovoima", "", "vetovoima", ""]
    assert theme_keywords(docs, labels) == [[("vetovoima", 1.0)], [("vetovoima", 1.0)], []]
    assert theme_keywords(["", "ja"], np.array([0, 0])) == [[]]  # stop words only


def _topics(sizes: list[int], spread: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around one random direction per topic (384-d, like e5)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(sizes), 384))
    labels = np.repeat(np.arange(len(sizes)), sizes)
    vectors = centres[labels] + spread * rng.normal(size=(len(labels), 384))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), labels


def test_a_few_balanced_topics_are_kept_not_split() -> None:
    """Three clear, balanced topics of 200 notes stay three themes."""
    vectors, truth = _topics([200, 200, 200], spread=0.05)
    docs = [f"aihe{t} sana{t}" for t in truth]
    model = ThemeModel().fit(vectors, docs)
    assert len(model.centroids_) == 3
    assert adjusted_rand_score(truth, model.labels_) > 0.98  # a few robust outliers aside


def test_the_granularity_follows_the_data_not_one_setting() -> None:
    """30 small distinct groups give 30 themes, 3 large loose ones give 3; each fixed
    setting the choice is made from gets one of the two wrong."""
    many, many_truth = _topics([12] * 30, spread=0.5)
    few, few_truth = _topics([150] * 3, spread=0.8)
    fits: dict[str, ThemeModel] = {}
    for name, vectors, truth in (("many", many, many_truth), ("few", few, few_truth)):
        docs = [f"aihe{t}" for t in truth]
        fits[name] = ThemeModel().fit(vectors, docs)
        assert adjusted_rand_score(truth, fits[name].labels_) > 0.95
        chosen, scores = fits[name].granularity_, fits[name].granularity_scores_
        assert chosen in scores
        for size, selection in GRANULARITIES:  # the choice scores best, or tied with it
            best = scores[(min(size, len(vectors) // 3), selection)]
            assert scores[chosen] >= (1 - SCORE_TIE) * best
    assert len(fits["many"].centroids_) == 30 and len(fits["few"].centroids_) == 3
    # Leaves of at least 10 notes (BERTopic's size) cut the large groups; excess of
    # mass with at least 30 notes a theme merges the small ones.
    leaves = ThemeModel(granularities=((10, "leaf"),)).fit(few, [""] * len(few))
    assert len(leaves.centroids_) > 3
    coarse = ThemeModel(granularities=((30, "eom"),)).fit(many, [""] * len(many))
    assert len(coarse.centroids_) < 15


def test_a_blob_is_split_by_its_own_structure_not_up_to_a_count() -> None:
    """HDBSCAN's blob (over half of the clustered notes) is re-clustered on its own."""
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [40.0, 0.0]])
    truth = np.repeat([0, 1, 2], [300, 300, 200])
    layout = centres[truth] + rng.normal(size=(len(truth), 2))
    # As if HDBSCAN had kept the two near groups together: one blob of 600 of 800.
    found = np.where(truth == 2, 1, 0)
    split = split_blobs(layout, found, size=14, most=13)
    assert len(np.unique(split[split >= 0])) == 3
    kept = split >= 0
    assert kept.mean() > 0.9 and adjusted_rand_score(truth[kept], split[kept]) > 0.95
    # No blob, nothing to do: three balanced groups stay as they are.
    np.testing.assert_array_equal(split_blobs(layout, truth, size=14, most=13), truth)
    # The count limit stops the splitting.
    assert len(np.unique(split_blobs(layout, found, size=14, most=2))) == 2


def test_a_granularity_scores_its_distinctness_weighed_by_how_well_its_layouts_agree() -> None:
    """Score = mean distinctness over the UMAP layouts x reproducibility squared (mean
    pairwise ARI of the layouts' partitions, negative counted as 0), and the choice is
    the partition with the most themes among the scores tied with the best. What it
    changes on real data is measured in evaluation/README.md, not here."""
    vectors, truth = _topics([60, 60, 60, 60], spread=0.6)
    model = ThemeModel().fit(vectors, [f"aihe{t}" for t in truth])
    assert set(model.granularity_scores_) == set(model.distinctness_)
    for key, score in model.granularity_scores_.items():
        weight = max(0.0, model.reproducibility_[key]) ** model.reproducibility_power
        assert score == pytest.approx(model.distinctness_[key] * weight)
    assert model.reproducibility_power == 2.0
    # The choice: the most themes among the scores within the tie of the best
    # (granularity.choose_granularity); theme_counts_ is the mean over the layouts.
    assert set(model.theme_counts_) == set(model.granularity_scores_)
    assert all(count >= 1 for count in model.theme_counts_.values())
    scores, counts = model.granularity_scores_, model.theme_counts_
    near = {key: counts[key] for key in scores if scores[key] >= 0.95 * max(scores.values())}
    assert model.granularity_ in near and counts[model.granularity_] == max(near.values())
    strict = ThemeModel(score_tie=0.0).fit(vectors, [f"aihe{t}" for t in truth])
    scores = strict.granularity_scores_
    assert scores[strict.granularity_] == max(scores.values())
    alone = ThemeModel(reproducibility_power=0.0).fit(vectors, [f"aihe{t}" for t in truth])
    assert alone.granularity_scores_ == alone.distinctness_  # the rule before 2026-12-03


def test_reproducibility_is_the_agreement_of_the_layouts_partitions() -> None:
    a = np.repeat([0, 1, 2], 20)
    renamed = np.repeat([2, 0, 1], 20)  # the same themes under other ids
    other = np.tile([0, 1], 30)
    assert reproducibility([a, renamed, a]) == pytest.approx(1.0)
    assert reproducibility([a, other, renamed]) < 0.4
    assert reproducibility([a]) == 1.0  # one layout cannot disagree with itself


def test_the_most_typical_partition_is_the_one_the_others_agree_with() -> None:
    a = np.repeat([0, 1, 2], 20)
    near = a.copy()
    near[:3] = 1  # a few notes moved
    other = np.tile([0, 1], 30)  # a different story
    assert most_typical([other, a, near]) in (1, 2)
    assert most_typical([a, other]) == 0  # two cannot outvote each other: the first


# In a fresh process (UMAP's functions as UMAP compiles them): one small layout before
# and one after _prepare_umap; whether they are equal to the last bit, and how often each
# prepared function was loaded from numba's cache (hits) and compiled (misses).
_UMAP_PREPARED = """
import json, numpy as np
import umap.layouts as layouts, umap.umap_ as umap_
from service.pipeline.layout import _exact_knn, _prepare_umap, _umap
rows = np.random.default_rng(0).normal(size=(200, 16))
rows = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
knn = _exact_knn(rows, 10)
umaps_own = _umap(rows, 2, 10, 7, knn, 50).fit_transform(rows)
_prepare_umap()
prepared = _umap(rows, 2, 10, 7, knn, 50).fit_transform(rows)
functions = {
    "epoch": layouts._nb_optimize_layout_euclidean_single_epoch,
    "smooth_knn_dist": umap_.smooth_knn_dist,
    "compute_membership_strengths": umap_.compute_membership_strengths,
}
print(json.dumps({
    "same": bool(np.array_equal(umaps_own, prepared)),
    "nogil": bool(functions["epoch"].targetoptions.get("nogil")),
    "cache": {name: [sum(f.stats.cache_hits.values()), sum(f.stats.cache_misses.values())]
              for name, f in functions.items()},
}))
"""


def test_prepared_umap_computes_umaps_layout_and_compiles_once(tmp_path: Path) -> None:
    # _prepare_umap recompiles UMAP's epoch without the GIL (two layouts on two cores) and
    # it and the two graph functions with numba's cache: UMAP compiled them in every
    # process, 8-9 s of a 4,000-note theme run (issue 18). The layout stays UMAP's own to
    # the last bit, and a second process loads all three from the cache.
    def run() -> dict:
        return fresh_process_answer(_UMAP_PREPARED, NUMBA_CACHE_DIR=str(tmp_path))

    first, second = run(), run()
    assert first["same"] and second["same"] and first["nogil"]
    assert all(misses >= 1 for _, misses in first["cache"].values()), first
    assert all(hits >= 1 and misses == 0 for hits, misses in second["cache"].values()), second


def test_what_the_model_describes_is_what_a_run_stores(
    sib: dict[str, object], fitted: ThemeModel
) -> None:
    # One theme engine (issue 13): a stored run's representative notes and theme tree are
    # the model's own, not a second definition of "representative" or of the tree.
    from service.pipeline.describe import describe_themes, tree_of

    vectors = sib["vectors"][:TRAIN]  # type: ignore[index]
    lemma_docs = sib["lemma_docs"][:TRAIN]  # type: ignore[index]
    described = describe_themes(
        fitted.labels_, vectors, lemma_docs, list(range(len(vectors))), fitted.coords_
    )
    assert [described[t].representatives for t in sorted(described)] == fitted.representatives_
    stored = tree_of(described)

    def themes_under(node: dict) -> frozenset[int]:
        if "theme" in node:
            return frozenset([node["theme"]])
        return frozenset().union(*(themes_under(child) for child in node["children"]))

    def inner_nodes(node: dict) -> list[frozenset[int]]:
        if "theme" in node:
            return []
        below = [group for child in node["children"] for group in inner_nodes(child)]
        return [*below, themes_under(node)]

    groups = [frozenset([t]) for t in range(len(described))]
    for left, right, _distance, _count in fitted.tree_:
        groups.append(groups[left] | groups[right])
    assert set(inner_nodes(stored)) == set(groups[len(described) :])

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
from service.pipeline.language import FINNISH_STOP_WORDS, FinnishAnalyzer, lemma_documents
from service.pipeline.themes import ThemeModel, split_labels, theme_keywords, theme_name

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
TRAIN, HELD_OUT = 320, 120


@pytest.fixture(scope="module")
def sib(nlp: NlpResources) -> dict[str, object]:
    rows = [
        json.loads(line)
        for line in (SHARED_DATA / "sib200_fin_topics.jsonl").read_text("utf-8").splitlines()
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
    # Held-out notes are placed as well as the fitted ones were grouped.
    fitted_ari = adjusted_rand_score(gold[:TRAIN], fitted.labels_)
    assert adjusted_rand_score(gold[TRAIN:], labels) >= 0.8 * fitted_ari > 0.2
    assert np.mean(labels < 0) <= 0.10


def test_scores_show_both_themes_of_a_two_topic_note(
    nlp: NlpResources, sib: dict[str, object], fitted: ThemeModel
) -> None:
    gold = sib["labels"][:TRAIN]  # type: ignore[index]

    def home(label: str) -> int:
        return int(np.bincount(fitted.labels_[(gold == label) & (fitted.labels_ >= 0)]).argmax())

    sport, health = home("sports"), home("health")
    assert sport != health
    # Assigned notes score highest on their own theme, in the large majority.
    assigned = fitted.labels_ >= 0
    own = fitted.scores_[assigned].argmax(axis=1) == fitted.labels_[assigned]
    assert own.mean() >= 0.8
    note = (
        "Jalkapallojoukkue voitti ottelun kahdella maalilla ja nousi sarjan kärkeen. "
        "Sairaalan lääkärit hoitivat potilaita uudella rokotteella ja lääkkeellä."
    )
    _, scores = fitted.assign(nlp.embedder.embed([note]))
    row = scores[0]
    others = np.delete(row, [sport, health])
    assert row[sport] >= 0.3 and row[health] >= 0.3
    assert min(row[sport], row[health]) > np.median(others)


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


def test_a_forty_note_learning_cafe_gives_a_handful_of_themes(nlp: NlpResources) -> None:
    text = (SEEDS / "pohjois-savo_learning-cafe_2017.txt").read_text("utf-8")
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


def _topics(sizes: list[int], spread: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around one random direction per topic (384-d, like e5)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(sizes), 384))
    labels = np.repeat(np.arange(len(sizes)), sizes)
    vectors = centres[labels] + spread * rng.normal(size=(len(labels), 384))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), labels


def test_a_few_balanced_topics_are_kept_not_split_up_to_the_window() -> None:
    """600 notes make a window of 7..13 themes, but three clear, balanced topics stay
    three: the minimum only repairs HDBSCAN's blob failure."""
    vectors, truth = _topics([200, 200, 200], spread=0.05)
    docs = [f"aihe{t} sana{t}" for t in truth]
    model = ThemeModel().fit(vectors, docs)
    assert len(model.centroids_) == 3
    assert adjusted_rand_score(truth, model.labels_) > 0.98  # a few robust outliers aside


def test_one_blob_is_still_split_up_to_the_minimum() -> None:
    """A blob holding most notes is the failure the minimum is for."""
    vectors, truth = _topics([500, 30, 30], spread=0.05)
    docs = [f"aihe{t} sana{t}" for t in truth]
    model = ThemeModel().fit(vectors, docs)
    assert len(model.centroids_) >= int(np.ceil(0.75 * np.log2(len(truth))))

"""Giant themes split by the leaves inside them (service/pipeline/granularity.py)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from service.pipeline.granularity import (
    LARGE_THEME_FACTOR,
    SCORE_TIE,
    choose_granularity,
    layout_count,
    split_large_themes,
)
from service.pipeline.themes import ThemeModel


def test_a_giant_theme_is_replaced_by_its_leaves_and_the_others_are_kept() -> None:
    # Seven questions of 50 notes merged into one theme of 350, next to eight of 50.
    truth = np.repeat(np.arange(15), 50)
    labels = np.where(truth < 7, 0, truth - 6)
    leaves = truth.copy()
    leaves[::25] = (leaves[::25] + 1) % 15  # the leaves are not perfect either
    split = split_large_themes(labels, leaves)
    assert adjusted_rand_score(truth, split) > 0.9
    assert len(np.unique(split)) > 7 + 8 - 1
    # The themes that were not giants are exactly as they were.
    outside = truth >= 7
    assert adjusted_rand_score(labels[outside], split[outside]) == 1.0
    # Groups are numbered without gaps.
    np.testing.assert_array_equal(np.unique(split), np.arange(split.max() + 1))


def test_balanced_themes_and_seed_themes_are_never_split() -> None:
    labels = np.repeat([0, 1, 2], [200, 200, 200])  # three balanced topics
    leaves = np.arange(600) // 20  # finer leaves inside each of them
    np.testing.assert_array_equal(split_large_themes(labels, leaves), labels)
    # Seed theme 0 is huge but is a seed's: only free groups (>= first) are looked at.
    seeded = np.concatenate([np.zeros(1000, np.int64), np.repeat([1, 2, 3], 20)])
    leaves = np.arange(len(seeded)) // 10
    np.testing.assert_array_equal(split_large_themes(seeded, leaves, first=1), seeded)


def test_the_factor_is_the_boundary() -> None:
    # One theme exactly FACTOR times the median is kept; one note more makes it a giant.
    median = 20
    size = int(LARGE_THEME_FACTOR * median)
    for extra, expected in ((0, 3), (1, 4)):
        labels = np.repeat([0, 1, 2], [size + extra, median, median])
        leaves = np.where(np.arange(len(labels)) < (size + extra) // 2, 5, 6)
        assert len(np.unique(split_large_themes(labels, leaves))) == expected


def test_a_giant_is_cut_into_parts_the_size_of_a_typical_theme() -> None:
    """Leaves at the chosen minimum size (5 notes) cut a block of seven topics into ~16
    pieces (questions_mixed: 40 themes for 25 questions); leaves no smaller than the
    median theme give parts like the other themes (29 for 25, evaluation/README.md)."""
    from service.pipeline.granularity import giant_leaf_size

    labels = np.concatenate([np.zeros(350, np.int64), np.repeat(np.arange(1, 19), 50)])
    assert giant_leaf_size(labels, chosen=5) == 50  # the median theme, not 5
    assert giant_leaf_size(labels, chosen=60) == 60  # never finer than the choice
    seeded = np.concatenate([np.zeros(500, np.int64), np.repeat([1, 2, 3], [10, 20, 30])])
    assert giant_leaf_size(seeded, chosen=5, first=1) == 20  # seed themes do not count


def test_a_giant_the_median_sized_leaves_leave_whole_is_cut_by_finer_leaves() -> None:
    """questions_mixed, other draws: a block of seven SIB-200 topics (366 notes beside
    themes of 40) is one leaf at 40 notes, three at 30, five at 20; halving the leaf size
    until no giant is left took its ARI from 0.28 to 0.41 (evaluation/README.md)."""
    from service.pipeline.granularity import split_giants

    truth = np.repeat(np.arange(15), 50)
    labels = np.where(truth < 7, 0, truth - 6)  # a giant of seven topics, 350 notes
    asked: list[int] = []

    def leaves_at(size: int) -> np.ndarray:
        asked.append(size)
        # The giant is one leaf at 25 notes and more; its topics are leaves below that.
        return np.where(truth < 7, 0, truth) if size >= 25 else truth

    split = split_giants(labels, chosen=5, leaves_at=leaves_at)
    assert asked == [50, 25, 12]  # the median theme, halved while a giant is left
    assert adjusted_rand_score(truth, split) == 1.0
    # Never finer than the chosen size: the giant stays when no leaves cut it.
    asked.clear()

    def no_cut(size: int) -> np.ndarray:
        asked.append(size)
        return labels

    np.testing.assert_array_equal(split_giants(labels, chosen=20, leaves_at=no_cut), labels)
    assert asked == [50, 25, 20]
    # Without a giant no leaves are asked for.
    asked.clear()
    balanced = np.repeat([0, 1, 2], 200)
    np.testing.assert_array_equal(split_giants(balanced, chosen=5, leaves_at=no_cut), balanced)
    assert asked == []


def test_scores_within_the_tie_go_to_the_granularity_with_more_themes() -> None:
    # The score's spread over UMAP seeds is ~7% (evaluation/README.md): a score under 5%
    # below the best is a tie, and a tie goes to the finer partition.
    scores = {(5, "leaf"): 0.020, (10, "leaf"): 0.096, (10, "eom"): 0.097, (30, "eom"): 0.100}
    counts = {(5, "leaf"): 40.0, (10, "leaf"): 19.0, (10, "eom"): 16.0, (30, "eom"): 10.0}
    assert choose_granularity(scores, counts) == (10, "leaf")
    assert SCORE_TIE == 0.05
    # Beyond the tie the best score wins, however many themes the others have.
    scores[(10, "leaf")] = scores[(10, "eom")] = 0.094
    assert choose_granularity(scores, counts) == (30, "eom")
    # No tie at all: the best score alone; equal counts: the first (finest) key.
    assert choose_granularity(scores, counts, tie=0.0) == (30, "eom")
    assert choose_granularity({"a": 1.0, "b": 1.0}, {"a": 3.0, "b": 3.0}) == "a"
    # A negative best (one theme, no silhouette: -1) is still chosen from.
    assert choose_granularity({"a": -1.0, "b": -1.0}, {"a": 1.0, "b": 1.0}) == "a"
    assert choose_granularity({"a": -1.2, "b": -1.0}, {"a": 2.0, "b": 1.0}) == "b"


def test_small_corpora_get_six_layouts_and_large_ones_three() -> None:
    """More layouts steady the granularity's choice; each costs a UMAP run, so a fit
    spends six up to 8,000 notes and fewer above, never under three (make bench: six
    layouts cost 1.89x BERTopic's fit at 16,000 notes, three 1.09x)."""
    counts = {n: layout_count(n) for n in (1, 300, 1500, 8000, 9600, 12000, 16000, 200_000)}
    assert counts == {1: 6, 300: 6, 1500: 6, 8000: 6, 9600: 5, 12000: 4, 16000: 3, 200_000: 3}
    assert ThemeModel().n_runs is None and ThemeModel(n_runs=3).n_runs == 3


def test_a_theme_model_without_a_valid_granularity_is_refused_with_a_clear_message() -> None:
    vectors = np.random.default_rng(0).normal(size=(40, 8))
    docs = ["sana"] * 40
    for granularities, message in (
        ((), "at least one"),
        (((10, "best"),), "'leaf' or 'eom'"),
        (((1, "leaf"),), "at least 2"),
    ):
        with pytest.raises(ValueError, match=message):
            ThemeModel(granularities=granularities).fit(vectors, docs)
    with pytest.raises(ValueError, match="no granularity"):
        choose_granularity({}, {})

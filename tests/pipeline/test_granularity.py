"""Giant themes split by the leaves inside them (service/pipeline/granularity.py)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from service.pipeline.granularity import LARGE_THEME_FACTOR, split_large_themes


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

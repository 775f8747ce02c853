"""Detail levels on hand-made clusters: coarser joins the closest free clusters, finer
splits the widest free one, locked (edited) clusters are never touched."""

from __future__ import annotations

import numpy as np
import pytest

from service.pipeline.detail import at_level, bisect, coarser, finer, target_count


def _points(centres: list[list[float]], per: int, spread: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = [np.array(c) + rng.normal(0, spread, (per, len(c))) for c in centres]
    vectors = np.concatenate(rows)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_target_counts_follow_the_level() -> None:
    assert [target_count(8, level) for level in range(-3, 4)] == [3, 4, 6, 8, 11, 16, 23]
    assert target_count(1, -3) == 1
    with pytest.raises(ValueError, match="detail level"):
        target_count(8, 4)


def test_coarser_joins_the_two_closest_free_clusters() -> None:
    # clusters 0 and 1 point almost the same way, 2 and 3 elsewhere
    vectors = _points([[1, 0.2, 0, 0], [1, -0.2, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], 5, 0.02)
    labels = np.repeat(np.arange(4), 5)
    joined = coarser(labels, vectors, locked=(), target=3)
    assert len(set(joined.tolist())) == 3 and set(joined[:10].tolist()) == {0}
    # with 0 locked, nothing can join it; the closest free pair is joined instead
    kept = coarser(labels, vectors, locked={0}, target=3)
    assert set(kept[:5].tolist()) == {0} and len(set(kept.tolist())) == 3
    # everything locked: the count cannot drop
    assert (coarser(labels, vectors, locked={0, 1, 2, 3}, target=1) == labels).all()


def test_finer_splits_the_widest_free_cluster_and_leaves_locked_ones() -> None:
    wide = _points([[1, 0, 0, 0], [0, 1, 0, 0]], 6, 0.05)  # one cluster, two directions
    tight = _points([[0, 0, 1, 0]], 6, 0.01, seed=2)
    vectors = np.concatenate([wide, tight])
    labels = np.array([0] * 12 + [1] * 6)
    split = finer(labels, vectors, locked=(), target=3)
    assert set(split[:6].tolist()) != set(split[6:12].tolist())  # the wide one was split
    assert len(set(split[:6].tolist())) == 1 and len(set(split[6:12].tolist())) == 1
    assert (split[12:] == 1).all()
    assert (finer(labels, vectors, locked={0}, target=3)[:12] == 0).all()


def test_level_zero_and_unassigned_notes_are_left_as_they_are() -> None:
    vectors = _points([[1, 0, 0], [0, 1, 0]], 6, 0.05)
    labels = np.array([0] * 6 + [1] * 5 + [-1])
    assert (at_level(labels, vectors, (), 0) == labels).all()
    assert at_level(labels, vectors, (), -3)[-1] == -1


def test_the_level_scales_the_clusters_it_may_change() -> None:
    centres = np.eye(6).tolist()
    vectors = _points(centres, 4, 0.05)
    labels = np.repeat(np.arange(6), 4)
    # two edited clusters stay; the other four halve to two: four themes, not three
    coarse = at_level(labels, vectors, locked={0, 1}, level=-2)
    assert len(set(coarse.tolist())) == 4
    assert (coarse[:8] == labels[:8]).all()
    assert (at_level(labels, vectors, locked=set(range(6)), level=-3) == labels).all()
    with pytest.raises(ValueError):
        at_level(labels, vectors, locked=set(range(6)), level=9)


def test_bisect_parts_two_directions_and_not_identical_notes() -> None:
    vectors = _points([[1, 0, 0, 0], [0, 1, 0, 0]], 7, 0.05, seed=3)
    parts = bisect(vectors)
    assert set(parts[:7].tolist()) != set(parts[7:].tolist())
    assert len(set(parts[:7].tolist())) == 1 and len(set(parts[7:].tolist())) == 1
    assert (bisect(np.tile(vectors[:1], (6, 1))) == 0).all()

"""Unit rows: the one rule that makes a matrix's rows unit length, copying or in place."""

from __future__ import annotations

import numpy as np

from service.pipeline.partitions import distance_sample, unit_rows


def _matrix(dtype: type) -> np.ndarray:
    rows = np.random.default_rng(3).normal(size=(6, 5)).astype(dtype)
    rows[2] = 0.0
    return rows


def test_unit_rows_have_length_one_and_a_zero_row_stays_zero() -> None:
    matrix = _matrix(np.float64)
    unit = unit_rows(matrix)
    assert unit is not matrix
    lengths = np.linalg.norm(unit, axis=1)
    np.testing.assert_allclose(np.delete(lengths, 2), 1.0)
    assert not unit[2].any()
    np.testing.assert_array_equal(matrix, _matrix(np.float64))  # the input is kept


def test_in_place_gives_the_same_values_in_the_same_array() -> None:
    # A 200,000-note run divides its (n, 384) centred vectors in place: no second copy.
    for dtype in (np.float32, np.float64):
        matrix = _matrix(dtype)
        copied = unit_rows(matrix)
        same = unit_rows(matrix, out=matrix)
        assert same is matrix
        assert same.dtype == dtype
        np.testing.assert_array_equal(same, copied)
        assert not same[2].any()


def test_a_distance_sample_keeping_some_notes_draws_the_same_notes() -> None:
    """The model scores distinctness on a fixed sample; a rule on top of it that keeps
    only some notes (evaluation/hierarchy.py) must score on the same draw, filtered."""
    rng = np.random.default_rng(0)
    centred = unit_rows(rng.normal(size=(300, 8)))
    keep = rng.random(300) < 0.5
    sample, distances = distance_sample(centred, 100, random_state=7)
    kept, kept_distances = distance_sample(centred, 100, random_state=7, keep=keep)
    assert len(sample) == 100 and np.all(np.diff(sample) > 0)
    assert np.array_equal(kept, sample[keep[sample]])
    inside = keep[sample]
    assert np.allclose(kept_distances, distances[np.ix_(inside, inside)])
    assert np.allclose(np.diag(distances), 0.0)
    assert np.allclose(distances[0, 1], 1.0 - centred[sample[0]] @ centred[sample[1]])

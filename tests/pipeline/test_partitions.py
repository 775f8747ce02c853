"""Unit rows: the one rule that makes a matrix's rows unit length, copying or in place."""

from __future__ import annotations

import numpy as np

from service.pipeline.partitions import unit_rows


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

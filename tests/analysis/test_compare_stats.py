"""The comparison statistics against values worked out by hand on small tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from service.analysis.compare import (
    independence_test,
    log_odds_dirichlet,
    prevalence,
    rank_within_groups,
    wilson_interval,
)


def test_wilson_interval_for_3_of_10() -> None:
    # p = 0.3, n = 10, z = 1.959964, z^2 = 3.841459:
    # centre = (0.3 + 3.841459 / 20) / (1 + 0.3841459)                 = 0.4920729 / 1.3841459
    #        = 0.3555066
    # half   = 1.959964 * sqrt(0.021 + 3.841459 / 400) / 1.3841459     = 1.959964 * 0.1749390
    #          / 1.3841459 = 0.2477153
    low, high = wilson_interval(3, 10)
    assert float(low) == pytest.approx(0.3555066 - 0.2477153, abs=2e-6)
    assert float(high) == pytest.approx(0.3555066 + 0.2477153, abs=2e-6)
    assert (round(float(low), 4), round(float(high), 4)) == (0.1078, 0.6032)


def test_wilson_interval_edges() -> None:
    low, high = wilson_interval(np.array([0, 10, 0]), np.array([10, 10, 0]))
    # 0/10: the interval starts at 0 but is not empty (Wald would give [0, 0]).
    assert low[0] == 0.0 and high[0] == pytest.approx(3.841459 / 13.841459, abs=1e-6)
    assert high[1] == 1.0 and low[1] == pytest.approx(10 / 13.841459, abs=1e-6)
    assert (low[2], high[2]) == (0.0, 1.0)  # no notes: nothing known


def test_prevalence_shares_and_intervals_per_row() -> None:
    counts = np.array([[3, 7], [0, 0], [5, 5]])
    totals, share, low, high = prevalence(counts)
    assert totals.tolist() == [10, 0, 10]
    assert share.tolist() == [[0.3, 0.7], [0.0, 0.0], [0.5, 0.5]]
    assert low[0, 0] == pytest.approx(0.1078, abs=1e-4)
    assert high[0, 0] == pytest.approx(0.6032, abs=1e-4)
    assert (low[1] == 0).all() and (high[1] == 1).all()
    assert (low <= share).all() and (share <= high).all()


def test_chi_square_and_cramers_v_on_a_2x3_table() -> None:
    # Row totals 60, 50; column totals 30, 40, 40; n = 110. Expected = row * column / n:
    #   180/11 240/11 240/11 / 150/11 200/11 200/11.
    # chi2 = 4900/1980 + 400/2640 + 8100/2640 + 4900/1650 + 400/2200 + 8100/2200
    #      = 245/99 + 425/132 + 98/33 + 85/22 = 4961/396 = 12.52778
    # dof = (2-1)(3-1) = 2, so p = exp(-chi2/2); V = sqrt(chi2 / (110 * 1)).
    test = independence_test(np.array([[10, 20, 30], [20, 20, 10]]))
    assert test is not None
    assert test.chi2 == pytest.approx(4961 / 396, rel=1e-12)
    assert test.dof == 2
    assert test.p == pytest.approx(math.exp(-4961 / 792), rel=1e-9)
    assert test.cramers_v == pytest.approx(math.sqrt(4961 / 396 / 110), rel=1e-12)
    assert test.n == 110 and test.small_expected_cells == 0
    assert test.expected[0].tolist() == pytest.approx([180 / 11, 240 / 11, 240 / 11])


def test_chi_square_drops_empty_rows_and_columns_and_counts_small_cells() -> None:
    test = independence_test(np.array([[4, 0, 1], [0, 0, 0], [1, 0, 4]]))
    assert test is not None
    assert test.kept_rows.tolist() == [0, 2] and test.kept_columns.tolist() == [0, 2]
    assert test.dof == 1 and test.small_expected_cells == 4 and test.cells == 4
    # Without Yates' correction: (4 - 2.5)^2 / 2.5 * 4 = 3.6
    assert test.chi2 == pytest.approx(3.6)
    assert independence_test(np.array([[3, 4]])) is None  # one group: nothing to test
    assert independence_test(np.array([[3, 0], [4, 0]])) is None  # one theme with notes


def test_log_odds_with_the_pooled_prior_by_hand() -> None:
    # counts [[2, 0], [1, 3]]; prior alpha = column totals = [3, 3], a0 = 6.
    # Group 0, theme 0: y = 2, n = 2, rest y = 1, n = 4:
    #   delta = log((2+3)/(2+6-2-3)) - log((1+3)/(4+6-1-3)) = log(5/3) - log(4/6) = log(5/2)
    #   var = 1/(2+3) + 1/(1+3) = 0.45
    # Group 0, theme 1: y = 0, rest y = 3:
    #   delta = log(3/5) - log(6/4) = log(2/5); var = 1/3 + 1/6 = 0.5
    delta, z = log_odds_dirichlet(np.array([[2, 0], [1, 3]]))
    assert delta[0].tolist() == pytest.approx([math.log(5 / 2), math.log(2 / 5)])
    assert z[0].tolist() == pytest.approx(
        [math.log(5 / 2) / math.sqrt(0.45), math.log(2 / 5) / math.sqrt(0.5)]
    )
    # Two groups: group 1 against the rest mirrors group 0.
    assert delta[1].tolist() == pytest.approx([-math.log(5 / 2), -math.log(2 / 5)])
    assert rank_within_groups(z).tolist() == [[1, 2], [2, 1]]


def test_log_odds_with_a_uniform_prior_by_hand() -> None:
    # alpha = [1, 1], a0 = 2. Group 0, theme 0: log((2+1)/(2+2-2-1)) - log((1+1)/(4+2-1-1))
    # = log 3 - log(1/2) = log 6; var = 1/3 + 1/2.
    delta, z = log_odds_dirichlet(np.array([[2, 0], [1, 3]]), prior=np.array([1.0, 1.0]))
    assert delta[0, 0] == pytest.approx(math.log(6))
    assert z[0, 0] == pytest.approx(math.log(6) / math.sqrt(1 / 3 + 1 / 2))
    with pytest.raises(ValueError, match="shape"):
        log_odds_dirichlet(np.array([[2, 0], [1, 3]]), prior=np.array([1.0]))


def test_log_odds_finds_the_planted_theme_and_ignores_empty_ones() -> None:
    rng = np.random.default_rng(7)
    counts = rng.multinomial(300, [0.25, 0.25, 0.25, 0.25, 0.0], size=4)
    counts[2, 1] += 120  # group 2 talks much more about theme 1
    delta, z = log_odds_dirichlet(counts)
    assert int(np.argmax(z[2])) == 1 and z[2, 1] > 3
    assert (np.abs(z[[0, 1, 3], :]) < 3).all()
    assert (delta[:, 4] == 0).all() and (z[:, 4] == 0).all()  # nobody mentions theme 4
    assert stats.norm.sf(z[2, 1]) < 1e-3

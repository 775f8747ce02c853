"""Statistics on group x theme count tables: prevalence with Wilson intervals, distinctive
themes by weighted log-odds with an informative Dirichlet prior, and a chi-square test of
independence with Cramér's V.

Pure functions on numpy arrays; no database, no service imports. A count table has shape
``(g, t)``: one row per group (region, kind, ...), one column per theme, cells = notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "MIN_GROUP_NOTES",
    "MIN_EXPECTED",
    "Z95",
    "IndependenceTest",
    "independence_test",
    "log_odds_dirichlet",
    "prevalence",
    "rank_within_groups",
    "wilson_interval",
]

Z95 = float(stats.norm.ppf(0.975))  # 1.95996...
MIN_GROUP_NOTES = 30  # below this a group's shares are too uncertain to compare without a warning
MIN_EXPECTED = 5.0  # Cochran's rule of thumb for the chi-square approximation


def wilson_interval(
    count: np.ndarray | float, total: np.ndarray | float, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion ``count / total``.

    ``count`` and ``total`` broadcast together; returns ``(low, high)`` arrays of that shape.
    Where ``total`` is 0 nothing is known, so the interval is the whole ``[0, 1]``.
    Wilson rather than the normal (Wald) interval because shares of small regions are
    often 0 or near it, where Wald collapses to zero width.
    """
    k = np.asarray(count, dtype=float)
    n = np.asarray(total, dtype=float)
    safe_n = np.where(n > 0, n, 1.0)
    p = k / safe_n
    z2 = z * z
    denominator = 1.0 + z2 / safe_n
    centre = (p + z2 / (2.0 * safe_n)) / denominator
    half = z * np.sqrt(p * (1.0 - p) / safe_n + z2 / (4.0 * safe_n**2)) / denominator
    # At k = 0 and k = n the bounds are exactly 0 and 1; rounding must not move them.
    low = np.where((n > 0) & (k > 0), np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where((n > 0) & (k < n), np.clip(centre + half, 0.0, 1.0), 1.0)
    return low, high


def prevalence(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Share of each group's notes in each theme, with 95% Wilson intervals.

    ``counts`` (g, t) -> ``(totals (g,), share (g, t), low (g, t), high (g, t))``;
    a group with no notes has share 0 and interval [0, 1].
    """
    table = np.asarray(counts, dtype=float)
    totals = table.sum(axis=1)
    safe = np.where(totals > 0, totals, 1.0)[:, None]
    share = np.where(totals[:, None] > 0, table / safe, 0.0)
    low, high = wilson_interval(table, totals[:, None])
    return totals, share, low, high


def log_odds_dirichlet(
    counts: np.ndarray, prior: np.ndarray | None = None, prior_scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted log-odds ratio of each theme in each group against all other groups,
    with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words").

    ``counts`` (g, t). ``prior`` (t,) are the Dirichlet pseudo-counts alpha_t; by default
    the pooled column totals times ``prior_scale`` — the whole table is the background
    the groups are compared against, so a theme nobody mentions cannot look distinctive.

    For group i and theme w, with y the counts, n the row total, a0 = sum(alpha) and
    "rest" the sum over all other groups:
        delta = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w))
              - log((y_rw + a_w) / (n_r + a0 - y_rw - a_w))
        var   = 1 / (y_iw + a_w) + 1 / (y_rw + a_w)
        z     = delta / sqrt(var)
    Returns ``(delta (g, t), z (g, t))``; themes whose prior is 0 (no notes anywhere)
    get delta = z = 0.
    """
    y = np.asarray(counts, dtype=float)
    alpha = y.sum(axis=0) * prior_scale if prior is None else np.asarray(prior, dtype=float)
    if alpha.shape != (y.shape[1],):
        raise ValueError(f"prior must have shape ({y.shape[1]},), not {alpha.shape}")
    a0 = alpha.sum()
    n = y.sum(axis=1, keepdims=True)
    rest = y.sum(axis=0, keepdims=True) - y
    n_rest = n.sum() - n
    usable = np.broadcast_to(alpha > 0, y.shape)
    a = np.where(alpha > 0, alpha, 1.0)  # placeholder where unusable; masked out below
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.log((y + a) / (n + a0 - y - a))
        other = np.log((rest + a) / (n_rest + a0 - rest - a))
        delta = own - other
        z = delta / np.sqrt(1.0 / (y + a) + 1.0 / (rest + a))
    finite = usable & np.isfinite(delta) & np.isfinite(z)
    return np.where(finite, delta, 0.0), np.where(finite, z, 0.0)


def rank_within_groups(scores: np.ndarray) -> np.ndarray:
    """Rank (1 = highest score) of each theme within its group; ``scores`` (g, t) -> (g, t).

    Ties keep column order, so the ranking is deterministic.
    """
    order = np.argsort(-np.asarray(scores, dtype=float), axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(order.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, order.shape[1] + 1)[None, :]
    return ranks


@dataclass(frozen=True)
class IndependenceTest:
    """Pearson chi-square test of independence of group and theme."""

    chi2: float
    dof: int
    p: float
    cramers_v: float
    n: int
    expected: np.ndarray  # (g', t') after empty rows and columns are dropped
    kept_rows: np.ndarray  # (g',) indices into the input rows
    kept_columns: np.ndarray  # (t',) indices into the input columns

    @property
    def small_expected_cells(self) -> int:
        return int((self.expected < MIN_EXPECTED).sum())

    @property
    def cells(self) -> int:
        return int(self.expected.size)


def independence_test(counts: np.ndarray) -> IndependenceTest | None:
    """Chi-square test of independence (no continuity correction) and Cramér's V.

    Empty rows and columns carry no information and would make expected counts 0, so
    they are dropped first. Returns None when fewer than 2 rows or 2 columns remain.
    V = sqrt(chi2 / (n * (min(rows, columns) - 1))).
    """
    table = np.asarray(counts, dtype=float)
    kept_rows = np.flatnonzero(table.sum(axis=1) > 0)
    kept_columns = np.flatnonzero(table.sum(axis=0) > 0)
    if len(kept_rows) < 2 or len(kept_columns) < 2:
        return None
    reduced = table[np.ix_(kept_rows, kept_columns)]
    # Yates' correction would only apply to 2x2 tables and biases V; keep plain Pearson.
    chi2, p, dof, expected = stats.chi2_contingency(reduced, correction=False)
    n = float(reduced.sum())
    k = min(reduced.shape) - 1
    return IndependenceTest(
        chi2=float(chi2),
        dof=int(dof),
        p=float(p),
        cramers_v=float(np.sqrt(chi2 / (n * k))),
        n=int(n),
        expected=np.asarray(expected),
        kept_rows=kept_rows,
        kept_columns=kept_columns,
    )

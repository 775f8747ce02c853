"""Where a theme's name goes on the map: on its densest part, not at the mean of its notes.

A merged theme whose notes lie in two clusters has its mean in the empty space between
them; a label there names nothing. Each theme's notes are binned on a grid over the
whole map, the bin counts are smoothed over the 3 x 3 neighbourhood, and the label sits
at the mean of the notes in and around the densest bin. Pure numpy, O(notes).
"""

from __future__ import annotations

import numpy as np

__all__ = ["GRID", "label_positions"]

GRID = 24  # bins per axis: a cluster spans several bins at any map size


def _bins(values: np.ndarray, low: float, high: float) -> np.ndarray:
    span = (high - low) or 1.0
    return np.clip(((values - low) / span * GRID).astype(int), 0, GRID - 1)


def label_positions(
    x: np.ndarray, y: np.ndarray, themes: np.ndarray
) -> dict[int, tuple[float, float]]:
    """Theme key -> (x, y) for its label; ``x``, ``y``, ``themes`` have shape (n,), themes
    negative for unassigned notes (which get no label)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    themes = np.asarray(themes)
    if x.size == 0:
        return {}
    bx = _bins(x, float(x.min()), float(x.max()))
    by = _bins(y, float(y.min()), float(y.max()))
    positions: dict[int, tuple[float, float]] = {}
    for key in np.unique(themes[themes >= 0]):
        mine = themes == key
        grid = np.zeros((GRID + 2, GRID + 2))
        np.add.at(grid, (bx[mine] + 1, by[mine] + 1), 1.0)
        smooth = sum(
            grid[1 + dx : GRID + 1 + dx, 1 + dy : GRID + 1 + dy]
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
        )
        assert isinstance(smooth, np.ndarray)
        peak = np.argwhere(smooth == smooth.max())
        # Ties (a theme spread evenly): the peak bin nearest the theme's own centre.
        centre = np.array([bx[mine].mean(), by[mine].mean()])
        i, j = peak[np.argmin(((peak - centre) ** 2).sum(axis=1))]
        near = mine & (np.abs(bx - i) <= 1) & (np.abs(by - j) <= 1)
        positions[int(key)] = (float(x[near].mean()), float(y[near].mean()))
    return positions

"""Theme labels on the map sit on the theme's densest part."""

from __future__ import annotations

import numpy as np

from service.analysis.map_layout import label_positions


def test_a_merged_theme_is_labelled_on_its_larger_cluster_not_between() -> None:
    rng = np.random.default_rng(0)
    big = rng.normal((0.0, 0.0), 0.3, size=(60, 2))
    small = rng.normal((10.0, 0.0), 0.3, size=(40, 2))
    other = rng.normal((5.0, 6.0), 0.3, size=(50, 2))
    points = np.vstack([big, small, other])
    themes = np.array([1] * 100 + [2] * 50)
    positions = label_positions(points[:, 0], points[:, 1], themes)
    x, y = positions[1]
    assert abs(x) < 1.0 and abs(y) < 1.0  # on the big cluster; the mean is near x = 4
    assert np.hypot(*(np.array(positions[2]) - (5.0, 6.0))) < 1.0


def test_unassigned_notes_get_no_label_and_empty_maps_work() -> None:
    positions = label_positions(np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([-1, 3]))
    assert positions == {3: (1.0, 1.0)}
    assert label_positions(np.array([]), np.array([]), np.array([])) == {}

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


def test_the_map_view_holds_what_get_map_holds(client, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import database, sample_project
    from ui.map_data import frame_from_view
    from ui.note_frame import notes_frame

    with database(settings.resolved_database_url) as db:
        sample_project(db, "kartta")
    view = client.get("/projects/kartta/map-view")
    assert view.status_code == 200, view.text
    full = client.get("/projects/kartta/map", headers={"Accept-Encoding": "gzip"})
    assert full.headers["content-encoding"] == "gzip"  # compressed on the way
    compact, labels = frame_from_view(view.json())
    expected = notes_frame(full.json())
    assert compact.equals(expected)
    themes = {t["id"]: t for t in view.json()["themes"]}
    assert themes[1]["size"] == int((expected["theme"] == 1).sum()) == 4
    assert set(labels) == {1, 2, 3}
    assert len(view.content) < len(full.content)
    assert client.get("/projects/ei-ole/map-view").status_code == 404

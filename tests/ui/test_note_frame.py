"""The map's table, filters, search and selection reading, on small hand-made maps."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ui import charts
from ui.note_frame import MapFilters, MapSelection, notes_frame, read_selection, search_mask


def _map(n: int = 6) -> dict[str, object]:
    regions = ["Kainuu", "Lappi", "Kainuu", "Lappi", "Kainuu", "Lappi"]
    return {
        "run_id": 1,
        "notes": [
            {
                "id": 10 + i,
                "x": float(i),
                "y": float(-i),
                "theme": (i % 3) if i < 5 else None,
                "theme_name": f"teema {i % 3}" if i < 5 else None,
                "text": [
                    "Osaaminen ja työ",
                    "Nuoret lähtevät",
                    "OSAAMISEN kehittäminen",
                    "Liikenne",
                    "Työvoima puuttuu",
                    "Kulttuuri",
                ][i],
                "region": regions[i],
                "document": f"d{i % 2}.txt",
                "group": None,
                "kind": "workshop" if i % 2 else "other",
                "date": ["2017-11-01", None, "2018-02-01", "2019-05-05", None, "2017-01-01"][i],
            }
            for i in range(n)
        ],
    }


def test_notes_frame_types_and_unassigned() -> None:
    frame = notes_frame(_map())
    assert frame["theme"].tolist() == [0, 1, 2, 0, 1, -1]
    assert frame["date"].iloc[0] == dt.date(2017, 11, 1) and frame["date"].iloc[1] is None
    assert notes_frame({"notes": []}).empty


def test_filters_combine_and_dates_drop_undated() -> None:
    frame = notes_frame(_map())
    assert MapFilters().mask(frame).all()
    assert frame[MapFilters(regions=["Kainuu"]).mask(frame)]["id"].tolist() == [10, 12, 14]
    both = MapFilters(regions=["Kainuu"], kinds=["other"]).mask(frame)
    assert frame[both]["id"].tolist() == [10, 12, 14]
    dated = MapFilters(date_from=dt.date(2017, 6, 1), date_to=dt.date(2018, 12, 31)).mask(frame)
    assert frame[dated]["id"].tolist() == [10, 12]


def test_search_is_case_insensitive_and_needs_every_word() -> None:
    frame = notes_frame(_map())
    assert search_mask(frame, "  ") is None
    hits = search_mask(frame, "osaami")
    assert hits is not None and frame[hits]["id"].tolist() == [10, 12]
    both = search_mask(frame, "osaami työ")
    assert both is not None and frame[both]["id"].tolist() == [10]


def test_selection_click_on_theme_marker_or_note_lasso_and_box() -> None:
    frame = notes_frame(_map())
    assert read_selection(None, frame).empty
    marker = {"points": [{"customdata": ["theme:2", "teema 2", 1]}], "box": [], "lasso": []}
    assert read_selection(marker, frame) == MapSelection(theme=2)
    click = {"points": [{"customdata": [11, "teema 1"]}], "box": [], "lasso": []}
    assert read_selection(click, frame) == MapSelection(theme=1)
    unassigned_click = {"points": [{"customdata": [15, None]}], "box": [], "lasso": []}
    assert read_selection(unassigned_click, frame) == MapSelection(note_ids=(15,))
    lasso = {
        "points": [
            {"customdata": [11]},
            {"customdata": [12]},
            {"customdata": [11]},
            {"customdata": ["theme:1"]},
        ],
        "box": [],
        "lasso": [{"x": [0, 1, 1], "y": [0, 0, 1]}],
    }
    assert read_selection(lasso, frame) == MapSelection(note_ids=(11, 12))
    one_in_box = {
        "points": [{"customdata": [11]}],
        "box": [{"x": [0, 1], "y": [0, 1]}],
        "lasso": [],
    }
    assert read_selection(one_in_box, frame) == MapSelection(note_ids=(11,))


def test_map_figure_draws_filtered_notes_and_highlights_hits() -> None:
    frame = notes_frame(_map())
    labels = {"unassigned": "Kohdistamaton", "matches": "Osumat", "legend": "Teemat"}
    visible = MapFilters(regions=["Kainuu"]).mask(frame)
    figure = charts.note_map_figure(frame, visible, search_mask(frame, "osaami"), labels)
    notes = [tr for tr in figure.data if tr.meta == charts.NOTES_TRACE]
    assert all(tr.type == "scatter" for tr in notes)  # SVG: few notes draw faster than WebGL
    hits = next(tr for tr in notes if tr.name == "Osumat")
    assert sorted(int(row[0]) for row in hits.customdata) == [10, 12]
    assert sum(len(tr.x) for tr in notes if tr.name != "Osumat") == 3
    assert figure.layout.xaxis.range == pytest.approx((-0.5, 5.5))  # all notes, not the filtered
    assert len(figure.layout.annotations) == 3  # one name per theme
    assert "&lt;b&gt;" in charts.hover_text("<b>lihava</b>")


def test_map_figure_of_5000_notes_is_svg_and_compact() -> None:
    # What keeps a map of 5,000 notes quick: SVG traces (WebGL's start-up costs more at this
    # size), one trace per theme rather than per note, and a bounded number of labels (the
    # browser bench, evaluation.bench.map_view, measures the time).
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": np.arange(5000),
            "x": rng.normal(size=5000),
            "y": rng.normal(size=5000),
            "theme": rng.integers(-1, 60, size=5000),
            "text": ["sana " * 40] * 5000,
            "region": "Kainuu",
            "document": "d.txt",
            "group": None,
            "kind": "workshop",
            "date": None,
        }
    )
    frame["theme_name"] = [f"teema {k}" if k >= 0 else None for k in frame["theme"]]
    labels = {"unassigned": "K", "matches": "O", "legend": "T"}
    figure = charts.note_map_figure(frame, pd.Series(True, index=frame.index), None, labels)
    # one trace per theme (60), for the unassigned and for search hits: not one per note
    assert len(figure.data) <= 60 + 2, len(figure.data)
    assert sum(len(tr.x) for tr in figure.data if tr.x is not None) >= 5000
    assert all(tr.type == "scatter" for tr in figure.data)  # 5,000 notes: SVG
    assert 0 < len(figure.layout.annotations) <= charts.MAX_MAP_LABELS


def test_theme_names_that_would_overlap_are_left_out_and_edges_grow_inwards() -> None:
    notes = pd.DataFrame({"x": [0.0, 10.0], "y": [0.0, 10.0]})
    centres = pd.DataFrame(
        {
            "x": [5.0, 5.1, 5.0, 0.0, 10.0],
            "y": [5.0, 5.1, 8.0, 2.0, 2.0],
            "name": [
                "iso teema",
                "pieni päällä",
                "ylempänä",
                "vasemman reunan pitkä nimi",
                "oikean reunan pitkä nimi",
            ],
            "size": [50, 10, 20, 5, 5],
        },
        index=[1, 2, 3, 4, 5],
    )
    placed = {key: anchor for key, _row, anchor in charts.placed_labels(centres, notes)}
    assert placed == {1: "center", 3: "center", 4: "left", 5: "right"}  # 2 would cover 1


def test_a_map_of_many_notes_is_drawn_with_webgl() -> None:
    many = charts.SVG_MAX_NOTES + 1
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "id": np.arange(many),
            "x": rng.normal(size=many),
            "y": rng.normal(size=many),
            "theme": rng.integers(-1, 5, size=many),
            "text": "sana",
            "region": "Kainuu",
            "document": "d.txt",
            "group": None,
        }
    )
    frame["theme_name"] = [f"teema {k}" if k >= 0 else None for k in frame["theme"]]
    labels = {"unassigned": "K", "matches": "O", "legend": "T"}
    figure = charts.note_map_figure(frame, pd.Series(True, index=frame.index), None, labels)
    notes = [tr for tr in figure.data if tr.meta == charts.NOTES_TRACE]
    assert notes and all(tr.type == "scattergl" for tr in notes)
    assert sum(len(tr.x) for tr in notes) == many

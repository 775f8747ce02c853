"""Figures built from plain tables: the tree, the heatmap, distinctive themes, the timeline."""

from __future__ import annotations

import pandas as pd
import pytest

from ui import charts, compare_charts

LABELS = {"share": "Osuus", "region": "Alue", "theme": "Teema", "log_odds": "Log", "period": "J"}


def _leaf(key: int, size: int) -> dict[str, object]:
    return {"name": f"t{key}", "theme": key, "size": size}


def test_flatten_tree_hoists_levels_named_like_their_parent() -> None:
    tree = {
        "name": "a",
        "size": 6,
        "children": [
            {
                "name": "a",
                "size": 4,
                "children": [
                    {"name": "a", "size": 3, "children": [_leaf(1, 2), _leaf(2, 1)]},
                    _leaf(3, 1),
                ],
            },
            {"name": "b", "size": 2, "children": [_leaf(4, 1), _leaf(5, 1)]},
        ],
    }
    flat = charts.flatten_tree(tree)
    assert [c["name"] for c in flat["children"]] == ["t1", "t2", "t3", "b"]
    assert [c["theme"] for c in flat["children"][-1]["children"]] == [4, 5]
    figure = charts.tree_figure(tree, {1: "Uusi nimi"})
    treemap = figure.data[0]
    assert list(treemap.labels) == [
        "a",
        "Uusi nimi (#1)",
        "t2 (#2)",
        "t3 (#3)",
        "b",
        "t4 (#4)",
        "t5 (#5)",
    ]
    colors = charts.theme_colors([1, 2, 3, 4, 5])
    assert treemap.marker.colors[1] == colors[1] and treemap.marker.colors[4] == "#eceff3"
    assert list(treemap.values) == [6, 2, 1, 1, 2, 1, 1]  # parents hold their children


def test_heatmap_keeps_full_names_for_hover_and_shortens_axis_labels() -> None:
    long_name = "osaaminen, työvoima, koulutus, yritykset ja muut"
    shares = pd.DataFrame({long_name: [0.5, 0.1], "b": [0.5, 0.9]}, index=["Kainuu", "Lappi"])
    heatmap = compare_charts.heatmap_figure(shares, LABELS).data[0]
    assert heatmap.x[0].endswith("…") and len(heatmap.x[0]) == 32
    assert heatmap.customdata[0][0] == long_name
    assert list(heatmap.y) == ["Kainuu", "Lappi"]


def test_distinctive_bars_carry_asymmetric_intervals() -> None:
    rows = pd.DataFrame(
        {
            "theme_name": ["a", "b"],
            "log_odds": [1.0, 0.4],
            "low": [0.5, -0.1],
            "high": [1.8, 0.9],
            "z": [3.0, 1.2],
        }
    )
    bar = compare_charts.distinctive_figure(rows, LABELS).data[0]
    assert list(bar.y) == ["b  (z = 1.2)", "a  (z = 3.0)"]  # most distinctive on top
    assert list(bar.error_x.array) == pytest.approx([0.5, 0.8])
    assert list(bar.error_x.arrayminus) == pytest.approx([0.5, 0.5])


def test_timeline_breaks_lines_across_missing_periods_and_uses_the_map_colours() -> None:
    shares = pd.DataFrame(
        {
            "period": ["2017-Q4", "2018-Q1", "2022-Q2", "2017-Q4"],
            "theme": [7, 7, 7, 3],
            "theme_name": ["a", "a", "a", "b"],
            "share": [0.2, 0.3, 0.4, 0.1],
            "low": [0.1, 0.2, 0.2, 0.0],
            "high": [0.3, 0.4, 0.6, 0.3],
        }
    )
    colors = charts.theme_colors([3, 7, 9])  # as the map colours every theme of the run
    figure = compare_charts.timeline_figure(shares, LABELS, colors, separators=", ")
    assert [trace.name for trace in figure.data] == ["a", "b"]  # largest first
    a = figure.data[0]
    # 2018-Q1 and 2022-Q2 are 17 quarters apart: an empty point breaks the line there.
    assert list(a.x) == ["2017-10-01", "2018-01-01", "2022-04-01", "2022-04-01"]
    assert [None if pd.isna(y) else round(y, 6) for y in a.y] == [20.0, 30.0, None, 40.0]
    assert a.connectgaps is False
    assert a.line.color == colors[7] and figure.data[1].line.color == colors[3]
    assert figure.layout.separators == ", " and figure.layout.yaxis.ticksuffix == " %"


def test_map_hover_carries_names_once_and_escapes_user_text() -> None:
    notes = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "x": [0.0, 1.0, 2.0],
            "y": [0.0, 1.0, 0.5],
            "theme": [4, 4, -1],
            "theme_name": ["<i>Teema</i>", "<i>Teema</i>", None],
            "text": ["a", "b", "c"],
            "region": ["<b>Kainuu</b>", "Lappi", "Lappi"],
            "document": ["d.txt", "d.txt", "e.txt"],
            "group": [None, "Ryhmä 1", None],
            "kind": ["workshop"] * 3,
            "date": [None] * 3,
        }
    )
    labels = {"unassigned": "Kohdistamaton", "matches": "Osumat", "legend": "Teemat"}
    figure = charts.note_map_figure(notes, pd.Series(True, index=notes.index), None, labels)
    theme = next(t for t in figure.data if t.name == "&lt;i&gt;Teema&lt;/i&gt; (2)")
    assert theme.hovertemplate.startswith("<b>&lt;i&gt;Teema&lt;/i&gt;</b><br>")
    assert [list(row) for row in theme.customdata] == [
        [1, "a", "&lt;b&gt;Kainuu&lt;/b&gt; · d.txt · –"],
        [2, "b", "Lappi · d.txt · Ryhmä 1"],
    ]


def test_actor_chart_links_actors_to_themes_in_the_map_colours() -> None:
    from ui.overview_charts import actor_network_figure, needs_figure

    actors = [
        {
            "name": "Sitra",
            "kind": "organisation",
            "notes": 4,
            "themes": [{"theme_id": 3, "theme_name": "Osaaminen", "notes": 4}],
        },
        {
            "name": "<b>Kainuu</b>",
            "kind": "place",
            "notes": 1,
            "themes": [
                {"theme_id": 3, "theme_name": "Osaaminen", "notes": 1},
                {"theme_id": 5, "theme_name": "Liikenne", "notes": 1},
            ],
        },
    ]
    colors = {3: "#111111", 5: "#222222"}
    labels = {"actor_organisation": "organisaatio", "actor_place": "paikka", "themes": "Teemat"}
    figure = actor_network_figure(actors, labels, colors)
    links = [t for t in figure.data if t.mode == "lines"]
    assert len(links) == 3 and links[0].line.color == "#111111" and links[0].line.width == 8
    assert links[1].line.width == 1 + 7 / 4
    places = next(t for t in figure.data if t.name == "paikka")
    assert list(places.text) == ["&lt;b&gt;Kainuu&lt;/b&gt;"]
    themes = next(t for t in figure.data if t.name == "Teemat")
    assert list(themes.marker.color) == ["#111111", "#222222"]  # most notes first

    rows = pd.DataFrame(
        {
            "theme_name": ["a"],
            "need_share": [0.4],
            "need_low": [0.3],
            "need_high": [0.5],
            "project_share": [0.0],
            "project_low": [0.0],
            "project_high": [0.1],
        }
    )
    bars = needs_figure(rows, {"workshops": "W", "projects": "P", "share": "S"}, ", ").data
    assert [b.name for b in bars] == ["W", "P"] and list(bars[0].x) == [40.0]

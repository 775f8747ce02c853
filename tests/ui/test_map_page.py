"""The theme map page against the real API: every note at its stored position, filters,
search highlight, a theme's notes listed."""

from __future__ import annotations

import html

import httpx
import pytest

from tests.ui.conftest import open_app
from tests.ui.page_content import figure, numbers, points
from ui import charts, map_data
from ui.charts import LABELS_TRACE, NOTES_TRACE

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_map_draws_every_note_and_lists_a_theme(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    note_map = api.get(f"/projects/{themed_project}/map").json()["notes"]
    themes = api.get(f"/projects/{themed_project}/themes").json()
    at = open_app(api_url, api_token, themed_project, "views/theme_map.py")
    drawn = figure(at)
    note_traces = [d for d in drawn["data"] if d.get("meta") == NOTES_TRACE]
    assert sum(points(d) for d in note_traces) == len(note_map)
    drawn_ids = {row[0] for d in note_traces for row in d["customdata"]}
    assert drawn_ids == {n["id"] for n in note_map}
    # each note at its stored position, in its theme's trace
    by_id = {n["id"]: n for n in note_map}
    for trace in note_traces:
        for note_id, x, y, row in zip(
            [r[0] for r in trace["customdata"]],
            numbers(trace["x"]),
            numbers(trace["y"]),
            trace["customdata"],
            strict=True,
        ):
            assert (x, y) == pytest.approx((by_id[note_id]["x"], by_id[note_id]["y"]))
            # The theme's name is in the trace's hover template, once, not in every point.
            name = by_id[note_id]["theme_name"] or "Kohdistamaton"
            assert trace["hovertemplate"].startswith(f"<b>{html.escape(name)}</b>")
            assert row[2].startswith(html.escape(by_id[note_id]["region"]))
    named = [a["text"] for a in drawn["layout"]["annotations"]]
    assert named and len(named) <= 30
    assert f"<b>{themes['themes'][0]['name']}</b>" in named  # the largest theme is named
    # Each theme's marker sits on its densest part, as the service placed it.
    view = api.get(f"/projects/{themed_project}/map-view").json()
    markers = next(d for d in drawn["data"] if d.get("meta") == LABELS_TRACE)
    placed = {
        int(c[0].split(":")[1]): (x, y)
        for c, x, y in zip(
            markers["customdata"], numbers(markers["x"]), numbers(markers["y"]), strict=True
        )
    }
    assert placed == {
        t["id"]: pytest.approx((t["label_x"], t["label_y"])) for t in view["themes"] if t["size"]
    }

    biggest = themes["themes"][0]
    at.selectbox(key="map_pick_theme-fi").set_value(biggest["id"]).run()
    listed = at.dataframe[0].value
    assert len(listed) == biggest["size"]
    assert set(listed["id"]) == {n["id"] for n in note_map if n["theme"] == biggest["id"]}


def test_map_filters_and_search_highlight(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    note_map = api.get(f"/projects/{themed_project}/map").json()["notes"]
    at = open_app(api_url, api_token, themed_project, "views/theme_map.py")
    at.multiselect(key="map_regions").set_value(["Pohjois-Savo"]).run()
    shown = sum(points(d) for d in figure(at)["data"] if d.get("meta") == NOTES_TRACE)
    assert shown == sum(n["region"] == "Pohjois-Savo" for n in note_map) > 0

    at.multiselect(key="map_regions").set_value([]).run()
    at.text_input(key="map_search").set_value("osaami").run()
    hits = [d for d in figure(at)["data"] if d.get("name") == "Hakuosumat"]
    expected = {n["id"] for n in note_map if "osaami" in n["text"].casefold()}
    assert expected and {row[0] for row in hits[0]["customdata"]} == expected
    assert f"{len(expected)} osumaa" in at.caption[0].value


def test_the_map_frame_comes_before_the_notes_are_read(
    api_url: str, api_token: str, themed_project: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On entering the page an empty map frame is sent first, so that the browser loads
    # Plotly's code while the notes are read; a rerun (a click, a filter) does not send it.
    read: list[str] = []
    empty_map, load = charts.empty_map, map_data.load
    monkeypatch.setattr(charts, "empty_map", lambda: read.append("frame") or empty_map())
    monkeypatch.setattr(map_data, "load", lambda *a: read.append("notes") or load(*a))
    at = open_app(api_url, api_token, themed_project, "views/theme_map.py")
    assert read == ["frame", "notes"]
    assert len(at.get("plotly_chart")) == 1  # the frame became the map
    at.run()
    assert read == ["frame", "notes", "notes"]

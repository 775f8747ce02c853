"""The theme table and the theme page against the real API; every edit made in a page is
checked in the API afterwards, and in a fresh session after a new run."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.ui.conftest import open_app
from tests.ui.page_content import errors, figure
from ui.views.themes import name_column_width

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_theme_table_shows_sizes_region_shares_keywords_and_examples(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    themes = api.get(f"/projects/{themed_project}/themes").json()["themes"]
    at = open_app(api_url, api_token, themed_project, "views/themes.py")
    table = at.dataframe[0].value
    assert list(table["id"]) == [th["id"] for th in themes]
    assert list(table["Koko"]) == [th["size"] for th in themes]
    # Shares in whole per cents ("23 %"), never Streamlit's English "22.92%".
    region = "Alue: Pohjois-Savo"
    assert table[region].tolist() == [
        round(100 * th["region_share"].get("Pohjois-Savo", 0)) for th in themes
    ]
    assert table["Osuus"].tolist() == [round(100 * th["share"]) for th in themes]
    assert table["Avainsanat"].iloc[0].startswith(themes[0]["keywords"][0])
    assert table["Esimerkki 1"].iloc[0] == themes[0]["representatives"][0]["text"]


def test_the_name_column_is_as_wide_as_the_longest_name_within_bounds() -> None:
    """Seen in the sample project: "Osaamistarpeiden ennakointi ja osallistumisen tapa"
    was cut at "... ja t" by a fixed medium (200 px) column."""
    long = "Osaamistarpeiden ennakointi ja osallistumisen tapa"
    assert name_column_width(["Terveys", long]) >= 7 * len(long)
    assert name_column_width(["Terveys", "Johtaminen"]) == 200  # never narrower than medium
    assert name_column_width(["x" * 300]) == 400  # a long name wraps in no table: cut at large


def test_merge_from_the_table_page_persists(
    api_url: str,
    api_token: str,
    api: httpx.Client,
    new_themed_project: Callable[[str], str],
) -> None:
    project = new_themed_project("yhdista")
    before = api.get(f"/projects/{project}/themes").json()["themes"]
    first, second = before[0]["id"], before[1]["id"]
    at = open_app(api_url, api_token, project, "views/themes.py")
    at.multiselect[0].set_value([first, second])
    next(w for w in at.text_input if w.label == "Uusi nimi (vapaaehtoinen)").set_value(
        "Yhdistetty teema"
    )
    next(b for b in at.button if b.label == "Yhdistä").click().run()
    assert not at.exception and not errors(at), errors(at)
    after = api.get(f"/projects/{project}/themes").json()["themes"]
    assert len(after) == len(before) - 1
    merged = next(th for th in after if th["id"] == first)
    assert merged["name"] == "Yhdistetty teema"
    assert merged["size"] == before[0]["size"] + before[1]["size"]
    assert "Yhdistetty teema" in list(at.dataframe[0].value["Teema"])  # shown at once


def test_theme_page_edits_are_saved_shown_and_survive_reload_and_new_run(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("muokkaus")
    themes = api.get(f"/projects/{project}/themes").json()["themes"]
    target, other = themes[0]["id"], themes[1]["id"]
    at = open_app(api_url, api_token, project)
    at.session_state["theme_request"] = target
    at.switch_page("views/theme_detail.py").run()
    detail = api.get(f"/projects/{project}/themes/{target}").json()
    assert at.header[0].value == detail["name"]
    assert len(at.dataframe[0].value) == len(detail["notes"])
    # the keyword chart writes its axis numbers the Finnish way (0,1 not 0.1)
    assert figure(at)["layout"]["separators"] == ", "

    # rename
    next(w for w in at.text_input if w.label == "Uusi nimi").set_value("Osaajat ja työ")
    next(b for b in at.button if b.label == "Tallenna nimi").click().run()
    assert at.header[0].value == "Osaajat ja työ"
    assert api.get(f"/projects/{project}/themes/{target}").json()["name"] == "Osaajat ja työ"

    # move two notes to another theme, then mark one unassigned
    moved = [n["id"] for n in detail["notes"][:2]]
    at.multiselect[0].set_value(moved)
    next(s for s in at.selectbox if s.label == "Siirrä teemaan").set_value(other)
    at.run()  # a choice reruns the page, which then offers "Move 2 notes"
    next(b for b in at.button if b.label.startswith("Siirrä 2")).click().run()
    assert not errors(at), errors(at)
    moved_to = {n["id"]: n for n in api.get(f"/projects/{project}/themes/{other}").json()["notes"]}
    assert set(moved) <= set(moved_to) and moved_to[moved[0]]["source"] == "human"
    assert len(at.dataframe[0].value) == len(detail["notes"]) - 2

    left = api.get(f"/projects/{project}/themes/{target}").json()["notes"]
    at.multiselect[0].set_value([left[0]["id"]]).run()
    next(b for b in at.button if b.label.startswith("Merkitse 1")).click().run()
    scores = api.get(f"/projects/{project}/notes/{left[0]['id']}/scores").json()
    assert scores["theme"] is None and scores["source"] == "human"

    # a fresh session (a reload) and a new run keep the name and the moves
    run = api.post(f"/projects/{project}/runs?wait=true", json={}).json()
    assert api.get(f"/jobs/{run['job_id']}").json()["state"] == "succeeded"
    reloaded = open_app(api_url, api_token, project, "views/themes.py")
    assert "Osaajat ja työ" in list(reloaded.dataframe[0].value["Teema"])
    map_now = {n["id"]: n for n in api.get(f"/projects/{project}/map").json()["notes"]}
    assert map_now[moved[0]]["theme"] == other and map_now[left[0]["id"]]["theme"] is None


def test_split_from_the_theme_page(
    api_url: str,
    api_token: str,
    api: httpx.Client,
    new_themed_project: Callable[[str], str],
) -> None:
    project = new_themed_project("jako")
    before = api.get(f"/projects/{project}/themes").json()["themes"]
    biggest = before[0]
    at = open_app(api_url, api_token, project)
    at.session_state["theme_request"] = biggest["id"]
    at.switch_page("views/theme_detail.py").run()
    at.number_input[0].set_value(2)
    next(b for b in at.button if b.label == "Jaa teema").click().run()
    assert not errors(at), errors(at)
    after = api.get(f"/projects/{project}/themes").json()["themes"]
    assert len(after) == len(before) + 1
    assert any("jaettiin 2 osaan" in s.value for s in at.success)

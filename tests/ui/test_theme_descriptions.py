"""Theme names and descriptions in the theme table and on the theme page, against the real
API: shown, readable (why each note is here, the next theme) and escaped."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.ui.conftest import open_app
from tests.ui.page_content import errors
from ui.safe_text import md as plain

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_theme_table_shows_names_and_descriptions(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    themes = api.get(f"/projects/{themed_project}/themes").json()["themes"]
    at = open_app(api_url, api_token, themed_project, "views/themes.py")
    table = at.dataframe[0].value
    assert list(table["Teema"]) == [th["name"] for th in themes]
    assert list(table["Kuvaus"]) == [th["description"] for th in themes]
    assert all(table["Kuvaus"])
    english = open_app(api_url, api_token, themed_project, "views/themes.py", lang="en")
    assert list(english.dataframe[0].value["Description"]) == list(table["Kuvaus"])


def test_theme_page_shows_the_description_and_why_each_note_is_here(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    theme = api.get(f"/projects/{themed_project}/themes").json()["themes"][0]
    detail = api.get(f"/projects/{themed_project}/themes/{theme['id']}").json()
    at = open_app(api_url, api_token, themed_project)
    at.session_state["theme_request"] = theme["id"]
    at.switch_page("views/theme_detail.py").run()
    assert not at.exception and not errors(at), errors(at)
    assert at.header[0].value == plain(detail["name"])
    assert f"> {plain(detail['description'])}" in [m.value for m in at.markdown]
    notes = at.dataframe[0].value
    why = {n["id"]: n["why"] for n in detail["notes"]}
    assert list(notes["Miksi tässä"]) == [", ".join(why[i]["keywords"]) for i in notes["id"]]
    assert any(notes["Miksi tässä"])  # the theme's keywords do appear in its notes
    for note_id, shown in zip(notes["id"], notes["Seuraavaksi lähin teema"], strict=True):
        assert shown.startswith(why[note_id]["next_theme_name"])
        assert shown.endswith(f"({why[note_id]['next_score']:.2f})")


def test_names_with_markup_are_shown_as_written(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("merkit")
    key = api.get(f"/projects/{project}/themes").json()["themes"][0]["id"]
    hostile = "**Lihava** [linkki](javascript:alert(1)) <b>x</b> :red[punainen] $x$"
    assert api.patch(f"/projects/{project}/themes/{key}", json={"name": hostile}).is_success
    at = open_app(api_url, api_token, project)
    at.session_state["theme_request"] = key
    at.switch_page("views/theme_detail.py").run()
    assert not at.exception and not errors(at), errors(at)
    header = at.header[0].value
    assert header == plain(hostile)
    # Every markup character is escaped, so Markdown shows the name as typed.
    for mark in "*[]<>:$":
        assert header.count(mark) == header.count("\\" + mark) == hostile.count(mark)
    place = next(m.value for m in at.markdown if m.value.startswith("Paikka teemapuussa"))
    assert f"**{plain(hostile)}**" in place

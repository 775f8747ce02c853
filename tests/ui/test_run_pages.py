"""Theme runs in the pages, against the real API: a run that would change edited themes
waits, shown as sentences with the choice to apply it or keep the current themes; an
upload with "run themes after upload" says what changed in words; the detail level."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.api.themes_helpers import KAINUU_WORKSHOP
from tests.ui.conftest import open_app
from tests.ui.page_content import errors, texts

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _start(api: httpx.Client, project: str, **body: object) -> dict:
    answer = api.post(f"/projects/{project}/runs?wait=true", json=body)
    job = api.get(f"/jobs/{answer.json()['job_id']}").json()
    assert job["state"] == "succeeded", job
    return dict(job["result"])


def _current_run(api: httpx.Client, project: str) -> int:
    return int(api.get(f"/projects/{project}/themes").json()["run"]["id"])


def _shown(at: AppTest) -> list[str]:
    return texts(at.text)


def test_a_waiting_draft_is_shown_in_words_and_applied_or_kept(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("luonnos")
    themes = api.get(f"/projects/{project}/themes").json()["themes"]
    theme = next(th for th in themes if th["region_share"].get("Pohjois-Savo", 0) > 0)
    assert api.patch(f"/projects/{project}/themes/{theme['id']}", json={"name": "Oma nimi"})
    regions = sorted({r for th in themes for r in th["region_share"]} - {"Pohjois-Savo"})
    draft = _start(api, project, regions=regions)
    assert draft["status"] == "draft"

    at = open_app(api_url, api_token, project, "views/projects.py")
    assert any(f"#{draft['run_id']} muuttaisi teemoja" in w for w in texts(at.warning))
    assert any(line.startswith("• Teema 'Oma nimi': ") for line in _shown(at)), _shown(at)
    assert not at.get("json")  # words, not JSON
    english = open_app(api_url, api_token, project, "views/projects.py", lang="en")
    assert any(line.startswith("• Theme 'Oma nimi': ") for line in _shown(english))
    runs_table = _runs_table(at)
    assert list(runs_table["Tila"])[:2] == ["odottaa", "käytössä"]

    next(b for b in at.button if b.label == "Ota muutokset käyttöön").click().run()
    assert not at.exception and not errors(at), errors(at)
    assert _current_run(api, project) == draft["run_id"]
    assert f"Teema-ajo #{draft['run_id']} otettiin käyttöön." in texts(at.success)

    preview = _start(api, project, preview=True)
    page = open_app(api_url, api_token, project, "views/themes.py")
    # A preview says so, unless it would also change edited themes: then it says that.
    why = (f"#{preview['run_id']} on esikatselu", f"#{preview['run_id']} muuttaisi teemoja")
    assert any(why[0] in w or why[1] in w for w in texts(page.warning)), texts(page.warning)
    next(b for b in page.button if b.label == "Pidä nykyiset teemat").click().run()
    assert not page.exception and not errors(page), errors(page)
    assert _current_run(api, project) == draft["run_id"]
    assert [r["status"] for r in api.get(f"/projects/{project}/runs").json()].count("draft") == 0


def test_upload_with_a_run_after_it_reports_the_edited_themes_in_words(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("jalkeen")
    keys = sorted(th["id"] for th in api.get(f"/projects/{project}/themes").json()["themes"])
    api.patch(f"/projects/{project}/themes/{keys[1]}", json={"name": "Hyvinvointi ja terveys"})
    assert len(keys) >= 4, keys  # one to rename, two others to merge
    merged = {"themes": [keys[-2], keys[-1]], "name": "Seutukaupungit ja työvoima"}
    assert api.post(f"/projects/{project}/themes/merge", json=merged).is_success

    at = open_app(api_url, api_token, project, "views/projects.py")
    at.file_uploader[0].set_value([("kainuu.txt", KAINUU_WORKSHOP.encode(), "text/plain")])
    at.text_input(key="upload_region").set_value("Kainuu")
    next(b for b in at.button if b.label == "Lataa").click().run()
    assert not at.exception and not errors(at), errors(at)
    lines = _shown(at)
    assert any(line.startswith("• Teema 'Seutukaupungit ja työvoima'") for line in lines), lines
    assert any(line.startswith("• Teema 'Hyvinvointi ja terveys'") for line in lines), lines
    assert not at.get("json")
    if any("muuttaisi teemoja" in w for w in texts(at.warning)):
        next(b for b in at.button if b.label == "Ota muutokset käyttöön").click().run()
    after = {th["name"]: th for th in api.get(f"/projects/{project}/themes").json()["themes"]}
    assert "Seutukaupungit ja työvoima" in after and "Hyvinvointi ja terveys" in after
    notes = api.get(f"/projects/{project}/map").json()["notes"]
    assert sum(n["region"] == "Kainuu" for n in notes) == 7
    assert all(n["source"] != "incremental" for n in notes)  # the run covers the new notes


def test_detail_level_from_the_themes_page(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("tarkkuus")
    before = len(api.get(f"/projects/{project}/themes").json()["themes"])
    at = open_app(api_url, api_token, project, "views/themes.py")
    assert at.select_slider[0].value == 0
    at.select_slider[0].set_value(-2)
    next(b for b in at.button if b.label == "Muuta tarkkuutta").click().run()
    assert not at.exception and not errors(at), errors(at)
    after = api.get(f"/projects/{project}/themes").json()
    assert after["run"]["detail"] == -2 and len(after["themes"]) == round(before / 2)
    assert f"Tarkkuus: karkeampi. Teemoja nyt {round(before / 2)}." in texts(at.success)
    assert at.select_slider[0].value == -2
    projects = open_app(api_url, api_token, project, "views/projects.py")
    assert list(_runs_table(projects)["Tarkkuus"])[:2] == ["karkeampi", "mallin valinta"]


def _runs_table(at: AppTest) -> pd.DataFrame:
    """The projects page's table of theme runs (the page shows other tables too)."""
    return next(df.value for df in at.dataframe if "Tarkkuus" in df.value.columns)

"""The overview pages against the real API: the comparison's sentences and time chart,
needs vs projects, actors, the codebook editor and document management."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pandas as pd
import pytest

from tests.ui.conftest import open_app
from tests.ui.page_content import errors, figure, texts
from ui import charts
from ui.views.codebook import from_frame, to_frame

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _markdown(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(texts(at.markdown)).replace("\\", "")


def test_compare_page_sentences_undated_warning_and_map_colours(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    compare = api.get(f"/projects/{themed_project}/compare").json()
    by_period = api.get(f"/projects/{themed_project}/compare?period=quarter").json()
    undated = next(w["notes"] for w in by_period["warnings"] if w["code"] == "undated")
    at = open_app(api_url, api_token, themed_project, "views/compare.py")
    assert not errors(at), errors(at)
    shown = _markdown(at).replace("\u00a0", " ")
    for group in compare["findings"]:
        for sentence in group["sentences"]["fi"]:
            assert sentence.replace("\u00a0", " ") in shown
    warnings = " ".join(w.value for w in at.warning)
    assert f"{undated} muistiinpanoa on dokumenteista ilman päivämäärää" in warnings
    metrics = {m.label: m for m in at.metric}
    assert metrics["χ²"].value == f"{compare['chi2']:.1f}".replace(".", ",")
    assert "Khiin neliö" in metrics["χ²"].proto.help and metrics["p"].proto.help
    # The time chart's themes have the colours the map gives them.
    notes = api.get(f"/projects/{themed_project}/map").json()["notes"]
    colors = charts.theme_colors([n["theme"] for n in notes if n["theme"] is not None])
    names = {n["theme_name"]: n["theme"] for n in notes if n["theme"] is not None}
    for trace in figure(at, 2)["data"]:
        key = next(k for name, k in names.items() if charts.short(name) == trace["name"])
        assert trace["line"]["color"] == colors[key]


def test_needs_page_matches_the_api(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    needs = api.get(f"/projects/{themed_project}/needs").json()["overall"]
    at = open_app(api_url, api_token, themed_project, "views/needs.py")
    assert not errors(at), errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Työpajamuistiinpanoja"] == str(needs["need_notes"])
    assert metrics["Aukot"] == str(len(needs["gaps"]))
    shown = _markdown(at).replace("\u00a0", " ")
    gaps = [r for r in needs["themes"] if r["status"] == "gap"]
    assert gaps and all(r["sentence"]["fi"].replace("\u00a0", " ") in shown for r in gaps)
    table = at.dataframe[0].value
    assert list(table["Teema"]) == [r["theme_name"] for r in needs["themes"]]
    bars = figure(at, 0)["data"]
    assert [b["name"] for b in bars] == ["Työpajat", "Hankekuvaukset"]


def test_actors_page_finds_the_names_on_the_first_visit(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("toimijat")
    at = open_app(api_url, api_token, project, "views/actors.py")
    assert not errors(at), errors(at)
    report = api.get(f"/projects/{project}/actors").json()
    assert report["pending"] == 0 and report["actors"]
    table = at.dataframe[0].value
    assert list(table["Toimija"]) == [a["name"] for a in report["actors"]]
    assert "Sitra" in list(table["Toimija"])
    # Found: the page no longer says it is still looking ("119 muistiinpanosta etsitään
    # vielä nimiä…" stood above "Toimijoiden etsintä — valmis" and the results).
    assert not any("etsitään vielä" in text for text in texts(at.caption))


def test_codebook_table_round_trip_and_problems() -> None:
    themes = [
        {"name": "Vetovoima", "description": "Houkuttelevuus", "examples": ["a", "b; c"]},
        {"name": "Työvoima", "description": "", "examples": []},
    ]
    frame = to_frame(themes)
    assert frame.loc[0, "examples"] == "a; b; c"
    back, problems = from_frame(frame)
    assert problems == [] and back[0]["examples"] == ["a", "b", "c"]
    edited = pd.concat(
        [
            frame,
            pd.DataFrame(
                [
                    {"name": "", "description": "ilman nimeä", "examples": ""},
                    {"name": " vetovoima ", "description": "", "examples": ""},
                    {"name": None, "description": None, "examples": None},
                ]
            ),
        ],
        ignore_index=True,
    )
    themes_out, problems = from_frame(edited)
    assert problems == ["Riviltä 3 puuttuu teeman nimi.", "Teema vetovoima on kahdesti."]
    assert len(themes_out) == 3  # the empty last row is dropped quietly


def test_codebook_page_starts_from_the_default_and_clears(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    at = open_app(api_url, api_token, themed_project, "views/codebook.py")
    assert "Projektilla ei ole koodikirjaa" in " ".join(texts(at.caption))
    next(b for b in at.button if b.label == "Aloita oletuskoodikirjasta").click().run()
    next(b for b in at.button if b.label == "Tallenna koodikirja").click().run()
    assert not errors(at), errors(at)
    stored = api.get(f"/projects/{themed_project}/codebook").json()
    assert stored == api.get("/codebooks/default").json()
    next(b for b in at.button if b.label == "Tyhjennä koodikirja").click().run()
    assert api.get(f"/projects/{themed_project}/codebook").json() == []


def test_documents_page_edits_and_deletes(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("dokumentit")
    documents = api.get(f"/projects/{project}/documents").json()
    at = open_app(api_url, api_token, project, "views/documents.py")
    assert len(at.dataframe[0].value) == len(documents)
    next(w for w in at.text_input if w.label == "Alue").set_value("Kainuu")
    next(b for b in at.button if b.label == "Tallenna muutokset").click().run()
    assert not errors(at), errors(at)
    assert api.get(f"/projects/{project}/documents").json()[0]["region"] == "Kainuu"
    # A transcript stays a transcript when another field is saved: the form offered three
    # kinds of four, showed a transcript as a workshop and saved it so.
    first = documents[0]["id"]
    patched = api.patch(f"/projects/{project}/documents/{first}", json={"kind": "transcript"})
    assert patched.is_success, patched.text
    at = open_app(api_url, api_token, project, "views/documents.py")
    assert next(w for w in at.selectbox if w.label == "Laji").value == "transcript"
    next(w for w in at.text_input if w.label == "Alue").set_value("Lappi")
    next(b for b in at.button if b.label == "Tallenna muutokset").click().run()
    assert not errors(at), errors(at)
    saved = api.get(f"/projects/{project}/documents").json()[0]
    assert (saved["region"], saved["kind"]) == ("Lappi", "transcript")
    at.checkbox(key=f"delete_sure_{documents[0]['id']}").check().run()
    at.button(key=f"delete_{documents[0]['id']}").click().run()
    left = api.get(f"/projects/{project}/documents").json()
    assert [d["id"] for d in left] == [d["id"] for d in documents[1:]]

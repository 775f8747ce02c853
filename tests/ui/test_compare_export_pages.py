"""The comparison and export pages against the real API."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd
import pytest

from tests.ui.conftest import open_app
from tests.ui.page_content import errors, figure, texts

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
FORMATS = Path(__file__).resolve().parents[1] / "pipeline" / "fixtures" / "formats"


def test_compare_page_heatmap_distinctive_warnings_and_time(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    compare = api.get(f"/projects/{themed_project}/compare").json()
    at = open_app(api_url, api_token, themed_project, "views/compare.py")
    assert not errors(at), errors(at)
    heatmap = figure(at, 0)["data"][0]
    assert heatmap["type"] == "heatmap"
    regions = sorted({r["group"] for r in compare["rows"]})
    assert [y.split(" (n=")[0] for y in heatmap["y"]] == regions
    small = [w["in_group_fi"] for w in compare["warnings"] if w["code"] == "small_group"]
    warning_text = " ".join(texts(at.warning))
    # "Etelä-Savossa on vain 16 muistiinpanoa", not "Alueella Etelä-Savo on vain ..."
    assert small and all(f"{where} on vain" in warning_text for where in small)
    bars = figure(at, 1)["data"][0]
    assert bars["type"] == "bar" and bars["error_x"]["type"] == "data"
    timeline = figure(at, 2)["data"]
    assert timeline and all(trace["type"] == "scatter" for trace in timeline)
    assert len(at.get("download_button")) >= 3


def test_export_csv_has_a_row_per_note(
    api_url: str, api_token: str, api: httpx.Client, themed_project: str
) -> None:
    notes = api.get(f"/projects/{themed_project}/map").json()["notes"]
    at = open_app(api_url, api_token, themed_project, "views/export.py")
    at.radio(key="export_format-fi").set_value("csv")
    at.button(key="export_prepare").click().run()
    assert not at.exception and not errors(at), errors(at)
    download = at.session_state["export_file"][1]
    frame = pd.read_csv(io.BytesIO(download.content))
    assert len(frame) == len(notes)
    assert {"note_id", "theme_name", "region", "text"} <= set(frame.columns)
    assert download.filename.endswith(".csv")
    assert len(at.dataframe[0].value) == min(20, len(notes))


def test_compare_page_by_speaker_role(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    vtt = FORMATS / "etatyo_teams.vtt"
    project = new_themed_project("roolit")
    uploaded = api.post(  # new notes join the current run's themes at once
        f"/projects/{project}/documents?wait=true",
        data={"region": "Kainuu"},
        files=[("files", (vtt.name, vtt.read_bytes()))],
    )
    assert uploaded.status_code == 201, uploaded.text
    at = open_app(api_url, api_token, project, "views/compare.py")
    at.selectbox(key="compare_by-fi").set_value("speaker_role").run()
    assert not errors(at), errors(at)
    heatmap = figure(at, 0)["data"][0]
    groups = {y.split(" (n=")[0] for y in heatmap["y"]}
    # The service's codes in the page's words, in the cards and the picker too.
    assert {"fasilitaattori", "osallistuja", "(ei tiedossa)"} <= groups
    assert "**osallistuja** · n =" in "\n".join(texts(at.markdown))
    assert "osallistuja" in at.selectbox(key="distinctive_region").options
    assert "Puhujan rooli × teemat" in [h.value for h in at.subheader]
    by_kind = at.selectbox(key="compare_by-fi").set_value("kind").run()
    kinds = {y.split(" (n=")[0] for y in figure(by_kind, 0)["data"][0]["y"]}
    assert {"työpaja", "litterointi"} <= kinds and not kinds & {"workshop", "transcript"}

"""The projects and upload page against the real API: create a project, upload several
files with progress to the end, rejected files, jobs started elsewhere."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from service.config import REPO_ROOT
from tests.ui.conftest import open_app
from tests.ui.page_content import errors, progress_bars, texts

CORPORA = REPO_ROOT / "corpora"
LEARNING_CAFE = CORPORA / "pohjois-savo_learning-cafe_2017.txt"
PUNOS = CORPORA / "etela-savo_punos-hanke.txt"

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_create_project_and_upload_several_files_with_progress(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    at = open_app(api_url, api_token)
    form_name = next(w for w in at.text_input if w.label == "Projektin nimi")
    form_name.set_value("lataus")
    next(b for b in at.button if b.label == "Luo projekti").click().run()
    assert api.get("/projects/lataus").status_code == 200
    assert at.session_state["project"] == "lataus"

    at.file_uploader[0].set_value(
        [
            (LEARNING_CAFE.name, LEARNING_CAFE.read_bytes(), "text/plain"),
            (PUNOS.name, PUNOS.read_bytes(), "text/plain"),
        ]
    )
    at.text_input(key="upload_region").set_value("Pohjois-Savo")
    at.text_input(key="upload_event").set_value("Learning Cafe")
    at.checkbox(key="upload_run_after").uncheck()
    next(b for b in at.button if b.label == "Lataa").click().run()

    assert not at.exception and not errors(at)
    # The progress bars made way for the result when the form was cleared (a rerun).
    assert any(text.startswith("Ladattu: ") for text in texts(at.success))
    assert any("Dokumentit käsitelty" in text for text in texts(at.success))
    documents = api.get("/projects/lataus/documents").json()
    assert sorted(d["filename"] for d in documents) == sorted([LEARNING_CAFE.name, PUNOS.name])
    assert {d["event"] for d in documents} == {"Learning Cafe"}
    listed = at.dataframe[-1].value
    assert set(listed["Tiedosto"]) == {LEARNING_CAFE.name, PUNOS.name}


def test_rejected_file_says_which_and_why_and_nothing_is_written(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    api.post("/projects", json={"name": "hylatty"})
    at = open_app(api_url, api_token, project="hylatty")
    at.file_uploader[0].set_value(
        [
            (LEARNING_CAFE.name, LEARNING_CAFE.read_bytes(), "text/plain"),
            ("tyhja.txt", b"   \n", "text/plain"),
        ]
    )
    at.text_input(key="upload_region").set_value("Kainuu")
    next(b for b in at.button if b.label == "Lataa").click().run()
    assert not at.exception
    [error] = errors(at)
    assert error.startswith("Palvelu ei hyväksynyt tiedostoa") and "tyhja.txt" in error
    assert api.get("/projects/hylatty/documents").json() == []


def test_bad_project_name_is_refused_in_finnish(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    at = open_app(api_url, api_token)
    next(w for w in at.text_input if w.label == "Projektin nimi").set_value("Iso Nimi!")
    next(b for b in at.button if b.label == "Luo projekti").click().run()
    assert any("pientä kirjainta" in e for e in errors(at))
    assert "Iso Nimi!" not in [p["name"] for p in api.get("/projects").json()]


def test_upload_runs_themes_and_follows_the_job(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    api.post("/projects", json={"name": "ajo"})
    at = open_app(api_url, api_token, project="ajo")
    at.file_uploader[0].set_value(
        [(path.name, path.read_bytes(), "text/plain") for path in sorted(CORPORA.glob("*.txt"))]
    )
    at.text_input(key="upload_region").set_value("Savo")
    next(b for b in at.button if b.label == "Lataa").click().run()
    assert not at.exception and not errors(at), errors(at)
    assert any("Dokumentit käsitelty" in text for text in texts(at.success))
    assert any("Teemat valmiina" in text for text in texts(at.success))
    runs = api.get("/projects/ajo/runs").json()
    assert len(runs) == 1


def test_a_job_started_elsewhere_is_followed_to_its_end(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("kesken")
    # Jobs run one at a time, so of three runs queued at once the last is surely unfinished
    # when the page opens a moment later.
    started = [api.post(f"/projects/{project}/runs", json={}) for _ in range(3)]
    assert all(answer.status_code == 202 for answer in started)
    at = open_app(api_url, api_token, project)
    assert not errors(at), errors(at)
    bars = progress_bars(at)
    assert bars and all(b.value == 100 for b in bars)
    assert any("Teemat valmiina" in text for text in texts(at.success))
    for answer in started:
        assert api.get(f"/jobs/{answer.json()['job_id']}").json()["state"] == "succeeded"

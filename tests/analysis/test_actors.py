"""Who is involved: organisations and places from spaCy's Finnish NER, normalised across
inflections, never persons; computed on demand, cached per note text, linked to themes,
regions and documents (API on SQLite and PostgreSQL, and the CLI)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from service.cli import app as cli_app
from service.config import Settings
from service.pipeline.entities import EntityRecognizer, merge_inflected, normalise
from service.storage.models import NoteEntities
from tests.factories import ThemeSpec, add_document, add_project, add_run, database

NOTES_SAVO = [
    "Sitran ja Pohjois-Savon liiton yhteistyö Kuopiossa jatkuu ensi vuonna.",
    "Sitralla on hyvä ohjelma alueiden osaamisen kehittämiseen.",
    "Matti Meikäläinen kertoi, että Iisalmen kaupunki palkkaa lisää hoitajia.",
    "[NIMI] puhui Savonia-ammattikorkeakoulun puolesta koulutuksesta.",
]
NOTES_LAPPI = ["Sitran rahoitus auttoi Lapissa.", "Kahvi loppui kesken."]


def test_names_are_normalised_through_lemmas() -> None:
    assert normalise([("Sitran", "sitra")]) == "Sitra"
    assert normalise([("Pohjois-Savon", "Pohjois-Savo"), ("liitolla", "liitto")]) == (
        "Pohjois-Savon liitto"
    )
    assert normalise([("opetus-", "opetus"), ("ja", "ja"), ("kulttuuriministeriön", "x")]) == (
        "opetus- ja x"
    )
    # spaCy splits "opetus-" from its hyphen; the text's own spacing puts it back.
    words = [("opetus", "opetus"), ("-", "-"), ("ja", "ja"), ("kulttuuriministeriön", "x")]
    assert normalise(words, [False, True, True, False]) == "opetus- ja x"
    assert normalise([("JOTPA:n", "JOTPA:n")]) == "JOTPA"
    assert normalise([("8", "8"), ("Sitran", "Sitra")]) == "Sitra"
    assert merge_inflected(["Savonia", "Savonian", "Sitra"]) == {
        "Savonia": "Savonia",
        "Savonian": "Savonia",
        "Sitra": "Sitra",
    }


def test_the_finnish_ner_finds_organisations_and_places_but_never_persons() -> None:
    found = EntityRecognizer().recognize(NOTES_SAVO)
    names = [{m.name for m in mentions} for mentions in found]
    assert {"Sitra", "Pohjois-Savon liitto", "Kuopio"} <= names[0]
    assert "Sitra" in names[1]  # "Sitralla"
    assert "Iisalmi" in names[2]
    assert not any("Matti" in name or "Meikäläinen" in name for name in names[2])
    assert all("NIMI" not in name for mentions in names for name in mentions)
    kinds = {m.name: m.kind for mentions in found for m in mentions}
    assert kinds["Sitra"] == "organisation" and kinds["Kuopio"] == "place"


def _finished(client: TestClient, job_id: str) -> dict:  # type: ignore[type-arg]
    """The job once it has ended (the NER loads on first use; bounded by the job's own end)."""
    while (job := client.get(f"/jobs/{job_id}").json())["state"] in ("queued", "running"):
        time.sleep(0.2)
    return dict(job)


def _project(settings: Settings, name: str = "toimijat") -> None:
    with database(settings.resolved_database_url) as db:
        project_id = add_project(db, name)
        savo = add_document(db, project_id, NOTES_SAVO, "Pohjois-Savo", filename="savo.txt")
        lappi = add_document(db, project_id, NOTES_LAPPI, "Lappi", filename="lappi.txt")
        placement = {savo[0]: 1, savo[1]: 1, savo[2]: 2, savo[3]: 2, lappi[0]: 1, lappi[1]: None}
        add_run(db, project_id, {1: ThemeSpec("Rahoitus"), 2: ThemeSpec("Koulutus")}, placement)


def test_actors_on_demand_cached_and_linked(client: TestClient, settings: Settings) -> None:
    _project(settings)
    before = client.get("/projects/toimijat/actors").json()
    assert before["pending"] == 6 and before["actors"] == []
    started = client.post("/projects/toimijat/actors")
    assert started.status_code == 202, started.text
    assert started.json()["pending"] == 6
    job = _finished(client, started.json()["job_id"])
    assert job["state"] == "succeeded", job
    body = client.get("/projects/toimijat/actors").json()
    assert body["pending"] == 0 and body["analysed"] == 6
    actors = {a["name"]: a for a in body["actors"]}
    sitra = actors["Sitra"]
    assert sitra["notes"] == 3 and set(sitra["forms"]) == {"Sitran", "Sitralla"}
    assert sitra["regions"] == {"Pohjois-Savo": 2, "Lappi": 1}
    assert sitra["documents"] == ["lappi.txt", "savo.txt"]
    assert sitra["themes"] == [{"theme_id": 1, "theme_name": "Rahoitus", "notes": 3}]
    assert {"actor": "Sitra", "theme_id": 1, "theme_name": "Rahoitus", "notes": 3} in body["links"]
    shown = json.dumps(body, ensure_ascii=False)
    assert "Matti" not in shown and "Meikäläinen" not in shown and "NIMI" not in shown
    # Nothing is left to do, and the cache holds one row per distinct note text.
    assert client.post("/projects/toimijat/actors").json() == {"job_id": None, "pending": 0}
    with database(settings.resolved_database_url) as db, db.session() as session:
        assert session.scalar(select(func.count()).select_from(NoteEntities)) == 6


def test_actors_of_another_project_stay_hidden(client: TestClient, settings: Settings) -> None:
    _project(settings, "oma")
    assert client.get("/projects/muu/actors").status_code == 404
    assert client.post("/projects/muu/actors").status_code == 404


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_actors_command(tmp_path: Path, settings: Settings) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path), "TEEMA_DATABASE_URL": settings.resolved_database_url}
    _project(settings, "cli")
    result = CliRunner().invoke(
        cli_app, ["actors", "--project", "cli", "--format", "json"], env=env
    )
    assert result.exit_code == 0, result.output
    names = [a["name"] for a in json.loads(result.output)["actors"]]
    assert names[0] == "Sitra" and "Matti Meikäläinen" not in names

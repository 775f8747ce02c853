"""Transcripts and slide decks through the real API on SQLite and PostgreSQL: the document
becomes a transcript by itself, notes carry speaker, role, turn and times, a facilitator
named at upload wins, and the comparison works by speaker role."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.api.routes import compare
from service.config import Settings
from service.storage.models import Project
from tests.factories import ThemeSpec, add_run, database, include_routers

FORMATS = Path(__file__).resolve().parents[1] / "pipeline" / "fixtures" / "formats"


def _keep_names(client: TestClient) -> None:
    """These tests read speakers as uploaded: the project keeps names (the default policy
    stores them as "Puhuja n", tested in tests/privacy)."""
    assert client.put("/projects/p/privacy", json={"policy": "keep"}).status_code == 200


def _upload(client: TestClient, name: str, **form: str):  # type: ignore[no-untyped-def]
    data = {"region": "Kainuu", "date": "2024-03-12", **form}
    files = [("files", (name, (FORMATS / name).read_bytes()))]
    return client.post("/projects/p/documents?wait=true", data=data, files=files)


def test_transcript_upload_keeps_speakers_and_compares_by_role(
    client: TestClient, settings: Settings
) -> None:
    assert client.post("/projects", json={"name": "p"}).status_code == 201
    _keep_names(client)
    response = _upload(client, "etatyo_teams.vtt")  # kind left at its default, workshop
    assert response.status_code == 201, response.text
    [document] = client.get("/projects/p/documents").json()
    assert (document["kind"], document["format"], document["note_count"]) == (
        "transcript",
        "vtt",
        9,
    )
    detail = client.get(f"/projects/p/documents/{document['id']}").json()
    notes = detail["notes"]
    for note in notes:
        assert detail["text"][note["start"] : note["end"]] == note["text"]
        assert note["kind"] == "turn" and note["document_kind"] == "transcript"
    first = notes[1]
    assert (first["speaker"], first["speaker_role"], first["turn"]) == (
        "Matti Virtanen",
        "participant",
        1,
    )
    assert (first["start_time"], first["end_time"]) == (15.4, 31.4)
    assert first["question"].startswith("Ensimmäinen kysymys")

    # Compare by speaker role over a run that puts facilitator and participant notes apart.
    ids = {n["id"]: n["speaker_role"] for n in notes}
    placement = {i: (1 if role == "participant" else 2) for i, role in ids.items()}
    themes = {1: ThemeSpec("Etätyö"), 2: ThemeSpec("Kehys")}
    with database(settings.resolved_database_url) as db, db.session() as session:
        project_id = session.scalar(select(Project.id).where(Project.name == "p"))
        assert project_id is not None
        add_run(db, project_id, themes, placement)
    api = include_routers(client, compare.router)
    report = api.get("/projects/p/compare", params={"by": "speaker_role"})
    assert report.status_code == 200, report.text
    counts = {(r["group"], r["theme_id"]): r["count"] for r in report.json()["rows"]}
    assert counts[("participant", 1)] == 7 and counts[("facilitator", 2)] == 2
    assert counts.get(("participant", 2), 0) == 0


def test_facilitator_named_at_upload_and_a_declared_transcript_without_turns(
    client: TestClient,
) -> None:
    client.post("/projects", json={"name": "p"})
    _keep_names(client)
    response = _upload(client, "haastattelu_kainuu.txt", facilitator="Osallistuja 3")
    assert response.status_code == 201, response.text
    notes = client.get("/projects/p/notes").json()["notes"]
    roles = {n["speaker"]: n["speaker_role"] for n in notes}
    assert roles == {  # the interviewer's questions are notes now, like anyone's
        "Haastattelija": "participant",
        "Osallistuja 3": "facilitator",
        "Osallistuja 1": "participant",
        "Osallistuja 2": "participant",
    }
    refused = client.post(
        "/projects/p/documents?wait=true",
        data={"region": "Kainuu", "kind": "transcript"},
        files=[("files", ("muistio.txt", b"- Yksi ajatus\n- Toinen ajatus\n"))],
    )
    assert refused.status_code == 422
    assert "no speaker turns" in refused.json()["detail"]


def test_slide_deck_and_titled_workbook_upload(client: TestClient) -> None:
    client.post("/projects", json={"name": "p"})
    _keep_names(client)
    assert _upload(client, "learning-cafe_2017.pptx").status_code == 201
    response = _upload(client, "palaute_kainuu.xlsx", columns="speaker=Puhuja")
    assert response.status_code == 201, response.text
    notes = client.get("/projects/p/notes", params={"limit": 100}).json()["notes"]
    deck = [n for n in notes if n["filename"] == "learning-cafe_2017.pptx"]
    assert len(deck) == 48 and sum(n["kind"] == "sub_bullet" for n in deck) == 26
    rows = [n for n in notes if n["filename"] == "palaute_kainuu.xlsx"]
    assert [(n["group"], n["speaker"]) for n in rows] == [
        ("Ryhmä A", "Osallistuja 1"),
        ("Ryhmä A", "Osallistuja 2"),
        ("Ryhmä B", "Osallistuja 3"),
        ("Ryhmä B", "Osallistuja 4"),
    ]
    bad = _upload(client, "palaute_kainuu.xlsx", columns="speaker=Nimi")
    assert bad.status_code == 422 and "no column 'Nimi'" in bad.json()["detail"]

"""One huge note cannot exhaust memory: long text becomes notes of at most the limit, cut
at sentence or clause boundaries, and text that has none is refused with a clear 422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.config import Settings
from service.storage.models import Document, Job, Note
from tests.factories import database

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _upload(client: TestClient, content: bytes):  # type: ignore[no-untyped-def]
    client.post("/projects", json={"name": "p"})
    return client.post(
        "/projects/p/documents?wait=true",
        data={"region": "Kainuu"},
        files=[("files", ("iso.txt", content))],
    )


def test_a_huge_note_without_any_break_is_refused_and_nothing_is_written(
    client: TestClient, settings: Settings
) -> None:
    """The issue's file: 4.9 million characters of one phrase, no line break, within
    every limit, was one note; lemmatizing it took the service from 2 to 11 GB."""
    phrase = "yhteistyö on tärkeää "
    response = _upload(client, (phrase * (4_900_000 // len(phrase))).encode())
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "iso.txt" in detail and "no sentence or clause break" in detail
    assert "at most 2,000 characters" in detail and "Break the text into sentences" in detail
    with database(settings.resolved_database_url) as db, db.session() as session:
        for table in (Document, Note, Job):
            assert session.scalar(select(func.count()).select_from(table)) == 0


def test_a_long_paragraph_becomes_notes_of_at_most_the_limit(client: TestClient) -> None:
    phrase = "kuntien yhteistyö vahvistaa alueen elinvoimaa, "  # clauses, no sentence ends
    text = "Alueen tulevaisuus\n\n" + "Kuntien " + phrase * 400  # 18,800 characters
    response = _upload(client, text.encode())
    assert response.status_code == 201, response.text
    assert response.json()["files"][0]["note_count"] == 10
    notes = client.get("/projects/p/notes?limit=1000").json()["notes"]
    document = client.get(f"/projects/p/documents/{notes[0]['document_id']}").json()
    assert len(notes) == 10 and all(len(n["text"]) <= 2_000 for n in notes)
    assert all(document["text"][n["start"] : n["end"]] == n["text"] for n in notes)
    assert all(n["text"].endswith(",") for n in notes[:-1])

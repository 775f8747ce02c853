"""Full-text search of notes (``GET /projects/{p}/notes?q=``) on SQLite FTS5 and
PostgreSQL tsvector: Finnish inflections meet through lemmas, case is ignored for all of
Unicode, a word's start finds the word, odd input finds nothing or is refused, and the
index follows inserts and deletes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from service.config import Settings
from service.storage.db import Database

WORKSHOP = """Yhteistyötä kuntien kanssa tarvitaan lisää.

Kunnat ja yritykset tekevät yhteistyötä.

YHTEISTYÖ ON VOIMAA MAAKUNNASSA.

Matkailu kasvaa Savossa nopeasti.

Nuoret muuttavat pois opiskelemaan.
"""
MORE = """Hyvinvointi syntyy arjessa.

Kuntien talous on tiukalla.
"""


def _upload(client: TestClient, name: str, body: str) -> int:
    answer = client.post(
        "/projects/haku/documents?wait=true",
        data={"region": "Pohjois-Savo"},
        files=[("files", (name, body.encode(), "text/plain"))],
    )
    assert answer.status_code == 201, answer.text
    return int(client.get("/projects/haku/documents").json()[-1]["id"])


def _found(client: TestClient, query: str) -> list[str]:
    answer = client.get("/projects/haku/notes", params={"q": query, "limit": 1000})
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["total"] == len(page["notes"])
    return sorted(n["text"] for n in page["notes"])


@pytest.fixture
def searchable(client: TestClient) -> TestClient:
    assert client.post("/projects", json={"name": "haku"}).status_code == 201
    _upload(client, "tyopaja.txt", WORKSHOP)
    return client


def test_inflections_meet_through_lemmas_in_any_case(searchable: TestClient) -> None:
    client = searchable
    cooperation = _found(client, "yhteistyö")
    assert len(cooperation) == 3, cooperation  # yhteistyötä x2 and YHTEISTYÖ
    assert _found(client, "YHTEISTYÖ") == cooperation
    assert _found(client, "Yhteistyötä") == cooperation  # an inflected query word
    municipalities = _found(client, "kunnat")  # kuntien / Kunnat -> kunta
    assert municipalities == _found(client, "kunta") and len(municipalities) == 2
    assert _found(client, "yhteis") == cooperation  # the start of a word
    assert _found(client, "SAVO") == ["Matkailu kasvaa Savossa nopeasti."]
    # every word must match, in any order
    assert _found(client, "yritykset yhteistyö") == ["Kunnat ja yritykset tekevät yhteistyötä."]
    assert _found(client, "yhteistyö matkailu") == []
    assert _found(client, "työ") == []  # not the middle of a word


NO_WORDS = ["\x00", "%_", '"', "*", "   ", "-- ;", "\u200b", "()", "'' = ''"]
ONLY_WORDS = [
    "yhteistyö\x00",
    'yhteistyö" OR "a',
    "yhteistyö*",
    "text:yhteistyö",
    "yhteistyö') | ('a",
    "NEAR(yhteistyö kunta)",
    "yhteistyö OR matkailu",
    "yhteistyö' OR ''='",
]


def test_odd_queries_find_no_more_than_their_words(searchable: TestClient) -> None:
    """A query without a word is refused, never "everything"; quotes, stars, column
    filters and operators are not syntax, only the words count (a note must have them
    all), so no query finds more than its words do."""
    for query in NO_WORDS:
        answer = searchable.get("/projects/haku/notes", params={"q": query})
        assert answer.status_code == 422, (query, answer.text)
        assert "at least one word" in answer.json()["detail"]
    everything = set(_found(searchable, "yhteistyö"))
    for query in ONLY_WORDS:
        assert set(_found(searchable, query)) <= everything, query


def test_too_many_words_is_a_422(searchable: TestClient) -> None:
    answer = searchable.get("/projects/haku/notes", params={"q": " ".join(["sana"] * 21 + ["x"])})
    assert answer.status_code == 200  # repeated words count once
    many = " ".join(f"sana{i}" for i in range(21))
    answer = searchable.get("/projects/haku/notes", params={"q": many})
    assert answer.status_code == 422 and "at most 20 words" in answer.json()["detail"]


def test_the_index_follows_inserts_and_deletes(searchable: TestClient, settings: Settings) -> None:
    client = searchable
    assert len(_found(client, "kunta")) == 2
    more = _upload(client, "lisaa.txt", MORE)
    assert len(_found(client, "kunta")) == 3  # a new document is found at once
    assert _found(client, "hyvinvointi") == ["Hyvinvointi syntyy arjessa."]
    assert client.delete(f"/projects/haku/documents/{more}").status_code == 204
    assert len(_found(client, "kunta")) == 2 and _found(client, "hyvinvointi") == []
    assert client.delete("/projects/haku").status_code == 204
    db = Database(settings.resolved_database_url)
    if db.engine.dialect.name == "sqlite":
        # SQLite's index is a table of its own, kept by triggers: nothing of the deleted
        # notes may stay in it (PostgreSQL's is an index on the notes table itself).
        with db.engine.connect() as connection:
            left = connection.execute(
                text("SELECT count(*) FROM notes_search WHERE notes_search MATCH 'kunta OR savo'")
            ).scalar()
        assert left == 0
    db.dispose()

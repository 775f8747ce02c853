"""PATCH a document's region, kind, date or event: checked like an upload, audited, and
seen at once by the cached views (the project's revision moves on)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.config import Settings
from tests.factories import database, sample_project


def _document(client: TestClient, region: str) -> dict:  # type: ignore[type-arg]
    return next(
        d for d in client.get("/projects/muokkaus/documents").json() if d["region"] == region
    )


def test_fixing_region_kind_date_and_event(client: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        sample_project(db, "muokkaus")
    kainuu = _document(client, "Kainuu")
    compare = client.get("/projects/muokkaus/compare").json()
    assert "Kainuu" in {g["group"] for g in compare["groups"]}
    answer = client.patch(
        f"/projects/muokkaus/documents/{kainuu['id']}",
        json={"region": " Lappi ", "kind": "project_description", "date": "2019-03-04"},
    )
    assert answer.status_code == 200, answer.text
    edited = answer.json()
    assert (edited["region"], edited["kind"], edited["date"]) == (
        "Lappi",
        "project_description",
        "2019-03-04",
    )
    assert edited["event"] == "Työpaja Kainuu"  # a field left out keeps its value
    # The cached comparison and needs views follow at once.
    groups = {g["group"] for g in client.get("/projects/muokkaus/compare").json()["groups"]}
    assert "Lappi" in groups and "Kainuu" not in groups
    needs = client.get("/projects/muokkaus/needs").json()
    assert needs["overall"]["project_notes"] == 4 + 3
    cleared = client.patch(
        f"/projects/muokkaus/documents/{kainuu['id']}", json={"date": None, "event": None}
    ).json()
    assert cleared["date"] is None and cleared["event"] is None
    audit = client.get("/audit").json()
    assert any(
        e["action"] == "edit_document"
        and e["details"]["changes"].get("region") == ["Kainuu", "Lappi"]
        for e in audit
    )


def test_bad_values_are_refused_like_an_upload(client: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        sample_project(db, "muokkaus")
    document = _document(client, "Kainuu")
    path = f"/projects/muokkaus/documents/{document['id']}"
    for body, words in (
        ({"region": ""}, "Region must be"),
        ({"region": "<script>"}, "Region must be"),
        ({"kind": "muistio"}, "Kind must be one of"),
        ({"kind": None}, "Kind cannot be empty"),
        ({"date": "2019-02-30"}, "real date"),
        ({"event": "a\x00b"}, "plain text"),
    ):
        answer = client.patch(path, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert words in answer.json()["detail"], answer.json()
    assert client.patch(path, json={"colour": "red"}).status_code == 422
    assert _document(client, "Kainuu") == document  # nothing changed
    assert client.patch("/projects/muokkaus/documents/999999", json={}).status_code == 404
    assert client.patch(f"/projects/muu/documents/{document['id']}", json={}).status_code == 404

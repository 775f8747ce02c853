"""A deleted project's data never reaches a project made after it (SQLite and PostgreSQL):
ids are never reused, read views are cached under the project's own uid, and jobs die
with their project."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _upload(client: TestClient, project: str, text: str, headers: dict[str, str] | None = None):
    return client.post(
        f"/projects/{project}/documents?wait=true",
        data={"region": "Kainuu"},
        files=[("files", ("muistio.txt", text.encode()))],
        headers=headers or {},
    )


def test_a_deleted_projects_notes_never_reach_a_new_project(client: TestClient) -> None:
    """The issue's repro: the new project once got the deleted one's id, and the view
    cache (keyed by id and revision) served it the deleted project's notes."""
    assert client.post("/projects", json={"name": "secretproj"}).status_code == 201
    secret = "SALAINEN: henkilöstön irtisanomiset alkavat maaliskuussa Kajaanissa."
    assert _upload(client, "secretproj", f"- {secret}\n").status_code == 201
    secret_notes = client.get("/projects/secretproj/notes").json()["notes"]
    assert [n["text"] for n in secret_notes] == [secret]
    assert client.get("/projects/secretproj/themes").status_code in (200, 404)
    assert client.delete("/projects/secretproj").status_code == 204

    assert client.post("/projects", json={"name": "bobproj"}).status_code == 201
    bob = client.post("/users", json={"name": "bob"}).json()["token"]
    member = client.put("/projects/bobproj/members/bob", json={"role": "evaluator"})
    assert member.status_code == 200
    own = "Kuntien yhteistyö tiivistyy uuden hankkeen myötä Kainuussa."
    assert _upload(client, "bobproj", f"- {own}\n").status_code == 201
    as_bob = {"Authorization": f"Bearer {bob}"}
    notes = client.get("/projects/bobproj/notes", headers=as_bob).json()["notes"]
    assert [n["text"] for n in notes] == [own]
    assert min(n["id"] for n in notes) > max(n["id"] for n in secret_notes)
    assert notes[0]["document_id"] > secret_notes[0]["document_id"]

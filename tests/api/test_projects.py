from __future__ import annotations

from fastapi.testclient import TestClient


def test_create_list_get_delete(client: TestClient) -> None:
    created = client.post("/projects", json={"name": "pohjois-savo", "description": "LC 2017"})
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "pohjois-savo"
    assert [p["name"] for p in client.get("/projects").json()] == ["pohjois-savo"]
    got = client.get("/projects/pohjois-savo").json()
    assert (got["document_count"], got["note_count"]) == (0, 0)
    assert client.delete("/projects/pohjois-savo").status_code == 204
    assert client.get("/projects/pohjois-savo").status_code == 404


def test_duplicate_name_is_a_conflict(client: TestClient) -> None:
    assert client.post("/projects", json={"name": "a"}).status_code == 201
    response = client.post("/projects", json={"name": "a"})
    assert response.status_code == 409
    assert "exists" in response.json()["detail"]


def test_bad_names_are_refused(client: TestClient) -> None:
    for name in ["", "Iso", "../etc", "a b", "x" * 64]:
        assert client.post("/projects", json={"name": name}).status_code == 422, name


def test_unknown_project_says_what_to_do(client: TestClient) -> None:
    response = client.get("/projects/nope/notes")
    assert response.status_code == 404
    assert "GET /projects" in response.json()["detail"]

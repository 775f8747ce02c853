from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import CORPORA


def _fill(client: TestClient) -> None:
    client.post("/projects", json={"name": "p"})
    for name, region, kind in [
        ("pohjois-savo_learning-cafe_2017.txt", "Pohjois-Savo", "workshop"),
        ("etela-savo_punos-hanke.txt", "Etelä-Savo", "project_description"),
    ]:
        path = CORPORA / name
        response = client.post(
            "/projects/p/documents?wait=true",
            data={"region": region, "kind": kind},
            files=[("files", (name, path.read_bytes(), "text/plain"))],
        )
        assert response.status_code == 201, response.text


def test_filters_region_group_search_and_paging(client: TestClient) -> None:
    _fill(client)
    everything = client.get("/projects/p/notes?limit=1000").json()
    savo = client.get("/projects/p/notes", params={"region": "Pohjois-Savo", "limit": 1000}).json()
    etela = client.get("/projects/p/notes", params={"region": "Etelä-Savo", "limit": 1000}).json()
    assert savo["total"] + etela["total"] == everything["total"]
    assert {n["region"] for n in savo["notes"]} == {"Pohjois-Savo"}
    group = savo["notes"][0]["group"]
    in_group = client.get("/projects/p/notes", params={"group": group}).json()
    assert in_group["total"] > 0 and {n["group"] for n in in_group["notes"]} == {group}
    found = client.get("/projects/p/notes", params={"q": "hyvinvoin"}).json()
    assert found["total"] > 0
    assert all("hyvinvoin" in n["text"].lower() for n in found["notes"])
    assert client.get("/projects/p/notes", params={"q": "%_"}).status_code == 422
    page = client.get("/projects/p/notes", params={"limit": 5, "offset": 5}).json()
    assert [n["id"] for n in page["notes"]] == [n["id"] for n in everything["notes"][5:10]]
    assert client.get("/projects/p/notes", params={"limit": 0}).status_code == 422

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import CORPORA

LEARNING_CAFE = CORPORA / "pohjois-savo_learning-cafe_2017.txt"
PUNOS = CORPORA / "etela-savo_punos-hanke.txt"


def _upload(client: TestClient, path, **form):  # type: ignore[no-untyped-def]
    data = {"region": "Pohjois-Savo", "kind": "workshop", "date": "2017-11-01", **form}
    files = [("files", (path.name, path.read_bytes(), "text/plain"))]
    return client.post("/projects/lc/documents?wait=true", data=data, files=files)


def test_upload_stores_notes_with_provenance(client: TestClient) -> None:
    client.post("/projects", json={"name": "lc"})
    response = _upload(client, LEARNING_CAFE, event="Learning Cafe")
    assert response.status_code == 201, response.text
    job = client.get(f"/jobs/{response.json()['job_id']}").json()
    assert job["state"] == "succeeded", job
    assert job["progress"] == 1.0
    [document] = client.get("/projects/lc/documents").json()
    assert document["region"] == "Pohjois-Savo" and document["date"] == "2017-11-01"
    detail = client.get(f"/projects/lc/documents/{document['id']}").json()
    notes = detail["notes"]
    assert len(notes) == document["note_count"] > 20
    for note in notes:
        assert detail["text"][note["start"] : note["end"]] == note["text"]
    groups = {note["group"] for note in notes}
    assert len(groups) == 4
    sub = next(n for n in notes if n["kind"] == "sub_bullet")
    assert sub["parent_id"] in {n["id"] for n in notes} and sub["context"]
    assert any("yritys" in n["lemmas"] for n in notes)


def test_same_bytes_twice_are_not_duplicated(client: TestClient) -> None:
    client.post("/projects", json={"name": "lc"})
    first = _upload(client, LEARNING_CAFE)
    second = _upload(client, LEARNING_CAFE)
    assert second.status_code == 200
    assert second.json()["files"][0]["status"] == "duplicate"
    assert second.json()["files"][0]["document_id"] is not None
    assert first.json()["job_id"] and second.json()["job_id"] is None
    assert len(client.get("/projects/lc/documents").json()) == 1


def test_delete_document_deletes_its_notes(client: TestClient) -> None:
    client.post("/projects", json={"name": "lc"})
    _upload(client, LEARNING_CAFE)
    _upload(client, PUNOS, kind="project_description", region="Etelä-Savo")
    documents = client.get("/projects/lc/documents").json()
    total = client.get("/projects/lc/notes").json()["total"]
    gone = documents[0]
    assert client.delete(f"/projects/lc/documents/{gone['id']}").status_code == 204
    left = client.get("/projects/lc/notes?limit=1000").json()
    assert left["total"] == total - gone["note_count"]
    assert all(n["document_id"] != gone["id"] for n in left["notes"])
    assert client.get(f"/projects/lc/documents/{gone['id']}").status_code == 404


def test_bad_metadata_and_files_are_4xx_and_write_nothing(client: TestClient) -> None:
    client.post("/projects", json={"name": "lc"})
    assert _upload(client, LEARNING_CAFE, date="2017-13-45").status_code == 422
    assert _upload(client, LEARNING_CAFE, region="<script>").status_code == 422
    assert _upload(client, LEARNING_CAFE, kind="novel").status_code == 422
    empty = client.post(
        "/projects/lc/documents",
        data={"region": "Kainuu"},
        files=[("files", ("tyhja.txt", b"   \n", "text/plain"))],
    )
    assert empty.status_code == 422 and "empty" in empty.json()["detail"].lower()
    # one good and one bad file: the whole upload is refused
    mixed = client.post(
        "/projects/lc/documents",
        data={"region": "Kainuu"},
        files=[
            ("files", (LEARNING_CAFE.name, LEARNING_CAFE.read_bytes(), "text/plain")),
            ("files", ("kuva.exe", b"MZ\x00\x01", "application/octet-stream")),
        ],
    )
    assert mixed.status_code == 422 and "kuva.exe" in mixed.json()["detail"]
    assert client.get("/projects/lc/documents").json() == []


def test_path_tricks_in_file_names_keep_only_the_base_name(client: TestClient) -> None:
    client.post("/projects", json={"name": "lc"})
    response = client.post(
        "/projects/lc/documents?wait=true",
        data={"region": "Kainuu"},
        files=[("files", ("../../etc/passwd.txt", LEARNING_CAFE.read_bytes(), "text/plain"))],
    )
    assert response.status_code == 201, response.text
    assert response.json()["files"][0]["filename"] == "passwd.txt"


def test_upload_returns_a_job_that_reaches_the_end(client: TestClient) -> None:
    client.post("/projects", json={"name": "lc"})
    response = client.post(
        "/projects/lc/documents",
        data={"region": "Etelä-Savo", "kind": "project_description"},
        files=[("files", (PUNOS.name, PUNOS.read_bytes(), "text/plain"))],
    )
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    client.app.state.jobs.wait(job_id, timeout=120)  # type: ignore[attr-defined]
    job = client.get(f"/jobs/{job_id}").json()
    assert job["state"] == "succeeded"
    assert job["result"]["documents"][0]["note_count"] > 5
    assert client.get("/jobs/not-a-job").status_code == 404

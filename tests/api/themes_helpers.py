"""Shared steps of the theme-run API tests: the sample corpora uploaded as ``make run``
loads them, a run followed to its end, a theme's notes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from service.corpora import read_manifest

# A seven-note workshop summary from a region the samples do not have yet.
KAINUU_WORKSHOP = """Kainuun työpaja: osaajat ja seutukaupungit

- Kajaanin seudulle tarvitaan lisää hoitajia ja sosiaalialan osaajia
- Seutukaupungit kilpailevat samoista työntekijöistä kasvukeskusten kanssa
- Etätyö voisi tuoda osaajia takaisin Kainuuseen
- Nuorten hyvinvointi ja mielenterveys vaativat palveluja lähelle
- Yritysten ja oppilaitosten yhteistyö kesätöiden järjestämisessä
- Maahanmuuttajien kotoutuminen työelämään on hidasta
- Pitkät välimatkat vaikeuttavat palveluiden saatavuutta
"""


def upload(
    client: TestClient, project: str, name: str, content: bytes, region: str, kind: str = "workshop"
) -> list[dict[str, Any]]:
    """Upload one file and wait for it; the files' answers."""
    response = client.post(
        f"/projects/{project}/documents?wait=true",
        data={"region": region, "kind": kind},
        files=[("files", (name, content))],
    )
    assert response.status_code == 201, response.text
    return list(response.json()["files"])


def upload_samples(client: TestClient, project: str) -> None:
    """The five documents of corpora/ with the manifest's regions and kinds."""
    assert client.post("/projects", json={"name": project}).status_code == 201
    for entry in read_manifest():
        upload(client, project, entry.path.name, entry.path.read_bytes(), entry.region, entry.kind)


def run(client: TestClient, project: str, path: str = "runs", **body: Any) -> dict[str, Any]:
    """Start a run (or a detail change, ``path="runs/detail"``), wait; the job's result."""
    response = client.post(f"/projects/{project}/{path}?wait=true", json=body)
    assert response.status_code == 201, response.text
    job = client.get(f"/jobs/{response.json()['job_id']}").json()
    assert job["state"] == "succeeded", job
    return dict(job["result"])


def themes(client: TestClient, project: str) -> dict[int, dict[str, Any]]:
    table = client.get(f"/projects/{project}/themes").json()
    return {t["id"]: t for t in table["themes"]}


def notes_of(client: TestClient, project: str, key: int) -> set[int]:
    return {n["id"] for n in client.get(f"/projects/{project}/themes/{key}").json()["notes"]}


def assert_sizes_add_up(client: TestClient, project: str) -> None:
    """Every theme's size is the notes it lists; sizes plus unassigned are the run's notes,
    which are all the project's notes."""
    table = client.get(f"/projects/{project}/themes").json()
    for theme in table["themes"]:
        assert theme["size"] == len(notes_of(client, project, theme["id"])), theme["name"]
    total = client.get(f"/projects/{project}/notes?limit=1").json()["total"]
    assert sum(t["size"] for t in table["themes"]) + table["unassigned"] == total
    assert table["run"]["note_count"] == total
    assert len(client.get(f"/projects/{project}/map").json()["notes"]) == total

"""Theme runs through the API with the real model: the table, edits that survive a new
run, incremental assignment, the codebook, the tree, the map and a note's scores."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from service.config import Settings
from service.storage.db import Database
from service.storage.models import ThemeRun
from tests.conftest import CORPORA


def _ingest(client: TestClient, name: str, region: str, kind: str = "workshop") -> None:
    path = CORPORA / name
    response = client.post(
        "/projects/p/documents?wait=true",
        data={"region": region, "kind": kind},
        files=[("files", (name, path.read_bytes()))],
    )
    assert response.status_code == 201, response.text


def _run(client: TestClient, **body: object) -> dict:
    response = client.post("/projects/p/runs?wait=true", json=body)
    assert response.status_code == 201, response.text
    job = client.get(f"/jobs/{response.json()['job_id']}").json()
    assert job["state"] == "succeeded", job
    return job["result"]


@pytest.fixture
def project(client: TestClient) -> TestClient:
    assert client.post("/projects", json={"name": "p"}).status_code == 201
    _ingest(client, "pohjois-savo_learning-cafe_2017.txt", "Pohjois-Savo")
    _ingest(client, "etela-savo_punos-hanke.txt", "Etelä-Savo", "project_description")
    _ingest(client, "sitra_alueiden-osaamisen-aika.txt", "Useita alueita", "project_description")
    return client


def test_run_edit_rerun_keeps_what_people_did(project: TestClient) -> None:
    client = project
    first = _run(client, use_codebook=False)
    table = client.get("/projects/p/themes").json()
    themes = table["themes"]
    assert 3 <= len(themes) <= 15 and first["themes"] == len(themes)
    for theme in themes:
        assert theme["name"] and theme["keywords"] and len(theme["representatives"]) <= 3
        assert not {"ja", "on", "että", "ovat"} & set(theme["keywords"])
        assert set(theme["region_share"]) == {"Pohjois-Savo", "Etelä-Savo", "Useita alueita"}
    assert sum(t["size"] for t in themes) + table["unassigned"] == first["notes"]

    # rename one theme, move two notes of another into it, mark one note unassigned
    target, other = themes[0], themes[1]
    renamed = client.patch(f"/projects/p/themes/{target['id']}", json={"name": "Yhteistyö"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Yhteistyö"
    moved = [n["id"] for n in client.get(f"/projects/p/themes/{other['id']}").json()["notes"][:2]]
    assert client.post(
        "/projects/p/notes/move", json={"notes": moved, "theme": target["id"]}
    ).is_success
    loose = client.get(f"/projects/p/themes/{other['id']}").json()["notes"][0]["id"]
    assert client.post("/projects/p/notes/move", json={"notes": [loose], "theme": None}).is_success
    assert client.get(f"/projects/p/notes/{loose}/scores").json()["theme"] is None

    second = _run(client, use_codebook=False)
    assert target["id"] in second["changes"]["persisted"]
    after = {t["id"]: t for t in client.get("/projects/p/themes").json()["themes"]}
    assert after[target["id"]]["name"] == "Yhteistyö"
    kept = {n["id"] for n in client.get(f"/projects/p/themes/{target['id']}").json()["notes"]}
    assert set(moved) <= kept
    assert client.get(f"/projects/p/notes/{loose}/scores").json()["theme"] is None
    edits = [e["action"] for e in client.get("/projects/p/edits").json()]
    assert edits == ["rename", "move", "unassign"]
    assert all(e["author"] == "admin" for e in client.get("/projects/p/edits").json())


def test_merge_split_tree_map_and_scores(project: TestClient) -> None:
    client = project
    _run(client, use_codebook=False)
    themes = client.get("/projects/p/themes").json()["themes"]
    a, b = themes[0]["id"], themes[1]["id"]
    size = themes[0]["size"] + themes[1]["size"]
    merged = client.post("/projects/p/themes/merge", json={"themes": [a, b], "name": "Yhdessä"})
    assert merged.json() == {"theme": a}
    after = {t["id"]: t for t in client.get("/projects/p/themes").json()["themes"]}
    assert b not in after and after[a]["size"] == size and after[a]["name"] == "Yhdessä"

    parts = client.post(f"/projects/p/themes/{a}/split", json={"parts": 3}).json()["themes"]
    assert parts[0] == a and len(set(parts)) == 3
    sizes = {t["id"]: t["size"] for t in client.get("/projects/p/themes").json()["themes"]}
    assert sum(sizes[k] for k in parts) == size and all(sizes[k] > 0 for k in parts)
    assert client.post(f"/projects/p/themes/{a}/split", json={"parts": 1}).status_code == 422
    same = client.post("/projects/p/themes/merge", json={"themes": [a, a]})
    assert same.status_code == 422  # in both languages: the UI speaks Finnish
    assert same.json()["detail_fi"] == "Yhdistämiseen tarvitaan vähintään kaksi eri teemaa."
    assert client.patch("/projects/p/themes/99999", json={"name": "x"}).status_code == 404

    tree = client.get("/projects/p/themes/tree").json()

    def leaves(node: dict) -> list[int]:
        return (
            [node["theme"]] if "theme" in node else [k for c in node["children"] for k in leaves(c)]
        )

    assert sorted(leaves(tree)) == sorted(sizes)
    assert tree["size"] == sum(sizes.values())
    assert client.patch(f"/projects/p/themes/{a}", json={"name": "Uusi nimi"}).is_success

    def leaf_names(node: dict) -> dict[int, str]:
        if "theme" in node:
            return {node["theme"]: node["theme_name"]}
        return {k: v for child in node["children"] for k, v in leaf_names(child).items()}

    assert leaf_names(client.get("/projects/p/themes/tree").json())[a] == "Uusi nimi"

    points = client.get("/projects/p/map").json()["notes"]
    assert len(points) == client.get("/projects/p/notes").json()["total"]
    assert all(isinstance(p["x"], float) for p in points)
    note = points[0]["id"]
    scores = client.get(f"/projects/p/notes/{note}/scores").json()["scores"]
    assert len(scores) >= 2 and scores == sorted(scores, key=lambda s: -s["score"])


def test_new_notes_join_existing_themes_without_a_refit(project: TestClient) -> None:
    client = project
    _run(client, use_codebook=False)
    before = client.get("/projects/p/runs").json()
    _ingest(client, "seutukaupunki-verkostohankkeet_2022.txt", "Valtakunnallinen", "other")
    runs = client.get("/projects/p/runs").json()
    assert len(runs) == len(before) == 1  # no refit
    points = client.get("/projects/p/map").json()["notes"]
    new = [p for p in points if p["region"] == "Valtakunnallinen"]
    assert new and all(p["source"] == "incremental" for p in new)
    assert sum(p["theme"] is not None for p in new) >= len(new) / 2
    table = client.get("/projects/p/themes").json()
    assert sum(t["size"] for t in table["themes"]) + table["unassigned"] == len(points)


def test_codebook_seeds_themes(project: TestClient) -> None:
    client = project
    assert client.put("/projects/p/codebook?use_default=true").status_code == 200
    book = client.get("/projects/p/codebook").json()
    assert "Hyvinvointi ja terveys" in [t["name"] for t in book]
    _run(client, use_codebook=True)
    themes = client.get("/projects/p/themes").json()["themes"]
    seeded = [t for t in themes if t["seed"]]
    assert seeded, themes
    assert {t["seed"] for t in seeded} <= {t["name"] for t in book}
    # a seeded theme keeps its codebook name
    assert all(t["name"] == t["seed"] for t in seeded)
    bad = client.put("/projects/p/codebook", files={"file": ("k.json", b'{"themes": 3}')})
    assert bad.status_code == 422
    csv_book = "name,description,examples\nLiikenne,Joukkoliikenne ja tiet,bussi;juna\n"
    ok = client.put("/projects/p/codebook", files={"file": ("k.csv", csv_book.encode())})
    assert ok.status_code == 200 and ok.json()[0]["name"] == "Liikenne"
    assert client.delete("/projects/p/codebook").status_code == 204
    # A codebook seeds every later run: who set or cleared it is in the audit log.
    log = [(e["action"], e["details"]) for e in client.get("/audit").json() if e["project"] == "p"]
    changes = [(action, details) for action, details in log if "codebook" in action]
    assert changes == [  # newest first
        ("clear_codebook", {}),
        ("set_codebook", {"themes": 1, "default": False}),
        ("set_codebook", {"themes": len(book), "default": True}),
    ], changes


def test_runs_are_reproducible(project: TestClient) -> None:
    client = project
    _run(client, use_codebook=False)
    first = client.get("/projects/p/map").json()["notes"]
    _run(client, use_codebook=False)
    second = client.get("/projects/p/map").json()["notes"]
    assert [(p["id"], p["theme"], p["x"], p["y"]) for p in first] == [
        (p["id"], p["theme"], p["x"], p["y"]) for p in second
    ]


def test_a_run_needs_notes(client: TestClient) -> None:
    assert client.post("/projects", json={"name": "p"}).status_code == 201
    response = client.post("/projects/p/runs?wait=true", json={})
    job = client.get(f"/jobs/{response.json()['job_id']}").json()
    assert job["state"] == "failed" and "at least 5 notes" in job["error"]
    assert job["error_fi"].startswith("Teema-ajoon tarvitaan vähintään 5 muistiinpanoa")
    assert client.get("/projects/p/themes").status_code == 404


def test_a_run_after_a_model_change_matches_nothing(
    project: TestClient, settings: Settings
) -> None:
    """Centroids of another embedding model live in another space: all themes are new."""
    client = project
    _run(client, use_codebook=False)
    before = {t["id"] for t in client.get("/projects/p/themes").json()["themes"]}
    db = Database(settings.resolved_database_url)
    with db.session() as session:
        session.execute(update(ThemeRun).values(model_id="another-model@0 prompt=None"))
    db.dispose()
    second = _run(client, use_codebook=False)
    after = {t["id"] for t in client.get("/projects/p/themes").json()["themes"]}
    assert second["changes"]["persisted"] == [] and not before & after
    assert sorted(second["changes"]["new"]) == sorted(after)


def test_a_theme_of_repeated_notes_splits_only_into_its_different_notes(
    client: TestClient,
) -> None:
    assert client.post("/projects", json={"name": "d"}).status_code == 201
    lines = (
        "- Nuoret muuttavat pois maakunnasta opiskelemaan\n"
        "- Yritykset tarvitsevat osaavaa työvoimaa nopeasti\n"
    )
    for copy in range(3):  # the same two notes in three documents
        response = client.post(
            "/projects/d/documents?wait=true",
            data={"region": "Pohjois-Savo", "kind": "workshop"},
            files=[("files", (f"kopio{copy}.txt", f"Työpaja {copy}\n{lines}".encode()))],
        )
        assert response.status_code == 201, response.text
    response = client.post("/projects/d/runs?wait=true", json={"use_codebook": False})
    assert response.status_code == 201, response.text
    notes = client.get("/projects/d/notes").json()["notes"]
    assert len(notes) == 6
    theme = client.get("/projects/d/themes").json()["themes"][0]["id"]
    moved = client.post(
        "/projects/d/notes/move", json={"notes": [n["id"] for n in notes], "theme": theme}
    )
    assert moved.is_success
    refused = client.post(f"/projects/d/themes/{theme}/split", json={"parts": 3})
    assert refused.status_code == 422
    assert "only 2 different notes" in refused.json()["detail"]
    parts = client.post(f"/projects/d/themes/{theme}/split", json={"parts": 2}).json()["themes"]
    sizes = {t["id"]: t["size"] for t in client.get("/projects/d/themes").json()["themes"]}
    assert sorted(sizes[k] for k in parts) == [3, 3]

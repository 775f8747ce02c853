"""Coarser or finer themes (the detail level) through the API with the real model, on
SQLite and PostgreSQL: the count follows the level, edited themes stay exactly as people
left them, the level stays for later runs, and going back gives the same themes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.themes_helpers import notes_of, run, themes, upload_samples


def _partition(client: TestClient) -> set[frozenset[int]]:
    return {frozenset(notes_of(client, "p", key)) for key in themes(client, "p")}


def test_detail_levels_keep_edits_and_come_back(client: TestClient) -> None:
    upload_samples(client, "p")
    run(client, "p")
    keys = sorted(themes(client, "p"))
    assert client.patch(f"/projects/p/themes/{keys[0]}", json={"name": "Oma nimi"}).is_success
    merged = client.post("/projects/p/themes/merge", json={"themes": [keys[2], keys[3]]})
    assert merged.is_success
    edited = {keys[0]: notes_of(client, "p", keys[0]), keys[2]: notes_of(client, "p", keys[2])}
    model_level = _partition(client)
    count = len(model_level)
    coarser = len(edited) + round((count - len(edited)) / 2)  # the level halves the others

    coarse = run(client, "p", "runs/detail", level=-2)
    assert coarse["status"] == "applied" and coarse["detail"] == -2
    assert len(themes(client, "p")) == coarser < count
    for key, notes in edited.items():
        assert notes_of(client, "p", key) == notes
    assert themes(client, "p")[keys[0]]["name"] == "Oma nimi"
    again = run(client, "p")  # a later run keeps the level
    assert again["detail"] == -2 and len(themes(client, "p")) == coarser

    fine = run(client, "p", "runs/detail", level=2)
    assert fine["detail"] == 2 and len(themes(client, "p")) > count
    for key, notes in edited.items():
        assert notes_of(client, "p", key) == notes
    back = run(client, "p", "runs/detail", level=0)
    assert back["detail"] == 0 and _partition(client) == model_level

    runs = client.get("/projects/p/runs").json()
    assert [r["detail"] for r in runs][:3] == [0, 2, -2]
    assert client.post("/projects/p/runs/detail", json={"level": 4}).status_code == 422

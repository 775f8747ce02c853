"""Deleting documents keeps theme runs whole (issue 12, item 8), on SQLite and PostgreSQL:
a document deleted while a run fits is left out of the run instead of failing it, and
a deletion updates the current run's (and a draft's) sizes, note count, representatives
and tree."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.config import Settings
from service.nlp import NlpResources
from service.storage import repository
from service.storage.db import Database
from service.theming.notes import RunFilters
from service.theming.runs import RunOptions, fit_run
from tests.api.themes_helpers import assert_sizes_add_up, notes_of, run, themes, upload_samples


def _leaves(node: dict) -> list[dict]:
    return [node] if "theme" in node else [x for c in node["children"] for x in _leaves(c)]


def test_a_document_deleted_while_a_run_fits_is_left_out(
    client: TestClient, settings: Settings, nlp: NlpResources
) -> None:
    upload_samples(client, "p")
    victim = max(client.get("/projects/p/documents").json(), key=lambda d: d["note_count"])
    total = client.get("/projects/p/notes?limit=1").json()["total"]
    deleted: list[int] = []

    def progress(_fraction: float, message: str) -> None:
        # The fit is done and the run is about to be stored: the document goes now.
        if message == "storing" and not deleted:
            response = client.delete(f"/projects/p/documents/{victim['id']}")
            deleted.append(response.status_code)

    db = Database(settings.resolved_database_url)
    try:
        with db.session() as session:
            project_id = repository.get_project(session, "p").id
        summary = fit_run(db, nlp, project_id, RunFilters(), RunOptions(), progress)
    finally:
        db.dispose()
    assert deleted == [204]
    assert summary["status"] == "applied"
    assert summary["notes"] == total - victim["note_count"]
    assert client.get("/projects/p/themes").json()["run"]["id"] == summary["run_id"]
    assert_sizes_add_up(client, "p")


def test_deleting_a_document_updates_the_run_and_its_draft(client: TestClient) -> None:
    upload_samples(client, "p")
    run(client, "p")
    draft = run(client, "p", preview=True)
    names = {k: t["name"] for k, t in themes(client, "p").items()}
    victim = max(client.get("/projects/p/documents").json(), key=lambda d: d["note_count"])
    assert client.delete(f"/projects/p/documents/{victim['id']}").status_code == 204

    assert_sizes_add_up(client, "p")
    table = themes(client, "p")
    for key, theme in table.items():
        assert theme["name"] == names[key]  # what is left keeps its name
        listed = notes_of(client, "p", key)
        assert {r["id"] for r in theme["representatives"]} <= listed
        assert all(r["text"] for r in theme["representatives"])
    tree = client.get("/projects/p/themes/tree").json()
    assert tree["size"] == sum(t["size"] for t in table.values())
    assert {leaf["theme"]: leaf["size"] for leaf in _leaves(tree)} == {
        k: t["size"] for k, t in table.items()
    }
    remaining = client.get("/projects/p/notes?limit=1").json()["total"]
    assert client.get(f"/projects/p/runs/{draft['run_id']}").json()["note_count"] == remaining

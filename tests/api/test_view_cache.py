"""Read views are cached by project revision, and every change to a project's data moves
the revision on, so a cached view is never stale (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.middleware.gzip import GZipResponder

from service.config import Settings
from service.storage.models import Assignment, Document, Job, Project
from service.storage.revision import project_revision
from tests.factories import add_document, add_project, database, sample_project


def test_every_kind_of_change_bumps_the_revision_and_only_its_project(
    settings: Settings,
) -> None:
    with database(settings.resolved_database_url) as db:
        sample = sample_project(db, "p")
        other = add_project(db, "other")

        def revisions() -> tuple[int, int]:
            with db.session() as session:
                return (
                    project_revision(session, sample.project_id),
                    project_revision(session, other),
                )

        start, other_start = revisions()
        add_document(db, sample.project_id, ["Uusi muistiinpano työvoimasta"], "Lappi")
        after_ingest, _ = revisions()
        assert after_ingest > start

        with db.session() as session:  # an assignment alone (no project_id of its own)
            row = session.scalars(
                select(Assignment).where(Assignment.run_id == sample.run_id)
            ).first()
            assert row is not None
            row.theme_key = None
        after_move, _ = revisions()
        assert after_move > after_ingest

        with db.session() as session:  # jobs change all the time and change no view
            session.add(Job(id="j1", kind="ingest", state="queued", project_id=sample.project_id))
        assert revisions()[0] == after_move

        with db.session() as session:
            document = session.scalars(
                select(Document).where(Document.project_id == sample.project_id)
            ).first()
            session.delete(document)
        after_delete, other_now = revisions()
        assert after_delete > after_move and other_now == other_start

        with db.session() as session:  # a failed write leaves the revision as it was
            try:
                with session.begin_nested():
                    session.get(Project, sample.project_id).description = "x"  # type: ignore[union-attr]
                    session.flush()
                    raise RuntimeError("abort")
            except RuntimeError:
                pass
        assert revisions()[0] == after_delete


def test_views_come_from_the_cache_until_the_project_changes(
    client: TestClient, settings: Settings
) -> None:
    with database(settings.resolved_database_url) as db:
        sample_project(db, "p")
    cache = client.app.state.views  # type: ignore[attr-defined]
    first = client.get("/projects/p/themes")
    assert first.status_code == 200
    hits = cache.hits
    assert client.get("/projects/p/themes").json() == first.json()
    assert client.get("/projects/p/compare?by=region").status_code == 200
    assert client.get("/projects/p/compare?by=region").status_code == 200
    assert cache.hits == hits + 2

    key = first.json()["themes"][0]["id"]
    renamed = client.patch(f"/projects/p/themes/{key}", json={"name": "Uusi nimi"})
    assert renamed.status_code == 200
    names = {t["id"]: t["name"] for t in client.get("/projects/p/themes").json()["themes"]}
    assert names[key] == "Uusi nimi"

    before = client.get("/projects/p/map").json()["notes"]
    total_before = client.get("/projects/p/notes?limit=5").json()["total"]
    compare_before = client.get("/projects/p/compare?by=region").json()
    document = client.get("/projects/p/documents").json()[0]
    assert client.delete(f"/projects/p/documents/{document['id']}").status_code == 204
    after = client.get("/projects/p/map").json()["notes"]
    assert len(after) == len(before) - document["note_count"]
    compare_after = client.get("/projects/p/compare?by=region").json()
    assert compare_after["notes"] == compare_before["notes"] - document["note_count"]
    assert client.get("/projects/p/notes?limit=5").json()["total"] == (
        total_before - document["note_count"]
    )


def test_a_cached_view_is_compressed_once_not_on_every_request(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database(settings.resolved_database_url) as db:
        sample_project(db, "p")
    compressed: list[int] = []
    compress = GZipResponder.apply_compression

    async def counted(self: GZipResponder, body: bytes, *, more_body: bool) -> bytes:
        compressed.append(len(body))
        return await compress(self, body, more_body=more_body)

    monkeypatch.setattr(GZipResponder, "apply_compression", counted)
    gzip_ok = {"Accept-Encoding": "gzip, deflate"}
    answers = [client.get("/projects/p/themes", headers=gzip_ok) for _ in range(4)]
    assert compressed == []  # the middleware compressed none: they came encoded
    assert all(a.headers["content-encoding"] == "gzip" for a in answers)
    assert all(a.headers["vary"] == "Accept-Encoding" for a in answers)
    assert int(answers[-1].headers["content-length"]) < len(answers[-1].content)
    assert all(a.json() == answers[0].json() for a in answers)  # httpx decodes them

    plain = client.get("/projects/p/themes", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"  # said once, by the middleware
    assert int(plain.headers["content-length"]) == len(plain.content)
    assert plain.json() == answers[0].json()

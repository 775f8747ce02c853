"""The ingest core and the sample corpora, on both databases, with the real model."""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select

from service.config import Settings
from service.corpora import load_samples, read_manifest
from service.ingest import ingest_document, prepare_document, validate_meta
from service.jobs import FAILED, DatabaseJobQueue, recover_jobs
from service.nlp import NlpResources
from service.storage import repository
from service.storage.db import Database
from service.storage.embeddings import load_vectors
from service.storage.models import Embedding, Job, Note
from tests.conftest import CORPORA
from tests.factories import Closures


def _db(settings: Settings) -> Database:
    db = Database(settings.resolved_database_url)
    db.migrate()
    return db


def test_samples_load_once_and_cover_the_manifest(settings: Settings, nlp: NlpResources) -> None:
    db = _db(settings)
    first = load_samples(db, nlp, settings)
    assert len(first) == len(read_manifest()) == 5
    assert all(not r.duplicate and r.note_count > 0 for r in first)
    second = load_samples(db, nlp, settings)
    assert all(r.duplicate for r in second)
    with db.session() as session:
        project = repository.get_project(session, "esimerkki")
        documents, notes = repository.project_counts(session, project.id)
    assert documents == 5 and notes == sum(r.note_count for r in first)


def test_known_texts_are_never_embedded_again(settings: Settings, nlp: NlpResources) -> None:
    db = _db(settings)
    path = CORPORA / "pohjois-savo_learning-cafe_2017.txt"
    prepared = prepare_document(
        path.name, path.read_bytes(), validate_meta("Pohjois-Savo"), settings
    )
    with db.session() as session:
        a = repository.create_project(session, "a").id
        b = repository.create_project(session, "b").id
    first = ingest_document(db, nlp, a, prepared)
    second = ingest_document(db, nlp, b, prepared)  # same text, another project
    assert first.embedded > 0 and second.embedded == 0
    assert second.cached == first.embedded
    with db.session() as session:
        hashes = session.scalars(select(Note.embed_hash).where(Note.project_id == b)).all()
        vectors = load_vectors(session, nlp.embedder.model_id, hashes)
        assert set(vectors) == set(hashes)
        assert np.allclose([np.linalg.norm(v) for v in vectors.values()], 1.0, atol=1e-4)
        # deleting one copy keeps the vectors the other still uses
        repository.delete_project(session, repository.get_project(session, "a"))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Embedding)) == len(set(hashes))
        repository.delete_project(session, repository.get_project(session, "b"))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Embedding)) == 0


def test_jobs_left_running_by_a_killed_process_run_again_once(settings: Settings) -> None:
    db = _db(settings)
    closures = Closures()
    queue = DatabaseJobQueue(db, closures.tasks(), workers=0)  # runs nothing itself
    done = queue.submit("ingest", None, closures.args(lambda progress: {"ok": True}))
    with db.session() as session:
        session.get(Job, done).state = "succeeded"  # type: ignore[union-attr]
        session.add(Job(id="left-running", kind="ingest", state="running", attempts=1))
        session.add(Job(id="died-twice", kind="ingest", state="running", attempts=2))
    assert recover_jobs(db) == 2
    with db.session() as session:
        again = session.get(Job, "left-running")
        assert again is not None and again.state == "queued" and again.owner is None
        job = session.get(Job, "died-twice")
        assert job is not None and job.state == FAILED and "Start it again" in (job.error or "")
        assert session.get(Job, done).state == "succeeded"  # type: ignore[union-attr]
    queue.shutdown()


def test_a_failing_job_reports_its_error(settings: Settings) -> None:
    db = _db(settings)
    closures = Closures()
    queue = DatabaseJobQueue(db, closures.tasks())

    def broken(progress):  # type: ignore[no-untyped-def]
        progress(0.5, "half")
        raise RuntimeError("boom")

    job_id = queue.submit("ingest", None, closures.args(broken))
    queue.wait(job_id)
    with db.session() as session:
        job = session.get(Job, job_id)
        assert job is not None and job.state == FAILED and "boom" in (job.error or "")
    queue.shutdown()


class _BrokenAnalyzer:
    def analyze(self, texts: list[str]) -> list[object]:
        raise RuntimeError("lemmatizer crashed")


def test_a_lemmatizer_failure_beside_the_encoder_writes_nothing(
    settings: Settings, nlp: NlpResources
) -> None:
    """Lemmatizing runs in a thread beside the encoder; its failure still fails the
    ingest, after embedding and before any write."""
    db = _db(settings)
    with db.session() as session:
        project_id = repository.create_project(session, "p").id
    broken = NlpResources(settings)
    broken.__dict__["embedder"] = nlp.embedder
    broken.__dict__["analyzer"] = _BrokenAnalyzer()
    content = "- Osaavan työvoiman saatavuus\n- Nuorten harrastukset\n".encode()
    prepared = prepare_document("a.md", content, validate_meta("Kainuu"), settings)
    try:
        ingest_document(db, broken, project_id, prepared)
    except RuntimeError as error:
        assert "lemmatizer crashed" in str(error)
    else:
        raise AssertionError("the ingest should have failed")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Note)) == 0
        assert session.scalar(select(func.count()).select_from(Embedding)) == 0
    # The same document goes in once the lemmatizer works.
    assert ingest_document(db, nlp, project_id, prepared).note_count == 2

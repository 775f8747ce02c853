"""A run reads only the columns it needs of each note, and copies its vectors once.

At 200,000 notes the run peaked at 4.72 GB (bench ``large``); reading every note as an
ORM object brought its lemmas, phrases and metadata along, all held at once.
"""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from sqlalchemy import update

from service.storage.embeddings import store_vectors
from service.storage.models import Note
from service.theming.notes import RunFilters, RunNote, note_vectors, select_notes
from tests.factories import add_document, add_project, database

NOTES = 2_000


def _peak_of_select(tmp_path: Path) -> tuple[int, int]:
    with database(f"sqlite:///{tmp_path / 'm.db'}") as db:
        project = add_project(db)
        add_document(
            db, project, [f"Muistiinpano numero {i} kehittämisestä" for i in range(NOTES)], "Kainuu"
        )
        lemmas = [f"sana{i}" for i in range(40)]
        phrases = [{"text": f"ilmaus {i}", "lemma": f"ilmaus {i}", "start": i} for i in range(15)]
        with db.session() as session:
            session.execute(
                update(Note).values(
                    lemmas=lemmas,
                    content_lemmas=lemmas[:20],
                    phrases=phrases,
                    meta={"slide": "1", "group": "A"},
                )
            )
        with db.session() as session:
            tracemalloc.start()
            try:
                notes = select_notes(session, project, RunFilters())
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    return len(notes), peak


def test_a_run_reads_what_it_needs_of_each_note(tmp_path: Path) -> None:
    count, peak = _peak_of_select(tmp_path)
    assert count == NOTES
    assert peak / NOTES < 4_000, f"{peak / NOTES:.0f} bytes per note"  # whole rows: 11,800


def test_a_runs_vectors_are_copied_once(tmp_path: Path) -> None:
    """Read from the cache into one array: not a stack of them, then a cast of that."""
    n, d = 20_000, 384
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(n)]
    stored = np.random.default_rng(0).normal(size=(n, d)).astype(np.float32)
    with database(f"sqlite:///{tmp_path / 'v.db'}") as db:
        with db.session() as session:
            store_vectors(session, "m", hashes, stored)
        notes = [RunNote(i, "t", "t", h, "", "Kainuu", 1) for i, h in enumerate(hashes)]
        nlp = SimpleNamespace(embedder=SimpleNamespace(model_id="m", dimension=d))
        tracemalloc.start()
        try:
            vectors = note_vectors(db, nlp, notes)  # type: ignore[arg-type]
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert (vectors == stored).all()
    # The cache's rows (about 1.1x the vectors) and the array; stacking and casting: 3.2x.
    assert peak / vectors.nbytes < 2.6


def test_a_run_whose_notes_all_survive_keeps_its_arrays() -> None:
    """No copy of every vector when no note was deleted while the run fitted."""
    from service.theming.fitting import FittedNotes

    n = 3
    vectors = np.zeros((n, 4), np.float32)
    notes = [RunNote(i, "t", "t", "h", "", "Kainuu", 1) for i in range(n)]
    fitted = FittedNotes(
        notes, vectors, np.zeros(n), np.zeros((n, 2)), np.zeros(4), {}, {}, 0.5, 1.0, [[]] * n
    )
    assert fitted.subset(np.ones(n, dtype=bool)).vectors is vectors
    assert len(fitted.subset(np.array([True, False, True])).notes) == 2

"""A run reads only the columns it needs of each note, not whole note rows.

At 200,000 notes the run peaked at 4.72 GB (bench ``large``); reading every note as an
ORM object brought its lemmas, phrases and metadata along, all held at once.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from sqlalchemy import update

from service.storage.models import Note
from service.theming.notes import RunFilters, select_notes
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

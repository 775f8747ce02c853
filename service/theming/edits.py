"""Human edits of the current run's themes: rename, merge, split, move and unassign notes.

Every edit is logged (who, when, what) and marks the notes it places as placed by hand,
so the next run keeps them where people put them (see ``constraints``): a merge marks
every note of the merged theme, a split every note of each part, a move the notes moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.errors import Invalid
from service.nlp import NlpResources
from service.pipeline.note_text import embedding_text
from service.pipeline.partitions import split_labels
from service.storage.db import Database
from service.storage.models import Assignment, Note, Theme, ThemeEdit, ThemeRun
from service.storage.repository import NotFound, add_audit_entry, next_theme_key
from service.theming.current import current_run, get_theme
from service.theming.notes import RunNote, note_vectors
from service.theming.phrases import phrase_embedder
from service.theming.store import refresh_run_themes


class EditError(Invalid):
    """An edit that makes no sense (merge one theme, split into 1 part...): a 422."""


def run_vectors(db: Database, nlp: NlpResources, run_id: int) -> dict[int, np.ndarray]:
    """Vectors of all notes of a run, by note id."""
    with db.session() as session:
        notes = session.scalars(
            select(Note)
            .join(Assignment, Assignment.note_id == Note.id)
            .where(Assignment.run_id == run_id)
            .order_by(Note.id)
        ).all()
    rows = [
        RunNote(n.id, n.text, embedding_text(n.text, n.context), n.embed_hash, "", "")
        for n in notes
    ]
    vectors = note_vectors(db, nlp, rows)
    return {row.id: vectors[i] for i, row in enumerate(rows)}


def _current_vectors(db: Database, nlp: NlpResources, project_id: int) -> dict[int, np.ndarray]:
    # Read before the edit's write transaction opens: SQLite allows one writer at a time.
    with db.session() as session:
        run_id = current_run(session, project_id).id
    return run_vectors(db, nlp, run_id)


# The audit log's name of each edit (API and CLI alike).
AUDIT_ACTIONS = {
    "rename": "rename_theme",
    "merge": "merge_themes",
    "split": "split_theme",
    "move": "move_notes",
    "unassign": "move_notes",
}


def _log(session: Session, run: ThemeRun, action: str, author: str, **details: Any) -> None:
    """The edit, in the project's edit log (constraints on later runs) and the audit log."""
    session.add(
        ThemeEdit(
            project_id=run.project_id, run_id=run.id, action=action, author=author, details=details
        )
    )
    # The audit log names at most the first 1,000 notes of a move (the edit log has all).
    audited = {k: v[:1000] if k == "notes" else v for k, v in details.items()}
    add_audit_entry(session, author, AUDIT_ACTIONS[action], run.project_id, **audited)


def _place(session: Session, run_id: int, note_ids: Sequence[int], key: int | None) -> None:
    session.execute(
        update(Assignment)
        .where(Assignment.run_id == run_id, Assignment.note_id.in_(list(note_ids)))
        .values(theme_key=key, source="human", score=1.0)
    )


def _members(session: Session, run_id: int, key: int) -> list[int]:
    return list(
        session.scalars(
            select(Assignment.note_id)
            .where(Assignment.run_id == run_id, Assignment.theme_key == key)
            .order_by(Assignment.note_id)
        )
    )


def rename_theme(db: Database, project_id: int, key: int, name: str, author: str) -> None:
    name = name.strip()
    if not name or len(name) > 255:
        raise EditError(
            "A theme name is 1-255 characters.",
            finnish="Teeman nimessä on 1–255 merkkiä.",
        )
    with db.session() as session:
        run = current_run(session, project_id)
        theme = get_theme(session, run.id, key)
        _log(session, run, "rename", author, theme=key, before=theme.name, after=name)
        theme.name, theme.name_edited = name, True


def merge_themes(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    keys: Sequence[int],
    name: str | None,
    author: str,
) -> int:
    """Merge themes into the first one given; returns its key."""
    if len(set(keys)) < 2:
        raise EditError(
            "Merging needs at least two different themes.",
            finnish="Yhdistämiseen tarvitaan vähintään kaksi eri teemaa.",
        )
    vectors = _current_vectors(db, nlp, project_id)
    with db.session() as session:
        run = current_run(session, project_id)
        target = get_theme(session, run.id, keys[0])
        for key in keys[1:]:
            get_theme(session, run.id, key)
        # All of the merged theme's notes, its own included: a person decided they belong
        # together, and the next fit keeps them so.
        members = [note for key in dict.fromkeys(keys) for note in _members(session, run.id, key)]
        _place(session, run.id, members, target.key)
        if name:
            target.name, target.name_edited = name.strip()[:255], True
        _log(session, run, "merge", author, themes=list(keys), into=target.key)
        session.flush()
        refresh_run_themes(session, run.id, vectors, embed=phrase_embedder(nlp))
        return target.key


def split_theme(
    db: Database, nlp: NlpResources, project_id: int, key: int, parts: int, author: str
) -> list[int]:
    """Re-cluster one theme into ``parts`` themes; the first part keeps the key."""
    if not 2 <= parts <= 20:
        raise EditError(
            "A theme can be split into 2-20 parts.",
            finnish="Teeman voi jakaa 2–20 osaan.",
        )
    vectors = _current_vectors(db, nlp, project_id)
    with db.session() as session:
        run = current_run(session, project_id)
        theme = get_theme(session, run.id, key)
        members = _members(session, run.id, key)
        try:  # too few notes, or too few different ones, for that many parts
            labels = split_labels(np.array([vectors[i] for i in members]), parts, random_state=42)
        except ValueError as error:
            raise EditError(
                f"Theme {key}: {error}.",
                finnish=f"Teemaa {key} ei voi jakaa {parts} osaan: siinä on liian vähän "
                "erilaisia muistiinpanoja.",
            ) from None
        next_key = next_theme_key(session, project_id)
        new_keys = [key] + list(range(next_key, next_key + parts - 1))
        for part, part_key in enumerate(new_keys):
            if part_key != key:
                session.add(
                    Theme(
                        run_id=run.id,
                        project_id=project_id,
                        key=part_key,
                        name=f"{theme.name} ({part + 1})",
                        centroid=theme.centroid,
                    )
                )
            _place(
                session,
                run.id,
                [m for m, lab in zip(members, labels, strict=True) if lab == part],
                part_key,
            )
        theme.name_edited = False  # the part left is no longer what the name described
        _log(session, run, "split", author, theme=key, into=new_keys)
        session.flush()
        refresh_run_themes(session, run.id, vectors, embed=phrase_embedder(nlp))
        return new_keys


def move_notes(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    note_ids: Sequence[int],
    key: int | None,
    author: str,
) -> None:
    """Move notes to a theme, or mark them unassigned (key None)."""
    if not note_ids:
        raise EditError(
            "Give at least one note id.",
            finnish="Valitse vähintään yksi muistiinpano.",
        )
    vectors = _current_vectors(db, nlp, project_id)
    with db.session() as session:
        run = current_run(session, project_id)
        if key is not None:
            get_theme(session, run.id, key)
        known = set(
            session.scalars(
                select(Assignment.note_id).where(
                    Assignment.run_id == run.id, Assignment.note_id.in_(list(note_ids))
                )
            )
        )
        unknown = sorted(set(note_ids) - known)
        if unknown:
            raise NotFound(f"Notes {unknown[:10]} are not in the current run.")
        _place(session, run.id, note_ids, key)
        _log(
            session,
            run,
            "move" if key is not None else "unassign",
            author,
            notes=list(note_ids),
            theme=key,
        )
        session.flush()
        refresh_run_themes(session, run.id, vectors, embed=phrase_embedder(nlp))

"""Drafts and keeping runs whole: apply or discard a draft run, give a run the notes that
arrived while it was fitted or waited, and refresh runs after notes were deleted.

A draft is applied only onto what it was computed against: the same current run and no
newer edit. Otherwise applying it would undo what happened since, so it is refused
(``StaleDraft``, a 409) and a new run keeps everything.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.nlp import NlpResources
from service.storage.db import Database
from service.storage.embeddings import load_vectors
from service.storage.models import Assignment, Note, Theme, ThemeEdit, ThemeRun
from service.storage.repository import Conflict, NotFound, add_audit_entry
from service.theming.current import APPLIED, DRAFT, latest_run
from service.theming.incremental import assign_new_notes
from service.theming.notes import RunFilters, select_note_ids
from service.theming.store import recount, refresh_run_themes


class StaleDraft(Conflict):
    """The draft no longer fits the project's themes: a 409 saying to run again."""


class NotADraft(Conflict):
    """The run was already applied: a 409."""


def project_run(session: Session, project_id: int, run_id: int) -> ThemeRun:
    """A run of this project, or NotFound (never another project's run)."""
    run = session.get(ThemeRun, run_id)
    if run is None or run.project_id != project_id:
        raise NotFound(f"No run {run_id} in this project; list runs with GET .../runs.")
    return run


def _draft(session: Session, project_id: int, run_id: int) -> ThemeRun:
    run = project_run(session, project_id, run_id)
    if run.status != DRAFT:
        raise NotADraft(
            f"Run {run_id} is already applied; only a draft can be applied or discarded."
        )
    return run


def apply_draft(db: Database, nlp: NlpResources, project_id: int, run_id: int, author: str) -> None:
    """Make a draft the project's current run (audited as ``author``'s); raises StaleDraft
    if the themes changed since it was made."""
    with db.session() as session:
        run = _draft(session, project_id, run_id)
        current = latest_run(session, project_id)
        if (current.id if current else None) != run.base_run_id:
            raise StaleDraft(
                f"Run {run_id} was made against themes that have since been replaced by "
                "another run; start a new run."
            )
        newest_edit = session.scalar(
            select(func.max(ThemeEdit.id)).where(ThemeEdit.project_id == project_id)
        )
        if newest_edit != run.last_edit_id:
            raise StaleDraft(
                f"Themes were edited after run {run_id} was made; start a new run so that "
                "those edits are kept too."
            )
        run.status = APPLIED
        add_audit_entry(session, author, "apply_run", project_id, run=run_id)
    fill_in_notes(db, nlp, project_id, run_id)


def discard_draft(db: Database, project_id: int, run_id: int, author: str) -> None:
    """Delete a draft (its themes and assignments go with it; audited as ``author``'s);
    the current run stays."""
    with db.session() as session:
        session.delete(_draft(session, project_id, run_id))
        add_audit_entry(session, author, "discard_run", project_id, run=run_id)


def fill_in_notes(db: Database, nlp: NlpResources, project_id: int, run_id: int) -> int:
    """Assign the notes a run covers but lacks (uploaded while it was fitted, or while
    it waited as a draft) the way an upload assigns them; returns how many."""
    with db.session() as session:
        run = project_run(session, project_id, run_id)
        covered = select_note_ids(session, project_id, RunFilters.from_json(run.filters))
        present = set(
            session.scalars(select(Assignment.note_id).where(Assignment.run_id == run_id))
        )
    missing = [n for n in covered if n not in present]
    return assign_new_notes(db, nlp, project_id, missing, run_id) if missing else 0


def refresh_after_delete(session: Session, project_id: int) -> list[int]:
    """After notes were deleted: the current run and the drafts that lost notes get their
    sizes, note count, representatives, keywords and tree again (names stay). Returns
    the ids of the runs refreshed. Older runs are history and keep what they said."""
    drafts = session.scalars(
        select(ThemeRun).where(ThemeRun.project_id == project_id, ThemeRun.status == DRAFT)
    ).all()
    refreshed = []
    for run in [r for r in [latest_run(session, project_id), *drafts] if r is not None]:
        count = session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.run_id == run.id)
        )
        if count == run.note_count:
            continue
        vectors = _cached_vectors(session, run)
        if vectors is not None:
            refresh_run_themes(session, run.id, vectors, keep_names=True)
        else:  # vectors of another model, no longer cached: sizes at least are right
            _drop_gone_representatives(session, run.id)
        recount(session, run.id)
        refreshed.append(run.id)
    return refreshed


def _cached_vectors(session: Session, run: ThemeRun) -> dict[int, np.ndarray] | None:
    """Vectors of the run's notes from the embedding cache, by note id; None if any is
    missing."""
    rows = session.execute(
        select(Note.id, Note.embed_hash)
        .join(Assignment, Assignment.note_id == Note.id)
        .where(Assignment.run_id == run.id)
    ).all()
    cached = load_vectors(session, run.model_id, (h for _, h in rows))
    if any(h not in cached for _, h in rows):
        return None
    return {note: cached[h] for note, h in rows}


def _drop_gone_representatives(session: Session, run_id: int) -> None:
    present = set(session.scalars(select(Assignment.note_id).where(Assignment.run_id == run_id)))
    for theme in session.scalars(select(Theme).where(Theme.run_id == run_id)):
        theme.representatives = [n for n in theme.representatives if n in present]

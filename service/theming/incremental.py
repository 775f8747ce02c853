"""New notes join the current run's themes at once, without a refit.

Scored the way the theme model scores its own notes: where the cosine of the centred
note vector to each theme's centred centroid falls among the theme's member cosines
(``explain.fit_scores``); a note whose best cosine falls below the run's threshold
stays unassigned for review.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.nlp import NlpResources
from service.pipeline.describe import theme_fit
from service.pipeline.note_text import embedding_text
from service.pipeline.partitions import unit_rows
from service.storage.db import Database
from service.storage.models import Assignment, Note, Theme, ThemeRun
from service.theming.current import latest_run
from service.theming.notes import RunNote, note_vectors
from service.theming.store import TOP_SCORES, hold_write_lock, lock_notes, recount


def assign_new_notes(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    note_ids: Sequence[int],
    run_id: int | None = None,
) -> int:
    """Assign notes (of a document just stored) to the current run, or to the run
    ``run_id`` of the project; returns how many."""
    with db.session() as session:
        run = latest_run(session, project_id) if run_id is None else session.get(ThemeRun, run_id)
        if run is None or run.project_id != project_id or run.center is None or not note_ids:
            return 0
        themes = [
            t
            for t in session.scalars(
                select(Theme).where(Theme.run_id == run.id).order_by(Theme.key)
            )
            if t.centred_centroid is not None
        ]
        notes = session.scalars(
            select(Note)
            .where(Note.id.in_(list(note_ids)), Note.project_id == project_id)
            .order_by(Note.id)
        ).all()
        rows = [
            RunNote(n.id, n.text, embedding_text(n.text, n.context), n.embed_hash, "", "")
            for n in notes
        ]
        run_id, center, threshold = run.id, np.frombuffer(run.center, "<f4"), run.assign_threshold
    if not themes or not rows:
        return 0
    vectors = note_vectors(db, nlp, rows)
    centred = vectors - center
    unit_rows(centred, out=centred)
    centroids = np.stack([np.frombuffer(t.centred_centroid or b"", "<f4") for t in themes])
    similarity = centred @ centroids.T
    with db.session() as session:
        if hold_write_lock(session, run_id) is None:
            return 0  # the run was discarded meanwhile
        placed = _place(session, run_id, rows, themes, similarity, threshold or 0.0)
        recount(session, run_id)
    return placed


def _place(
    session: Session,
    run_id: int,
    rows: Sequence[RunNote],
    themes: Sequence[Theme],
    similarity: np.ndarray,
    threshold: float,
) -> int:
    """Store each note's theme (``similarity`` (n, k) centred cosines to the themes);
    notes deleted since they were read are skipped. Returns how many were stored."""
    # New notes are scored as the run scored its own.
    typical = np.array([t.typical_similarity or 1.0 for t in themes])
    scores = theme_fit(similarity, typical, [t.similarity_quantiles for t in themes])
    best = similarity.argmax(axis=1)
    alive = lock_notes(session, [row.id for row in rows])
    for i, row in enumerate(rows):
        if row.id not in alive:
            continue
        assigned = similarity[i, best[i]] >= threshold
        theme = themes[int(best[i])]
        top = np.argsort(-scores[i], kind="stable")[:TOP_SCORES]
        # Placed at its theme on the map (unassigned: the map's middle); a refit
        # computes the real projection.
        anchor = theme if assigned else None
        session.merge(
            Assignment(
                run_id=run_id,
                note_id=row.id,
                theme_key=theme.key if assigned else None,
                score=round(float(scores[i, best[i]]), 4) if assigned else 0.0,  # as scores
                scores={str(themes[j].key): round(float(scores[i, j]), 4) for j in top},
                x=anchor.x if anchor else float(np.mean([t.x for t in themes])),
                y=anchor.y if anchor else float(np.mean([t.y for t in themes])),
                source="incremental",
            )
        )
    session.flush()
    return len(alive)

"""A theme run: fit the theme model on a project's notes, turn its clusters into themes
with people's edits kept (``plan``), and store it in one transaction, together with a
report of what it changes.

A run that would change a theme people edited is stored as a draft: the project keeps
its current themes until a person applies the draft (``drafts.apply_draft``) or discards
it. Any other run is applied at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.errors import Invalid
from service.nlp import NlpResources
from service.pipeline.describe import ThemeDescription, describe_themes, tree_of
from service.pipeline.matching import change_report
from service.pipeline.naming import Embed
from service.storage.db import Database
from service.storage.models import Theme, ThemeEdit, ThemeRun
from service.storage.repository import next_theme_key
from service.theming.constraints import EditConstraints, constraints_of
from service.theming.current import APPLIED, DRAFT, latest_run
from service.theming.drafts import fill_in_notes
from service.theming.fitting import FittedNotes, ProgressFn, fit_notes
from service.theming.notes import RunFilters, select_notes
from service.theming.phrases import phrase_embedder
from service.theming.plan import PreviousTheme, ThemePlan, plan_themes
from service.theming.report import (
    broke_up,
    edited_changes,
    moves,
    needs_confirmation,
    sentences,
)
from service.theming.store import lock_notes, store_assignments, store_themes


class RunError(Invalid):
    """A run the user asked for cannot be made (too few notes...)."""


@dataclass(frozen=True)
class RunOptions:
    """How to run: ``preview`` keeps the run as a draft whatever it changes; ``detail``
    is the detail level (-3..3, see ``detail``), None = the current run's level."""

    use_codebook: bool = True
    preview: bool = False
    detail: int | None = None
    job_id: str | None = None


def fit_run(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    filters: RunFilters,
    options: RunOptions | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Fit, plan and store a run; returns its summary (run id, status, changes)."""
    options = options or RunOptions()
    report = progress or (lambda _f, _m: None)
    with db.session() as session:
        notes = select_notes(session, project_id, filters)
    if len(notes) < 5:
        raise RunError(
            f"A theme run needs at least 5 notes; this selection has {len(notes)}. "
            "Upload more documents or widen the filters.",
            finnish=f"Teema-ajoon tarvitaan vähintään 5 muistiinpanoa; tässä valinnassa on "
            f"{len(notes)}. Lataa lisää dokumentteja tai väljennä rajauksia.",
        )
    report(0.05, "loading embeddings")
    fitted = fit_notes(db, nlp, project_id, notes, options.use_codebook, report)
    report(0.9, "storing")
    embed = phrase_embedder(nlp)
    with db.session() as session:
        summary = _store(
            session, project_id, nlp.embedder.model_id, filters, fitted, options, embed
        )
    if summary["status"] == APPLIED:
        fill_in_notes(db, nlp, project_id, summary["run_id"])
    draft = summary["status"] == DRAFT
    summary["sentences"] = {
        language: sentences(summary["changes"], language, draft) for language in ("fi", "en")
    }
    report(1.0, "done")
    return summary


def _store(
    session: Session,
    project_id: int,
    model_id: str,
    filters: RunFilters,
    fitted: FittedNotes,
    options: RunOptions,
    embed: Embed | None = None,
) -> dict[str, Any]:
    """Plan and store the run in ``session``'s transaction; its summary."""
    base = latest_run(session, project_id)
    run = _new_run(session, project_id, model_id, filters, fitted, options, base)
    alive = lock_notes(session, [n.id for n in fitted.notes])
    fitted = fitted.subset(np.array([n.id in alive for n in fitted.notes], dtype=bool))
    if not fitted.notes:
        raise _all_notes_deleted()
    constraints = constraints_of(session, base)
    previous = _previous_themes(session, base)
    comparable = [
        p
        for p in previous
        if base is not None
        and base.model_id == model_id
        and p.centroid.shape == (fitted.vectors.shape[1],)
    ]
    note_ids = [n.id for n in fitted.notes]
    plan, described, seed_of_key = _plan(session, run, fitted, constraints, comparable, embed)
    names = store_themes(session, run, described, previous, seed_of_key)
    store_assignments(
        session, run, note_ids, fitted.vectors, plan.keys, fitted.coords, described, constraints
    )
    run.note_count = len(note_ids)
    run.unassigned_share = float(np.mean(plan.keys < 0))
    run.tree = tree_of(described)
    run.changes = _changes(constraints, previous, note_ids, plan.keys, names)
    if "fit_sample" in fitted.params:
        run.changes["fit_sample"] = fitted.params["fit_sample"]
    confirm = run.changes["needs_confirmation"] and base is not None
    run.status = DRAFT if options.preview or confirm else APPLIED
    # An older draft was computed against what this run replaces or supersedes.
    session.execute(
        delete(ThemeRun).where(
            ThemeRun.project_id == project_id, ThemeRun.status == DRAFT, ThemeRun.id != run.id
        )
    )
    session.flush()
    summary = {
        "run_id": run.id,
        "status": run.status,
        "themes": len(described),
        "notes": run.note_count,
        "unassigned_share": round(run.unassigned_share, 4),
        "fit_seconds": run.fit_seconds,
        "detail": run.params["detail"],
        "changes": run.changes,
    }
    if "fit_sample" in run.changes:
        summary["fit_sample"] = run.changes["fit_sample"]
    return summary


def _all_notes_deleted() -> RunError:
    return RunError(
        "Every note of this run was deleted while it ran; start it again.",
        finnish="Ajon kaikki muistiinpanot poistettiin sen aikana; aloita se uudelleen.",
    )


def _plan(
    session: Session,
    run: ThemeRun,
    fitted: FittedNotes,
    constraints: EditConstraints,
    comparable: Sequence[PreviousTheme],
    embed: Embed | None = None,
) -> tuple[ThemePlan, dict[int, ThemeDescription], dict[int, str]]:
    """The run's themes: keys per note, each theme described, codebook names by key."""
    note_ids = [n.id for n in fitted.notes]
    plan = plan_themes(
        fitted.labels,
        fitted.vectors,
        fitted.center,
        note_ids,
        comparable,
        constraints,
        next_key=next_theme_key(session, run.project_id),
        detail=run.params["detail"],
        locked=set(fitted.seed_of_cluster),
    )
    described = describe_themes(
        plan.keys,
        fitted.vectors,
        [n.lemma_doc for n in fitted.notes],
        note_ids,
        fitted.coords,
        fitted.center,
        texts=[n.text for n in fitted.notes],
        phrases=fitted.phrases,
        embed=embed,
    )
    seed_of_key = {
        plan.key_of_cluster[c]: name
        for c, name in fitted.seed_of_cluster.items()
        if c in plan.key_of_cluster
    }
    return plan, described, seed_of_key


def _new_run(
    session: Session,
    project_id: int,
    model_id: str,
    filters: RunFilters,
    fitted: FittedNotes,
    options: RunOptions,
    base: ThemeRun | None,
) -> ThemeRun:
    """The run's row, written first: on SQLite this takes the write lock, so no document
    can be deleted between the check for deleted notes and the assignments stored."""
    run = ThemeRun(
        project_id=project_id,
        job_id=options.job_id,
        model_id=model_id,
        filters=filters.as_json(),
        params={
            **fitted.params,
            "detail": options.detail if options.detail is not None else _detail_of(base),
        },
        fit_seconds=fitted.fit_seconds,
        center=np.asarray(fitted.center, dtype="<f4").tobytes(),
        assign_threshold=fitted.assign_threshold,
        status=DRAFT,
        base_run_id=base.id if base else None,
        last_edit_id=session.scalar(
            select(func.max(ThemeEdit.id)).where(ThemeEdit.project_id == project_id)
        ),
    )
    session.add(run)
    session.flush()
    return run


def _changes(
    constraints: EditConstraints,
    previous: Sequence[PreviousTheme],
    note_ids: Sequence[int],
    keys: np.ndarray,
    names: dict[int, str],
) -> dict[str, Any]:
    """The stored report: what changed overall, what happened to each edited theme, and
    the names needed to say it in words."""
    new_of_note = {n: (int(k) if k >= 0 else None) for n, k in zip(note_ids, keys, strict=True)}
    previous_keys = sorted({k for k in constraints.previous.values() if k is not None})
    edited = edited_changes(constraints.edited, constraints.previous, new_of_note, names)
    overall = change_report(previous_keys, sorted(names), constraints.previous, new_of_note)
    return {
        **overall,
        "edited": edited,
        "moved": moves(constraints.previous, new_of_note, overall["persisted"], constraints.edited),
        "broke_up": broke_up(
            constraints.previous, new_of_note, overall["persisted"], constraints.edited
        ),
        "needs_confirmation": needs_confirmation(edited),
        "names": {
            "before": {str(p.key): p.name for p in previous},
            "after": {str(k): name for k, name in names.items()},
        },
    }


def _previous_themes(session: Session, run: ThemeRun | None) -> list[PreviousTheme]:
    """The current run's themes. Centroids of another embedding model live in another
    space (maybe of another size): the caller matches only comparable ones."""
    if run is None:
        return []
    return [
        PreviousTheme(t.key, t.name, t.name_edited, np.frombuffer(t.centroid, dtype="<f4"))
        for t in session.scalars(select(Theme).where(Theme.run_id == run.id).order_by(Theme.key))
    ]


def _detail_of(run: ThemeRun | None) -> int:
    """The detail level a run was made at (0 for runs made before levels existed)."""
    return int((run.params or {}).get("detail", 0)) if run is not None else 0

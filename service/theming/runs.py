"""A theme run: fit the theme model on a project's notes, turn its clusters into themes
with people's edits kept (``plan``), and store it in one transaction, together with a
report of what it changes.

A run that would change a theme people edited is stored as a draft: the project keeps
its current themes until a person applies the draft (``drafts.apply_draft``) or discards
it. Any other run is applied at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.nlp import NlpResources
from service.pipeline.naming import Embed
from service.pipeline.phrases import Phrase
from service.storage.db import Database
from service.storage.models import ProjectCodebook, Theme, ThemeEdit, ThemeRun
from service.storage.repository import next_theme_key
from service.theming.constraints import EditConstraints, constraints_of
from service.theming.current import APPLIED, DRAFT, latest_run
from service.theming.matching import change_report
from service.theming.notes import (
    RunFilters,
    RunNote,
    embed_texts_cached,
    note_vectors,
    select_notes,
)
from service.theming.phrases import note_phrases, phrase_embedder
from service.theming.plan import PreviousTheme, ThemePlan, plan_themes
from service.theming.report import edited_changes, moves, needs_confirmation, sentences
from service.theming.store import (
    ThemeDescription,
    describe_themes,
    lock_notes,
    store_assignments,
    store_themes,
    tree_of,
)

ProgressFn = Callable[[float, str], None]


class RunError(ValueError):
    """A run the user asked for cannot be made (too few notes...)."""


@dataclass(frozen=True)
class RunOptions:
    """How to run: ``preview`` keeps the run as a draft whatever it changes; ``detail``
    is the detail level (-3..3, see ``detail``), None = the current run's level."""

    use_codebook: bool = True
    preview: bool = False
    detail: int | None = None
    job_id: str | None = None


@dataclass(frozen=True)
class FittedNotes:
    """What the theme model made of the run's notes (n notes, d dimensions)."""

    notes: Sequence[RunNote]
    vectors: np.ndarray  # (n, d)
    labels: np.ndarray  # (n,) model cluster, -1 = unassigned
    coords: np.ndarray  # (n, 2) map position
    center: np.ndarray  # (d,) corpus mean the model centred on
    seed_of_cluster: dict[int, str]  # cluster -> codebook theme name
    params: dict[str, Any]
    assign_threshold: float
    fit_seconds: float
    phrases: list[list[Phrase]]  # (n,) each note's noun phrases, for names

    def subset(self, keep: np.ndarray) -> FittedNotes:
        """The same fit restricted to the notes where ``keep`` (n,) is True."""
        return FittedNotes(
            [n for n, k in zip(self.notes, keep, strict=True) if k],
            self.vectors[keep],
            self.labels[keep],
            self.coords[keep],
            self.center,
            self.seed_of_cluster,
            self.params,
            self.assign_threshold,
            self.fit_seconds,
            [p for p, k in zip(self.phrases, keep, strict=True) if k],
        )


def fit_run(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    filters: RunFilters,
    options: RunOptions | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Fit, plan and store a run; returns its summary (run id, status, changes)."""
    from service.theming.drafts import fill_in_notes

    options = options or RunOptions()
    report = progress or (lambda _f, _m: None)
    with db.session() as session:
        notes = select_notes(session, project_id, filters)
    if len(notes) < 5:
        raise RunError(
            f"A theme run needs at least 5 notes; this selection has {len(notes)}. "
            "Upload more documents or widen the filters."
        )
    report(0.05, "loading embeddings")
    fitted = _fit(db, nlp, project_id, notes, options.use_codebook, report)
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


def _fit(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    notes: Sequence[RunNote],
    use_codebook: bool,
    report: ProgressFn,
) -> FittedNotes:
    from service.pipeline.themes import ThemeModel

    vectors = note_vectors(db, nlp, notes)
    seed_names, seeds = _seed_vectors(db, nlp, project_id) if use_codebook else ([], None)
    report(0.2, "finding themes")
    started = time.perf_counter()
    model = ThemeModel().fit(vectors, [n.lemma_doc for n in notes], seeds=seeds)
    fit_seconds = round(time.perf_counter() - started, 3)
    report(0.85, "naming themes")
    phrases = note_phrases(db, nlp, [n.id for n in notes], [n.text for n in notes])
    return FittedNotes(
        notes=notes,
        vectors=vectors,
        labels=np.asarray(model.labels_),
        coords=np.asarray(model.coords_),
        center=np.asarray(model.center_),
        seed_of_cluster={c: seed_names[s] for c, s in enumerate(model.seed_of_theme_) if s >= 0},
        params={**_params(model), "use_codebook": use_codebook},
        assign_threshold=float(model.assign_threshold_),
        fit_seconds=fit_seconds,
        phrases=phrases,
    )


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
        raise RunError("Every note of this run was deleted while it ran; start it again.")
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
    confirm = run.changes["needs_confirmation"] and base is not None
    run.status = DRAFT if options.preview or confirm else APPLIED
    # An older draft was computed against what this run replaces or supersedes.
    session.execute(
        delete(ThemeRun).where(
            ThemeRun.project_id == project_id, ThemeRun.status == DRAFT, ThemeRun.id != run.id
        )
    )
    session.flush()
    return {
        "run_id": run.id,
        "status": run.status,
        "themes": len(described),
        "notes": run.note_count,
        "unassigned_share": round(run.unassigned_share, 4),
        "fit_seconds": run.fit_seconds,
        "detail": run.params["detail"],
        "changes": run.changes,
    }


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


def _seed_vectors(
    db: Database, nlp: NlpResources, project_id: int
) -> tuple[list[str], np.ndarray | None]:
    from service.pipeline.codebook import Codebook, SeedTheme, seed_texts

    with db.session() as session:
        stored = session.get(ProjectCodebook, project_id)
        if stored is None or not stored.themes:
            return [], None
        book = Codebook(
            tuple(
                SeedTheme(t["name"], t.get("description", ""), tuple(t.get("examples", ())))
                for t in stored.themes
            )
        )
    return [t.name for t in book.themes], embed_texts_cached(db, nlp, seed_texts(book))


def _params(model: Any) -> dict[str, Any]:
    """The model's constructor parameters (scikit-learn style), stored with the run."""
    import inspect

    names = [n for n in inspect.signature(type(model).__init__).parameters if n != "self"]
    return {name: getattr(model, name) for name in names}

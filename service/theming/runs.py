"""A theme run: fit the theme model on a project's notes, match it to the previous run,
carry human edits over, and store it — all in one transaction at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.nlp import NlpResources
from service.storage.db import Database
from service.storage.models import Assignment, Codebook, Theme, ThemeRun
from service.theming.matching import change_report, match_centroids
from service.theming.notes import (
    NoteRow,
    RunFilters,
    embed_texts_cached,
    note_vectors,
    select_notes,
)
from service.theming.phrases import note_phrases, phrase_embedder
from service.theming.store import apply_description, describe_themes, settle_names, tree_of

ProgressFn = Callable[[float, str], None]
TOP_SCORES = 5  # per note, the highest theme scores kept (a note may speak of two themes)
MATCH_MIN_SIMILARITY = 0.5  # centred cosine


class RunError(ValueError):
    """A run the user asked for cannot be made (too few notes...)."""


@dataclass(frozen=True)
class PreviousTheme:
    key: int
    name: str
    name_edited: bool
    centroid: np.ndarray


def latest_run(session: Session, project_id: int) -> ThemeRun | None:
    return session.scalar(
        select(ThemeRun).where(ThemeRun.project_id == project_id).order_by(ThemeRun.id.desc())
    )


def _previous(
    session: Session, run: ThemeRun | None
) -> tuple[list[PreviousTheme], dict[int, int | None], dict[int, int | None]]:
    """Themes of the previous run, every note's theme there, and the notes people placed
    by hand (both as note id -> key)."""
    if run is None:
        return [], {}, {}
    themes = [
        PreviousTheme(t.key, t.name, t.name_edited, np.frombuffer(t.centroid, dtype="<f4"))
        for t in session.scalars(select(Theme).where(Theme.run_id == run.id).order_by(Theme.key))
    ]
    rows = session.execute(
        select(Assignment.note_id, Assignment.theme_key, Assignment.source).where(
            Assignment.run_id == run.id
        )
    ).all()
    every = {note: key for note, key, _ in rows}
    human = {note: key for note, key, source in rows if source == "human"}
    return themes, every, human


def _seed_vectors(
    db: Database, nlp: NlpResources, project_id: int
) -> tuple[list[str], np.ndarray | None]:
    from service.pipeline.codebook import Codebook as SeedBook
    from service.pipeline.codebook import SeedTheme, seed_texts

    with db.session() as session:
        stored = session.get(Codebook, project_id)
        if stored is None or not stored.themes:
            return [], None
        book = SeedBook(
            tuple(
                SeedTheme(t["name"], t.get("description", ""), tuple(t.get("examples", ())))
                for t in stored.themes
            )
        )
    return [t.name for t in book.themes], embed_texts_cached(db, nlp, seed_texts(book))


def fit_run(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    filters: RunFilters,
    use_codebook: bool = True,
    job_id: str | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Fit, match and store a run; returns a summary with the run id and the changes."""
    from service.pipeline.themes import ThemeModel

    report = progress or (lambda _f, _m: None)
    with db.session() as session:
        notes = select_notes(session, project_id, filters)
    if len(notes) < 5:
        raise RunError(
            f"A theme run needs at least 5 notes; this selection has {len(notes)}. "
            "Upload more documents or widen the filters."
        )
    report(0.05, "loading embeddings")
    vectors = note_vectors(db, nlp, notes)
    seed_names, seeds = _seed_vectors(db, nlp, project_id) if use_codebook else ([], None)
    report(0.2, "finding themes")
    started = time.perf_counter()
    model = ThemeModel().fit(vectors, [n.lemma_doc for n in notes], seeds=seeds)
    fit_seconds = time.perf_counter() - started
    report(0.85, "naming themes")
    phrases = note_phrases(db, nlp, [n.id for n in notes], [n.text for n in notes])
    report(0.9, "storing")

    with db.session() as session:
        previous_run = latest_run(session, project_id)
        previous, previous_of_note, human = _previous(session, previous_run)
        # Centroids of another embedding model live in another space (maybe of another
        # size): nothing can be matched, every theme is new.
        comparable = [
            p
            for p in previous
            if previous_run is not None
            and previous_run.model_id == nlp.embedder.model_id
            and p.centroid.shape == (vectors.shape[1],)
        ]
        # Raw e5 centroids all sit near cosine 0.98; compare them centred on this run's
        # corpus mean, where one theme stays above ~0.8 and different themes fall below 0.4.
        pairs = match_centroids(
            _centred(np.stack([p.centroid for p in comparable]), model.center_)
            if comparable
            else np.zeros((0, vectors.shape[1])),
            _centred(model.centroids_, model.center_),
            min_similarity=MATCH_MIN_SIMILARITY,
        )
        next_key = (
            session.scalar(select(func.max(Theme.key)).where(Theme.project_id == project_id)) or 0
        ) + 1
        keys: list[int] = []
        for index in range(len(model.centroids_)):
            if index in pairs:
                keys.append(comparable[pairs[index]].key)
            else:
                keys.append(next_key)
                next_key += 1
        run = ThemeRun(
            project_id=project_id,
            job_id=job_id,
            model_id=nlp.embedder.model_id,
            filters=filters.as_json(),
            params=_params(model),
            note_count=len(notes),
            fit_seconds=round(fit_seconds, 3),
            center=np.asarray(model.center_, dtype="<f4").tobytes(),
            assign_threshold=float(model.assign_threshold_),
        )
        session.add(run)
        session.flush()
        by_key = {p.key: p for p in previous}
        final = _final_keys(model.labels_, keys, notes, human)
        described = describe_themes(
            final,
            vectors,
            [n.lemma_doc for n in notes],
            [n.id for n in notes],
            model.coords_,
            model.center_,
            texts=[n.text for n in notes],
            phrases=phrases,
            embed=phrase_embedder(nlp),
        )
        seed_of_key = {keys[i]: seed_names[s] for i, s in enumerate(model.seed_of_theme_) if s >= 0}
        stored: list[Theme] = []
        for key, info in described.items():
            before = by_key.get(key)
            seed = seed_of_key.get(key)
            # A name people gave persists; a codebook theme is named as in the codebook;
            # a machine-made name follows the theme's notes (and replaces old triplets).
            name = before.name if before and before.name_edited else (seed or info.name)
            theme = Theme(
                run_id=run.id,
                project_id=project_id,
                key=key,
                name=name,
                name_edited=before.name_edited if before else False,
                seed=seed,
            )
            apply_description(theme, info)
            theme.name = name
            session.add(theme)
            stored.append(theme)
        settle_names(stored)
        _store_assignments(session, run.id, model, keys, notes, human, final)
        run.unassigned_share = float(np.mean(final < 0))
        run.changes = change_report(
            [p.key for p in previous],
            sorted(described),
            previous_of_note,
            {n.id: (int(k) if k >= 0 else None) for n, k in zip(notes, final, strict=True)},
        )
        run.tree = tree_of(described)
        session.flush()
        summary = {
            "run_id": run.id,
            "themes": len(described),
            "notes": len(notes),
            "unassigned_share": round(run.unassigned_share, 4),
            "fit_seconds": run.fit_seconds,
            "changes": run.changes,
        }
    report(1.0, "done")
    return summary


def _final_keys(
    labels: np.ndarray, keys: list[int], notes: list[NoteRow], human: dict[int, int | None]
) -> np.ndarray:
    """Theme key per note, shape (n,), -1 = unassigned; notes people placed stay there."""
    final = np.array([keys[label] if label >= 0 else -1 for label in labels])
    for i, note in enumerate(notes):
        if note.id in human:
            placed = human[note.id]
            final[i] = placed if placed is not None else -1
    return final


def _store_assignments(
    session: Session,
    run_id: int,
    model: Any,
    keys: list[int],
    notes: list[NoteRow],
    human: dict[int, int | None],
    final: np.ndarray,
) -> None:
    for i, note in enumerate(notes):
        row = model.scores_[i]
        top = np.argsort(-row, kind="stable")[:TOP_SCORES]
        scores = {str(keys[j]): round(float(row[j]), 4) for j in top}
        key = int(final[i]) if final[i] >= 0 else None
        placed_by_hand = note.id in human
        session.add(
            Assignment(
                run_id=run_id,
                note_id=note.id,
                theme_key=key,
                score=1.0
                if placed_by_hand
                else (scores.get(str(key), 0.0) if key is not None else 0.0),
                scores=scores,
                x=float(model.coords_[i, 0]),
                y=float(model.coords_[i, 1]),
                source="human" if placed_by_hand else "model",
            )
        )


def _params(model: Any) -> dict[str, Any]:
    """The model's constructor parameters (scikit-learn style), stored with the run."""
    import inspect

    names = [n for n in inspect.signature(type(model).__init__).parameters if n != "self"]
    return {name: getattr(model, name) for name in names}


def _centred(centroids: np.ndarray, center: np.ndarray) -> np.ndarray:
    """Unit rows of ``centroids`` (k, d) minus the corpus mean ``center`` (d,)."""
    moved = np.asarray(centroids, dtype=np.float64) - center
    return moved / np.maximum(np.linalg.norm(moved, axis=1, keepdims=True), 1e-12)

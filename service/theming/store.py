"""Storing a run's themes and assignments: the themes ``pipeline.describe`` computes
from the final note-to-theme labels (sizes, centroids, keywords, names, representative
notes, map positions) become rows, and every note's fit to them its assignment. Used by
runs and by edits, so a theme always looks the same however its notes got there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from service.pipeline.describe import ThemeDescription, describe_themes, theme_fit, tree_of
from service.pipeline.naming import Embed
from service.pipeline.partitions import unit_rows
from service.pipeline.phrases import as_phrases
from service.storage.models import Assignment, Note, Theme, ThemeRun
from service.storage.repository import delete_theme

if TYPE_CHECKING:
    from service.theming.constraints import EditConstraints
    from service.theming.plan import PreviousTheme

TOP_SCORES = 5  # per note, the highest theme scores kept (a note may speak of two themes)


def refresh_run_themes(
    session: Session,
    run_id: int,
    vectors_by_note: dict[int, np.ndarray],
    keep_names: bool = False,
    embed: Embed | None = None,
) -> None:
    """Recompute every theme of a run from its current assignments (after an edit, or
    after notes were deleted).

    Names people gave are kept (all names with ``keep_names``); themes left without
    notes are removed. ``embed``: the project's embedder, to name themes as a run does
    (without it, by c-TF-IDF only).
    """
    rows = session.execute(
        select(Assignment, Note.content_lemmas, Note.text, Note.phrases)
        .join(Note, Note.id == Assignment.note_id)
        .where(Assignment.run_id == run_id)
        .order_by(Assignment.note_id)
    ).all()
    run = session.get(ThemeRun, run_id)
    described: dict[int, ThemeDescription] = {}
    if rows:
        note_ids = [row[0].note_id for row in rows]
        keys = np.array([a.theme_key if a.theme_key is not None else -1 for a, *_ in rows])
        vectors = np.stack([vectors_by_note[i] for i in note_ids])
        coords = np.array([[a.x, a.y] for a, *_ in rows])
        center = np.frombuffer(run.center, dtype="<f4") if run and run.center else None
        described = describe_themes(
            keys,
            vectors,
            [" ".join(lemmas) for _, lemmas, _, _ in rows],
            note_ids,
            coords,
            center,
            texts=[text for _, _, text, _ in rows],
            phrases=[as_phrases(stored) for *_, stored in rows],
            embed=embed,
        )
    kept = []
    for theme in session.scalars(select(Theme).where(Theme.run_id == run_id)):
        info = described.get(theme.key)
        if info is None:
            delete_theme(session, theme)
            continue
        name = theme.name
        apply_description(theme, info)
        if keep_names:
            theme.name = name
        kept.append(theme)
    settle_names(kept)
    if run is not None:
        run.tree = tree_of(described)


def store_themes(
    session: Session,
    run: ThemeRun,
    described: Mapping[int, ThemeDescription],
    previous: Sequence[PreviousTheme],
    seed_of_key: Mapping[int, str],
) -> dict[int, str]:
    """Add the run's themes; returns their names by key. A name people gave persists;
    a codebook theme is named as in the codebook; a machine-made name follows the
    theme's notes. Names of one run differ (``settle_names``)."""
    by_key = {p.key: p for p in previous}
    stored: list[Theme] = []
    for key, info in described.items():
        before = by_key.get(key)
        seed = seed_of_key.get(key)
        theme = Theme(
            run_id=run.id,
            project_id=run.project_id,
            key=key,
            name_edited=before.name_edited if before else False,
            seed=seed,
        )
        apply_description(theme, info)
        theme.name = before.name if before and before.name_edited else (seed or info.name)
        session.add(theme)
        stored.append(theme)
    settle_names(stored)
    return {theme.key: theme.name for theme in stored}


ASSIGNMENT_CHUNK = 5_000  # notes scored and written at once (a large run holds 200,000)


def store_assignments(
    session: Session,
    run: ThemeRun,
    note_ids: Sequence[int],
    vectors: np.ndarray,
    keys: np.ndarray,
    coords: np.ndarray,
    described: Mapping[int, ThemeDescription],
    constraints: EditConstraints,
) -> None:
    """Add every note's theme (``keys`` (n,), -1 = unassigned), its map position
    (``coords`` (n, 2)) and its scores over the run's themes, computed as the theme
    model scores: centred cosine to the theme's centred centroid over the theme's
    typical member cosine, clipped to 0..1. A note placed by hand scores 1. Scored and
    written ``ASSIGNMENT_CHUNK`` notes at a time, so memory does not grow with the run."""
    order = sorted(described)
    centroids = [_centred_centroid(described[k]) for k in order]
    scoring = _Scoring(
        run.id,
        order,
        np.frombuffer(run.center or b"", dtype="<f4"),
        np.stack(centroids) if centroids else np.zeros((0, vectors.shape[1])),
        np.array([max(described[k].typical_similarity or 1.0, 1e-6) for k in order]),
        [described[k].similarity_quantiles for k in order],
        constraints.pinned,
    )
    for start in range(0, len(note_ids), ASSIGNMENT_CHUNK):
        part = slice(start, start + ASSIGNMENT_CHUNK)
        rows = scoring.rows(note_ids[part], vectors[part], keys[part], coords[part])
        if rows:
            session.execute(insert(Assignment), rows)


@dataclass(frozen=True)
class _Scoring:
    """What scoring a run's notes needs of its themes (k themes, d dimensions)."""

    run_id: int
    order: list[int]  # (k,) theme keys
    center: np.ndarray  # (d,)
    centroids: np.ndarray  # (k, d) centred centroids
    typical: np.ndarray  # (k,)
    quantiles: list[list[float] | None]
    pinned: Mapping[int, int | None]

    def rows(
        self, note_ids: Sequence[int], vectors: np.ndarray, keys: np.ndarray, coords: np.ndarray
    ) -> list[dict[str, Any]]:
        """The assignment rows of notes (m,) with vectors (m, d), keys (m,), coords (m, 2)."""
        column = {key: j for j, key in enumerate(self.order)}
        centred = np.asarray(vectors, np.float64) - self.center
        unit_rows(centred, out=centred)
        scores = theme_fit(centred @ self.centroids.T, self.typical, self.quantiles)
        rows: list[dict[str, Any]] = []
        for i, note in enumerate(note_ids):
            key = int(keys[i])
            by_hand = note in self.pinned
            top = np.argsort(-scores[i], kind="stable")[:TOP_SCORES]
            rows.append(
                {
                    "run_id": self.run_id,
                    "note_id": note,
                    "theme_key": key if key >= 0 else None,
                    # Rounded as ``scores`` are, so the why-here fit equals the stored one.
                    "score": 1.0
                    if by_hand
                    else (round(float(scores[i, column[key]]), 4) if key >= 0 else 0.0),
                    "scores": {str(self.order[j]): round(float(scores[i, j]), 4) for j in top},
                    "x": float(coords[i, 0]),
                    "y": float(coords[i, 1]),
                    "source": "human" if by_hand else "model",
                }
            )
        return rows


def _centred_centroid(info: ThemeDescription) -> np.ndarray:
    assert info.centred_centroid is not None, "described with the run's center"
    return np.asarray(info.centred_centroid, np.float64)


def settle_names(themes: Sequence[Theme]) -> None:
    """Make the run's theme names differ: a machine-made name that repeats a name people
    or the codebook gave (or one already used) gets a number, "Liikenne 2"."""
    taken = {t.name.lower() for t in themes if t.name_edited or t.seed}
    for theme in sorted(themes, key=lambda t: t.key):
        if theme.name_edited or theme.seed:
            continue
        name, count = theme.name, 1
        while name.lower() in taken:
            count += 1
            name = f"{theme.name} {count}"
        theme.name = name
        taken.add(name.lower())


def apply_description(theme: Theme, info: ThemeDescription) -> None:
    theme.centroid = info.centroid.astype("<f4").tobytes()
    theme.keywords = info.keywords
    theme.representatives = info.representatives
    theme.size = info.size
    theme.x, theme.y = info.x, info.y
    theme.description = info.description
    if info.centred_centroid is not None:
        theme.centred_centroid = info.centred_centroid.astype("<f4").tobytes()
        theme.typical_similarity = info.typical_similarity
        theme.similarity_quantiles = info.similarity_quantiles
    if not theme.name_edited and not theme.seed:  # codebook themes keep the codebook's name
        theme.name = info.name


def hold_write_lock(session: Session, run_id: int) -> ThemeRun | None:
    """The run, locked for this transaction (None if it is gone). SQLite takes its one
    write lock at a transaction's first write, so this no-op write comes first: no other
    connection can then delete notes between ``lock_notes`` and what is stored."""
    session.execute(
        update(ThemeRun).where(ThemeRun.id == run_id).values(note_count=ThemeRun.note_count)
    )
    return session.get(ThemeRun, run_id, with_for_update=True)


def lock_notes(session: Session, note_ids: Sequence[int]) -> set[int]:
    """The notes among ``note_ids`` that still exist, kept from being deleted until the
    transaction ends (PostgreSQL: FOR KEY SHARE, so a delete waits and then removes what
    was stored; SQLite: the caller holds the write lock, see ``hold_write_lock``)."""
    alive: set[int] = set()
    ids = list(note_ids)
    for i in range(0, len(ids), 1000):
        alive.update(
            session.scalars(
                select(Note.id)
                .where(Note.id.in_(ids[i : i + 1000]))
                .with_for_update(read=True, key_share=True)
            )
        )
    return alive


def recount(session: Session, run_id: int) -> None:
    """Set the run's theme sizes, note count and unassigned share from its assignments."""
    counts = dict(
        session.execute(
            select(Assignment.theme_key, func.count())
            .where(Assignment.run_id == run_id)
            .group_by(Assignment.theme_key)
        ).all()
    )
    for theme in session.scalars(select(Theme).where(Theme.run_id == run_id)):
        theme.size = int(counts.get(theme.key, 0))
    run = session.get(ThemeRun, run_id)
    if run is not None:
        run.note_count = int(sum(counts.values()))
        run.unassigned_share = counts.get(None, 0) / run.note_count if run.note_count else 0.0

"""Turning a run's final note-to-theme labels into stored themes: sizes, centroids,
keywords, names, representative notes and map positions. Used by runs and by edits,
so a theme always looks the same however its notes got there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import Assignment, Note, Theme, ThemeRun


@dataclass(frozen=True)
class ThemeDescription:
    centroid: np.ndarray  # (d,), unit length
    keywords: list[list[object]]  # [[lemma, weight], ...]
    name: str
    representatives: list[int]  # note ids closest to the centroid
    x: float
    y: float
    size: int
    centred_centroid: np.ndarray | None = None  # (d,), unit mean of centred members
    typical_similarity: float | None = None  # median member cosine to it


def normalise(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


def describe_themes(
    keys: np.ndarray,
    vectors: np.ndarray,
    lemma_docs: Sequence[str],
    note_ids: Sequence[int],
    coords: np.ndarray,
    center: np.ndarray | None = None,
) -> dict[int, ThemeDescription]:
    """Per theme key: centroid, keywords, name, 3 representative notes, map position, size.

    ``keys`` has shape (n,), -1 = unassigned; ``vectors`` (n, d); ``coords`` (n, 2);
    ``center`` (d,) the run's corpus mean, to describe themes for scoring new notes.
    """
    from service.pipeline.themes import theme_keywords, theme_name

    present = sorted(int(k) for k in set(keys.tolist()) if k >= 0)
    index_of = {key: i for i, key in enumerate(present)}
    labels = np.array([index_of.get(int(k), -1) for k in keys])
    keywords = theme_keywords(list(lemma_docs), labels) if present else []
    described: dict[int, ThemeDescription] = {}
    for key in present:
        members = np.flatnonzero(keys == key)
        centroid = normalise(vectors[members].mean(axis=0))
        closest = members[np.argsort(-(vectors[members] @ centroid), kind="stable")[:3]]
        words = keywords[index_of[key]]
        centred_centroid = typical = None
        if center is not None:
            centred = vectors[members] - center
            centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
            centred_centroid = normalise(centred.mean(axis=0))
            typical = float(np.median(centred @ centred_centroid))
        described[key] = ThemeDescription(
            centroid=centroid,
            keywords=[[w, round(float(s), 4)] for w, s in words],
            name=theme_name(words),
            representatives=[int(note_ids[i]) for i in closest],
            x=float(coords[members, 0].mean()),
            y=float(coords[members, 1].mean()),
            size=int(len(members)),
            centred_centroid=centred_centroid,
            typical_similarity=typical,
        )
    return described


def tree_of(described: dict[int, ThemeDescription]) -> dict[str, object]:
    from service.theming.tree import theme_tree

    keys = sorted(described)
    if not keys:
        return {}
    return theme_tree(
        keys,
        np.stack([described[k].centroid for k in keys]),
        [described[k].size for k in keys],
        [[str(w) for w, _ in described[k].keywords] for k in keys],
    )


def refresh_run_themes(
    session: Session, run_id: int, vectors_by_note: dict[int, np.ndarray]
) -> None:
    """Recompute every theme of a run from its current assignments (after an edit).

    Names people gave are kept; themes left without notes are removed.
    """
    rows = session.execute(
        select(Assignment, Note.content_lemmas)
        .join(Note, Note.id == Assignment.note_id)
        .where(Assignment.run_id == run_id)
        .order_by(Assignment.note_id)
    ).all()
    note_ids = [a.note_id for a, _ in rows]
    keys = np.array([a.theme_key if a.theme_key is not None else -1 for a, _ in rows])
    vectors = np.stack([vectors_by_note[i] for i in note_ids])
    coords = np.array([[a.x, a.y] for a, _ in rows])
    run = session.get(ThemeRun, run_id)
    center = np.frombuffer(run.center, dtype="<f4") if run and run.center else None
    described = describe_themes(
        keys, vectors, [" ".join(lemmas) for _, lemmas in rows], note_ids, coords, center
    )
    for theme in session.scalars(select(Theme).where(Theme.run_id == run_id)):
        info = described.get(theme.key)
        if info is None:
            session.delete(theme)
            continue
        apply_description(theme, info)
    if run is not None:
        run.tree = tree_of(described)


def apply_description(theme: Theme, info: ThemeDescription) -> None:
    theme.centroid = info.centroid.astype("<f4").tobytes()
    theme.keywords = info.keywords
    theme.representatives = info.representatives
    theme.size = info.size
    theme.x, theme.y = info.x, info.y
    if info.centred_centroid is not None:
        theme.centred_centroid = info.centred_centroid.astype("<f4").tobytes()
        theme.typical_similarity = info.typical_similarity
    if not theme.name_edited and not theme.seed:  # codebook themes keep the codebook's name
        theme.name = info.name

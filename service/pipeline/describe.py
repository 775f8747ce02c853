"""What a theme is, computed from its notes: centroid, keywords, name, description,
representative notes, map position, the spread of its members' similarity, and the fit
of any note to it. Pure: themes are described the same whether a run, an edit or a new
note asked, and ``theming.store`` writes the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.pipeline.explain import QUANTILES, fit_scores, quantiles_of, theme_description
from service.pipeline.naming import Embed, theme_names
from service.pipeline.partitions import central_members, unit_rows
from service.pipeline.phrases import Phrase
from service.pipeline.themes import theme_keywords
from service.pipeline.tree import theme_tree
from service.pipeline.words import written_names

__all__ = [
    "ThemeDescription",
    "centred_similarity",
    "describe_themes",
    "normalise",
    "theme_fit",
    "tree_of",
]


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
    similarity_quantiles: list[float] | None = None  # of the member cosines, ascending
    description: str = ""  # a sentence of the most central note


def normalise(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


def centred_similarity(
    members: np.ndarray, center: np.ndarray | None
) -> tuple[np.ndarray | None, float | None, list[float] | None]:
    """(unit mean of the centred members (d,), their median cosine to it, the quantiles of
    those cosines), all None without a corpus ``center``. ``members`` is (m, d)."""
    if center is None:
        return None, None, None
    centred = members - center
    unit_rows(centred, out=centred)
    centred_centroid = normalise(centred.mean(axis=0))
    own = centred @ centred_centroid
    typical = float(np.median(own))
    return centred_centroid, typical, [round(float(q), 6) for q in quantiles_of(own)]


def describe_themes(
    keys: np.ndarray,
    vectors: np.ndarray,
    lemma_docs: Sequence[str],
    note_ids: Sequence[int],
    coords: np.ndarray,
    center: np.ndarray | None = None,
    texts: Sequence[str] | None = None,
    phrases: Sequence[Sequence[Phrase]] | None = None,
    embed: Embed | None = None,
) -> dict[int, ThemeDescription]:
    """Per theme key: centroid, keywords, name, description, 3 representative notes,
    map position, size.

    ``keys`` has shape (n,), -1 = unassigned; ``vectors`` (n, d); ``coords`` (n, 2);
    ``center`` (d,) the run's corpus mean, to describe themes for scoring new notes;
    ``texts`` the notes' texts (for descriptions); ``phrases`` their noun phrases and
    ``embed`` the project's embedder (for names; see ``pipeline.naming``).
    """
    present = sorted(int(k) for k in set(keys.tolist()) if k >= 0)
    index_of = {key: i for i, key in enumerate(present)}
    labels = np.array([index_of.get(int(k), -1) for k in keys])
    keywords = theme_keywords(list(lemma_docs), labels) if present else []
    centroids = [normalise(vectors[keys == key].mean(axis=0)) for key in present]
    phrases = phrases if phrases is not None else [()] * len(labels)
    written = written_names(texts) if texts else frozenset()
    stacked = np.stack(centroids) if centroids else None
    names = theme_names(labels, phrases, keywords, stacked, embed, center, names=written)
    described: dict[int, ThemeDescription] = {}
    for key in present:
        members = np.flatnonzero(keys == key)
        centroid = centroids[index_of[key]]
        central = central_members(vectors, members, centroid)
        words = keywords[index_of[key]]
        centred_centroid, typical, quantiles = centred_similarity(vectors[members], center)
        described[key] = ThemeDescription(
            centroid=centroid,
            keywords=[[w, round(float(s), 4)] for w, s in words],
            name=names[index_of[key]].name,
            representatives=[int(note_ids[i]) for i in central[:3]],
            x=float(coords[members, 0].mean()),
            y=float(coords[members, 1].mean()),
            size=int(len(members)),
            centred_centroid=centred_centroid,
            typical_similarity=typical,
            similarity_quantiles=quantiles,
            description=theme_description(
                [texts[i] for i in central],
                central_lemmas=[lemma_docs[i] for i in central],
                keywords=[str(w) for w, _ in words],
                name_lemmas=names[index_of[key]].lemmas,
            )
            if texts
            else "",
        )
    return described


def tree_of(described: dict[int, ThemeDescription]) -> dict[str, object]:
    keys = sorted(described)
    if not keys:
        return {}
    return theme_tree(
        keys,
        np.stack([described[k].centroid for k in keys]),
        [described[k].size for k in keys],
        [[str(w) for w, _ in described[k].keywords] for k in keys],
    )


def theme_fit(
    similarity: np.ndarray, typical: np.ndarray, quantiles: Sequence[Sequence[float] | None]
) -> np.ndarray:
    """(n, k) fit of notes to themes from their (n, k) centred cosines, as the theme model
    scores (``explain.fit_scores``, by each theme's own member quantiles); a theme without
    quantiles (stored before they existed) keeps the ratio to its ``typical`` (k,) cosine."""
    scores = np.clip(similarity / typical, 0.0, 1.0) if len(typical) else similarity
    calibrated = [j for j, q in enumerate(quantiles) if len(q or ()) == QUANTILES]
    if calibrated:
        rows = np.array([quantiles[j] for j in calibrated], np.float64)
        scores[:, calibrated] = fit_scores(similarity[:, calibrated], rows)
    return scores

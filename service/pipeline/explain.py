"""What a theme says and why a note sits in it, for people reading the themes.

* ``theme_description``: one sentence, the first of the theme's most central note (the
  note nearest its centroid), cut at a sentence boundary, never mid-sentence.
* ``fit_scores``: a note's fit to a theme as a calibrated number. The raw cosine to a
  theme's centroid means little on its own (e5 cosines differ from theme to theme),
  and the earlier ratio to the theme's median member cosine, clipped at 1, gave half
  of every theme's notes 1.00. Here a note's fit is the share of the theme's own notes
  that are less close to its centroid than this note: the empirical distribution of
  the members' cosines, stored as ``QUANTILES`` quantiles per theme and interpolated
  linearly. 0.50 is a typical note of the theme, 0.90 closer than 90% of them, 0 no
  closer than its least typical member; a note about two themes scores on both.
* ``why_here``: the theme's keywords a note contains, its fit, and the next theme's.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from service.pipeline.naming import is_nameable
from service.pipeline.privacy.detect import holds_placeholder
from service.pipeline.words import word_bases

__all__ = [
    "QUANTILES",
    "first_sentence",
    "fit_scores",
    "quantiles_of",
    "similarity_quantiles",
    "theme_description",
    "why_here",
]

QUANTILES = 21  # every 5th percentile of a theme's member cosines
DESCRIPTION_CHARS = 220  # a description longer than this is skipped for a shorter one
_MIN_DESCRIPTION_CHARS = 25  # "Kiinnostava kokonaisuus" says too little
_CANDIDATE_NOTES = 5  # how many of the most central notes may give the description

# Abbreviations whose dot does not end a sentence (lowercased, without the dot).
_ABBREVIATIONS = frozenset(
    {
        "esim", "mm", "ym", "yms", "tms", "jne", "ns", "ks", "vrt", "noin", "klo",
        "milj", "mrd", "prof", "tri", "ts", "engl", "ruots", "lat", "vs", "os", "puh",
        "kok", "pj", "siht",
    }
)  # fmt: skip
# A sentence ends at . ! ? or … followed by space and a capital, a digit or a quote,
# or at a line break (bullets and slide lines carry no full stop).
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“”'(]?[A-ZÅÄÖ0-9])|\n+")


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, stripped; the whole text if it is one sentence.

    A dot after a known abbreviation ("esim.", "mm.") or a single letter does not end
    a sentence.
    """
    text = text.strip()
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].strip()
        words = candidate.split()
        last = words[-1].rstrip(".").lower() if words else ""
        if candidate.endswith(".") and (last in _ABBREVIATIONS or len(last) == 1):
            continue
        if candidate:
            return candidate
        start = match.end()
    return text[start:].strip()


def theme_description(
    central_texts: Sequence[str],
    limit: int = DESCRIPTION_CHARS,
    central_lemmas: Sequence[str] = (),
    keywords: Collection[str] = (),
    name_lemmas: Collection[str] = (),
) -> str:
    """One sentence describing a theme, from its notes ordered most central first.

    The first sentence of the most central note that is between 25 and ``limit``
    characters; if none of the five most central notes has one, the shortest first
    sentence among them of at least 25 characters (else the shortest). "" without notes.
    Those of the five whose lemmas (``central_lemmas``, same order, space-separated)
    hold one of the theme's ``keywords`` go first: a short reply ("Ehdottomasti, jos
    työasiat saa ratkaistua.") can sit at a theme's centre and say nothing of it.
    Keywords that could not name a theme (stop words, generic words such as
    "tekeminen") do not count. Before them come those that use a word of the theme's
    name (``name_lemmas``): a description should speak of what the name says
    ("Hyvinvointi ja kunnat" was described by "Haetaan kotoa, kampanjoidaan", which
    uses only its keyword "hakea"), first those whose first sentence itself does (by
    Voikko's base forms): "Alueen toimijoiden kyky" was described by its note's slogan
    "Yhdessä uudistumalla elinvoimaa!", the name's words coming only after it. A sentence
    holding a placeholder of removed personal data ("Fasilitaattori: [NIMI], puh.
    [PUHELIN]") goes after all of them.
    """
    notes = list(central_texts[:_CANDIDATE_NOTES])
    words = {w for w in keywords if is_nameable(w)}
    named = {w for w in name_lemmas if is_nameable(w)}
    lemmas = [set(d.split()) for d in central_lemmas[: len(notes)]]
    lemmas += [set()] * (len(notes) - len(lemmas))
    firsts = [first_sentence(t) for t in notes]
    said = [
        bool(named & word_bases(f)) if named & lemmas[i] else False for i, f in enumerate(firsts)
    ]
    order = sorted(
        range(len(notes)),
        key=lambda i: (
            holds_placeholder(firsts[i]),
            not said[i],
            not named & lemmas[i],
            not words & lemmas[i],
        ),
    )
    sentences = [firsts[i] for i in order if notes[i].strip()]
    if not sentences:
        return ""
    for sentence in sentences:
        if _MIN_DESCRIPTION_CHARS <= len(sentence) <= limit:
            return sentence
    long_enough = [s for s in sentences if len(s) >= _MIN_DESCRIPTION_CHARS] or sentences
    return min(long_enough, key=len)


def quantiles_of(cosines: np.ndarray) -> np.ndarray:
    """(QUANTILES,) quantiles of one theme's member cosines, ascending (1.0 when empty)."""
    cosines = np.asarray(cosines, np.float64)
    if not len(cosines):
        return np.ones(QUANTILES)
    return np.quantile(cosines, np.linspace(0.0, 1.0, QUANTILES))


def similarity_quantiles(similarity: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(k, QUANTILES) quantiles of each theme's member cosines, ascending.

    ``similarity`` (n, k) cosine of every note to every theme's centroid; ``labels``
    (n,) theme per note, -1 unassigned. A theme without members gets quantiles of 1.0,
    so no note fits it.
    """
    similarity = np.asarray(similarity, np.float64)
    labels = np.asarray(labels)
    return np.array(
        [quantiles_of(similarity[labels == t, t]) for t in range(similarity.shape[1])]
    ).reshape(similarity.shape[1], QUANTILES)


def fit_scores(similarity: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """(n, k) fit of each note to each theme in 0..1: the share of the theme's members
    less close to its centroid than the note (see the module's docstring).

    ``similarity`` (n, k) cosines; ``quantiles`` (k, Q) from ``similarity_quantiles``.
    """
    similarity = np.atleast_2d(np.asarray(similarity, np.float64))
    quantiles = np.asarray(quantiles, np.float64)
    levels = np.linspace(0.0, 1.0, quantiles.shape[1])
    scores = np.zeros_like(similarity)
    for theme in range(quantiles.shape[0]):
        # np.interp needs increasing x; repeated quantiles (ties) are merged.
        points, first = np.unique(quantiles[theme], return_index=True)
        if len(points) == 1:  # all members equally close: at least as close fits fully
            scores[:, theme] = (similarity[:, theme] >= points[0]).astype(np.float64)
            continue
        last = np.r_[first[1:] - 1, len(levels) - 1]  # the highest level of each point
        scores[:, theme] = np.interp(similarity[:, theme], points, levels[last], 0.0, 1.0)
    return scores


def why_here(
    note_lemmas: Sequence[str],
    keywords: Sequence[str],
    scores: Mapping[int, float],
    theme: int | None,
) -> dict[str, Any]:
    """Why a note sits in ``theme``: the theme's ``keywords`` (lemmas, best first) the
    note's lemmas contain, its fit there, and the best other theme with its fit.

    ``scores``: fit per theme key (at least the note's few best). Returns
    ``{"keywords": [...], "score": float | None, "next_theme": key | None,
    "next_score": float | None, "margin": float | None}``; ``margin`` = score minus
    next_score, negative when the note fits another theme better.
    """
    present = set(note_lemmas)
    contained = [word for word in keywords if word in present] if theme is not None else []
    own = scores.get(theme) if theme is not None else None
    others = sorted(((s, k) for k, s in scores.items() if k != theme), key=lambda p: (-p[0], p[1]))
    next_score, next_theme = others[0] if others else (None, None)
    margin = None if own is None or next_score is None else round(own - next_score, 4)
    return {
        "keywords": contained,
        "score": own,
        "next_theme": next_theme,
        "next_score": next_score,
        "margin": margin,
    }

"""How well theme names say what their notes say: coverage and exclusivity of the name's
words, today's keyword triplet ("Yritys · nuori · kesätyö") against the phrase name.

For a theme t and its name's lemmas W (stop words left out, as "ja" in "A ja B"):

* coverage: the share of t's notes whose lemmas contain any word of W (does the name
  speak of what most of the theme's notes say?);
* exclusivity: the share of all occurrences of W's words, over every note, that fall in
  t's notes (does the name point at this theme and not at the others?).

Both are averaged over themes (each theme counts once). Measured twice per data set: on
the themes the default model finds, and on the data set's own labels taken as themes,
which does not depend on clustering (or its seed) at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from service.pipeline.explain import theme_description
from service.pipeline.keywords import NAME_SEPARATOR, theme_keywords, theme_name
from service.pipeline.language import FINNISH_STOP_WORDS
from service.pipeline.naming import UNNAMED, theme_names
from service.pipeline.phrases import Phrase

__all__ = ["name_quality", "name_themes"]


def name_quality(
    labels: np.ndarray, lemma_docs: Sequence[str], names: Sequence[Sequence[str]]
) -> dict[str, float]:
    """Mean coverage and exclusivity of ``names`` (per theme 0..k-1, its lemmas) over the
    themes of ``labels`` (n,), with the notes' ``lemma_docs`` (n strings of lemmas)."""
    docs = [Counter(doc.split()) for doc in lemma_docs]
    totals: Counter[str] = Counter()
    for doc in docs:
        totals.update(doc)
    coverage, exclusivity = [], []
    for theme, lemmas in enumerate(names):
        words = {w for w in lemmas if w not in FINNISH_STOP_WORDS}
        members = np.flatnonzero(labels == theme)
        if not len(members):
            continue
        coverage.append(float(np.mean([any(w in docs[i] for w in words) for i in members])))
        inside = sum(docs[i][w] for i in members for w in words)
        total = sum(totals[w] for w in words)
        exclusivity.append(inside / total if total else 0.0)
    return {
        "coverage": round(float(np.mean(coverage)), 4) if coverage else 0.0,
        "exclusivity": round(float(np.mean(exclusivity)), 4) if exclusivity else 0.0,
    }


def name_themes(
    labels: np.ndarray,
    vectors: np.ndarray,
    texts: Sequence[str],
    lemma_docs: Sequence[str],
    phrases: Sequence[Sequence[Phrase]],
    embed: Callable[[list[str]], np.ndarray],
) -> dict[str, Any]:
    """Names of the themes of ``labels`` (n,) both ways, as the service makes them, and
    their quality: ``{"themes": [{theme, size, triplet, name, description}],
    "triplet": {coverage, exclusivity}, "name": {coverage, exclusivity}}``.

    ``vectors`` (n, d) the notes' embeddings; ``embed`` the same embedder.
    """
    labels = np.asarray(labels)
    k = int(labels.max()) + 1
    vectors = np.asarray(vectors, np.float64)
    keywords = theme_keywords(lemma_docs, labels)
    centroids = np.stack([vectors[labels == t].mean(axis=0) for t in range(k)])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    names = theme_names(labels, phrases, keywords, centroids, embed, vectors.mean(axis=0))
    # Today's names exactly: keywords.theme_name's words (stop words and contained
    # lemmas skipped), "Yritys · nuori · kesätyö".
    triplet_names = [theme_name(words) for words in keywords]
    triplets = [
        [w.lower() for w in name.split(NAME_SEPARATOR)] if name != UNNAMED else []
        for name in triplet_names
    ]
    themes = []
    for t in range(k):
        members = np.flatnonzero(labels == t)
        central = members[np.argsort(-(vectors[members] @ centroids[t]), kind="stable")]
        themes.append(
            {
                "theme": t,
                "size": len(members),
                "triplet": triplet_names[t],
                "name": names[t].name,
                "description": theme_description([texts[i] for i in central]),
            }
        )
    return {
        "themes": themes,
        "triplet": name_quality(labels, lemma_docs, triplets),
        "name": name_quality(labels, lemma_docs, [n.lemmas for n in names]),
    }

"""Keywords and names of themes: c-TF-IDF over lemmas, optional MMR diversity.

Keywords are computed from lemma documents (one string of space-separated content
lemmas per note, as ``language.lemma_documents`` makes them), never from raw text:
BERTopic's own keyword step with ``language="english"`` keeps only ``[A-Za-z0-9 ]`` and
so deletes ä and ö, and Finnish inflection would split one word into dozens of forms.
The class-based TF-IDF is BERTopic's (``ClassTfidfTransformer``), computed here by
:func:`class_tfidf` with the same operations: importing ``bertopic`` would load all of
BERTopic (UMAP, plotting, sentence-transformers and torch) into every upload and theme
run for a dozen lines of arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from service.pipeline.language import FINNISH_STOP_WORDS

__all__ = [
    "Keywords",
    "WordWeights",
    "class_tfidf",
    "mmr",
    "theme_keywords",
    "theme_name",
    "word_weights",
]

Keywords = list[list[tuple[str, float]]]
"""Per theme, (lemma, weight) pairs, best first; weights are c-TF-IDF values >= 0."""

NAME_SEPARATOR = " · "


def _is_name_word(lemma: str) -> bool:
    """Whether a lemma may appear in keywords: letters, two or more characters, not a stop word."""
    return (
        len(lemma) >= 2
        and any(char.isalpha() for char in lemma)
        and lemma.lower() not in FINNISH_STOP_WORDS
    )


@dataclass(frozen=True)
class WordWeights:
    """c-TF-IDF of every lemma in every theme. ``words`` (V,) lemmas; ``weights`` (k, V)
    c-TF-IDF values >= 0; ``counts`` (n, V) occurrences of each lemma in each note."""

    words: np.ndarray
    weights: np.ndarray
    counts: sp.csr_matrix

    def column(self) -> dict[str, int]:
        """Lemma -> its column in ``weights``."""
        return {str(word): j for j, word in enumerate(self.words)}


def class_tfidf(counts: sp.spmatrix, reduce_frequent_words: bool = False) -> np.ndarray:
    """(k, V) class-based TF-IDF of ``counts`` (k classes x V words, sparse, >= 0).

    BERTopic's formula, operation for operation (tests compare the two): each class's
    counts divided by its total (square-rooted with ``reduce_frequent_words``), times
    idf = log(1 + A / f), where f is a word's count over all classes and A the mean
    words per class, truncated to an integer. ``counts`` is left unchanged.
    """
    counts = sp.csr_matrix(counts)
    frequency = np.squeeze(np.asarray(counts.sum(axis=0)))
    mean_words = int(counts.sum(axis=1).mean())
    idf = np.log((mean_words / frequency) + 1)
    shape = (counts.shape[1], counts.shape[1])
    weights = normalize(counts, axis=1, norm="l1", copy=True)
    if reduce_frequent_words:
        weights.data = np.sqrt(weights.data)
    weights = weights * sp.diags(idf, offsets=0, shape=shape, format="csr", dtype=np.float64)
    return np.asarray(weights.todense())


def word_weights(lemma_docs: Sequence[str], labels: np.ndarray, n_themes: int) -> WordWeights:
    """c-TF-IDF of the lemmas of ``lemma_docs`` (n strings) in themes 0..n_themes-1 of
    ``labels`` (n,) (-1 ignored). Stop words and lemmas used only by unassigned notes
    are left out; with no lemma at all, V is 0."""
    labels = np.asarray(labels)
    if len(lemma_docs) != len(labels):
        raise ValueError(f"{len(lemma_docs)} lemma documents but {len(labels)} labels")
    docs = [" ".join(w for w in doc.split() if _is_name_word(w)) for doc in lemma_docs]
    vectorizer = CountVectorizer(token_pattern=r"\S+", lowercase=False)
    try:
        counts = vectorizer.fit_transform(docs).tocsr()
    except ValueError:  # no lemma at all in any note
        empty = sp.csr_matrix((len(docs), 0))
        return WordWeights(np.array([], dtype=str), np.zeros((n_themes, 0)), empty)
    words = vectorizer.get_feature_names_out()
    assigned = labels >= 0
    # One row per theme: the summed counts of its notes (BERTopic joins documents per class).
    membership = sp.csr_matrix(
        (np.ones(int(assigned.sum())), (labels[assigned], np.flatnonzero(assigned))),
        shape=(n_themes, len(docs)),
    )
    theme_counts = membership @ counts
    # Lemmas found only in unassigned notes would have a zero document frequency.
    kept = np.flatnonzero(np.asarray(theme_counts.sum(axis=0)).ravel() > 0)
    theme_counts, counts, words = theme_counts[:, kept], counts[:, kept], words[kept]
    if len(kept) <= 1:  # BERTopic's transformer fails on a one-word vocabulary; kept as it was
        present = (np.asarray(theme_counts.todense()) > 0).astype(np.float64)
        return WordWeights(words, present, counts)
    # reduce_frequent_words: sqrt of term frequency, so a word repeated in one long
    # note does not outweigh a word shared by many notes.
    ctfidf = class_tfidf(theme_counts, reduce_frequent_words=True)
    return WordWeights(words, ctfidf, counts)


def theme_keywords(
    lemma_docs: Sequence[str],
    labels: np.ndarray,
    top_n: int = 10,
    diversity: float = 0.0,
) -> Keywords:
    """c-TF-IDF keywords of every theme.

    ``lemma_docs``: n strings of space-separated lemmas. ``labels``: (n,) int theme per
    note, -1 for unassigned (ignored). Returns ``labels.max() + 1`` lists of at most
    ``top_n`` (lemma, weight) pairs, best first; a theme without any usable lemma gets
    an empty list. ``diversity`` in [0, 1] re-ranks the best ``3 * top_n`` candidates by
    maximal marginal relevance, where two lemmas are similar when they occur in the
    same notes (cosine of their note-occurrence columns), so that "kesätyö" and
    "kesätyöpaikka" do not both take a place.
    """
    labels = np.asarray(labels)
    n_themes = int(labels.max()) + 1 if len(labels) else 0
    table = word_weights(lemma_docs, labels, n_themes)
    if n_themes == 0:
        return []
    words, ctfidf = table.words, table.weights
    occurrence = (table.counts > 0).astype(np.float64).tocsc() if diversity > 0 else None
    keywords: Keywords = []
    for theme in range(n_themes):
        row = ctfidf[theme]
        # Ties broken by the word itself so that the order never depends on the platform.
        nonzero = [int(j) for j in np.flatnonzero(row > 0)]
        order = sorted(nonzero, key=lambda j: (-row[j], words[j]))
        if occurrence is not None and order:
            candidates = np.array(order[: 3 * top_n])
            chosen = mmr(row[candidates], _cooccurrence(occurrence, candidates), top_n, diversity)
            order = [int(candidates[j]) for j in chosen]
        keywords.append([(str(words[j]), float(row[j])) for j in order[:top_n]])
    return keywords


def _cooccurrence(occurrence: sp.csc_matrix, columns: np.ndarray) -> np.ndarray:
    """(c, c) cosine similarity of the note-occurrence columns of ``columns``."""
    block = occurrence[:, columns]
    gram = np.asarray((block.T @ block).todense())
    norms = np.sqrt(np.diag(gram))
    norms[norms == 0] = 1.0
    return gram / norms[:, None] / norms[None, :]


def mmr(relevance: np.ndarray, similarity: np.ndarray, top_n: int, diversity: float) -> list[int]:
    """Maximal marginal relevance: indexes of ``top_n`` candidates, chosen in order.

    ``relevance``: (c,) score of each candidate (any scale; rescaled to 0..1 here).
    ``similarity``: (c, c) similarity between candidates in 0..1. Each step takes the
    candidate maximising ``(1 - diversity) * relevance - diversity * max similarity to
    those already chosen``; ``diversity=0`` is plain ranking by relevance.
    """
    count = len(relevance)
    if count == 0:
        return []
    top = float(np.max(relevance))
    scaled = relevance / top if top > 0 else relevance
    chosen = [int(np.argmax(scaled))]
    remaining = [j for j in range(count) if j != chosen[0]]
    while remaining and len(chosen) < top_n:
        redundancy = similarity[np.ix_(remaining, chosen)].max(axis=1)
        value = (1 - diversity) * scaled[remaining] - diversity * redundancy
        best = remaining[int(np.argmax(value))]  # argmax takes the first of equals
        chosen.append(best)
        remaining.remove(best)
    return chosen


def theme_name(keywords: Sequence[tuple[str, float]], words: int = 3) -> str:
    """A readable name from a theme's keywords: its best ``words`` lemmas, "Yritys · nuori".

    Stop words and lemmas contained in an already chosen one ("kesätyö" after
    "kesätyöpaikka") are skipped; a theme without keywords is "(nimetön teema)".
    """
    chosen: list[str] = []
    for lemma, _ in keywords:
        if not _is_name_word(lemma):
            continue
        if any(lemma in other or other in lemma for other in chosen):
            continue
        chosen.append(lemma)
        if len(chosen) == words:
            break
    if not chosen:
        return "(nimetön teema)"
    first = chosen[0][0].upper() + chosen[0][1:]
    return NAME_SEPARATOR.join([first, *chosen[1:]])

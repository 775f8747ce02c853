"""Theme names a coordinator can read aloud: a Finnish noun phrase in base form.

Candidates are the noun phrases the theme's own notes use (``phrases.noun_phrases``:
"osaavan työvoiman saatavuus", "nuorten hyvinvointi", "kesätyöpaikka"). Each is scored
for a theme in two ways, as BERTopic's KeyBERTInspired representation does over words:

* class-based TF-IDF over phrases (BERTopic's ``ClassTfidfTransformer``, counting the
  notes that use a phrase): how much more this theme's notes use it than the others';
* closeness: cosine between the phrase, embedded by the project's own embedder, and the
  theme's centroid, both centred on the corpus mean: how well it says what the theme's
  notes say as a whole.

A theme takes its best phrase by the two scores' mean (each scaled to 0..1 over the
theme's candidates), in order of confidence over all themes, so that two themes never
get the same name. A phrase made only of generic words ("alue", "toiminta") or holding a
stop word ("asia", "hyvä") never names a theme; neither does a proper noun: the phrase
extractor leaves out what Voikko or spaCy call a name, and a word the notes themselves
write as a name ("Sitran kanssa", ``phrases.written_names``) is dropped here. A theme
without phrases (simplemma backend, a tiny theme) falls back to its best keyword that is
no generic word and no name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import scipy.sparse as sp

from service.pipeline.keywords import Keywords, class_tfidf
from service.pipeline.language import FINNISH_STOP_WORDS
from service.pipeline.partitions import unit_rows
from service.pipeline.phrases import Phrase
from service.pipeline.words import topic_word_rank

__all__ = ["GENERIC_WORDS", "UNNAMED", "ThemeName", "is_nameable", "theme_names"]

UNNAMED = "(nimetön teema)"
Embed = Callable[[list[str]], np.ndarray]


def _read_generic_words() -> frozenset[str]:
    package = __package__ or "service.pipeline"
    text = resources.files(package).joinpath("generic_fi.txt").read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(word for word in words if word)


# Lemmas that say nothing about a topic on their own in workshop notes; see generic_fi.txt.
GENERIC_WORDS: frozenset[str] = _read_generic_words()


@dataclass(frozen=True)
class ThemeName:
    """A theme's name. ``name``: the phrase in base form, first letter capitalised.
    ``lemmas``: the lemmas of its words (to match against notes' lemmas). ``key``: the
    phrase's key (lemmas joined by spaces), "" for the fallback and for no name."""

    name: str
    lemmas: tuple[str, ...]
    key: str = ""


def is_nameable(key: str) -> bool:
    """Whether a phrase (by its lemmas) may name a theme: no stop word, not only
    generic words."""
    words = key.split()
    return (
        bool(words)
        and not any(w in FINNISH_STOP_WORDS for w in words)
        and not all(w in GENERIC_WORDS for w in words)
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class _PhraseTable:
    """Which notes of which theme use which phrase. ``keys`` (V,) phrase keys;
    ``texts`` (V,) their most used base form; ``counts`` (k, V) notes of each theme
    using each phrase."""

    keys: list[str]
    texts: list[str]
    counts: sp.csr_matrix


def _display(forms: Counter[tuple[str, str]]) -> str:
    """A phrase as a name shows it, from its uses as (text, number) counts: the
    nominative plural when most uses are plural and the notes wrote it ("nuoret"),
    else the most used singular base form (ties broken by the text)."""
    plural = sum(c for (_, number), c in forms.items() if number in ("p", "o"))
    written = Counter({text: c for (text, number), c in forms.items() if number == "p"})
    if written and plural * 2 >= sum(forms.values()):
        pool = written
    else:
        pool = Counter()
        for (text, number), c in forms.items():
            if number != "p":
                pool[text] += c
    return min(pool.items(), key=lambda item: (-item[1], item[0]))[0]


def _phrase_table(
    labels: np.ndarray, note_phrases: Sequence[Sequence[Phrase]], k: int
) -> _PhraseTable:
    forms: dict[str, Counter[tuple[str, str]]] = {}
    rows: list[int] = []
    columns: list[int] = []
    index: dict[str, int] = {}
    for label, phrases in zip(labels, note_phrases, strict=True):
        if label < 0:
            continue
        for key in {phrase[0] for phrase in phrases if is_nameable(phrase[0])}:
            column = index.setdefault(key, len(index))
            rows.append(int(label))
            columns.append(column)
        for key, text, number in phrases:
            if key in index:
                forms.setdefault(key, Counter())[(text, number)] += 1
    keys = list(index)
    counts = sp.csr_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(k, len(keys)), dtype=np.float64
    )
    return _PhraseTable(keys, [_display(forms[key]) for key in keys], counts)


def _ctfidf(counts: sp.csr_matrix) -> np.ndarray:
    """(k, V) class-based TF-IDF of phrase counts (BERTopic's formula, ``class_tfidf``)."""
    if counts.shape[1] < 2:  # BERTopic's transformer failed on a one-word vocabulary
        return np.asarray(counts.todense())
    return class_tfidf(counts)


def _candidates(
    table: _PhraseTable, ctfidf: np.ndarray, sizes: np.ndarray, top: int
) -> list[np.ndarray]:
    """Per theme, column indexes of its best ``top`` phrases by c-TF-IDF among those
    used by at least two of its notes (one in a theme of fewer than four)."""
    counts = np.asarray(table.counts.todense())
    chosen = []
    for theme in range(len(sizes)):
        least = 2 if sizes[theme] >= 4 else 1
        usable = np.flatnonzero(counts[theme] >= least)
        order = sorted(usable, key=lambda j: (-ctfidf[theme, j], table.keys[j]))
        chosen.append(np.array(order[:top], dtype=np.int64))
    return chosen


def _phrase_units(
    table: _PhraseTable, columns: Sequence[int], embed: Embed, center: np.ndarray | None
) -> dict[int, np.ndarray]:
    """Column -> unit vector of the phrase's embedding, centred on ``center`` (the
    corpus mean of the notes; e5 vectors share one large common direction, and
    without it every phrase sits at cosine ~0.9 from every theme)."""
    if not columns:
        return {}
    vectors = np.asarray(embed([table.texts[j] for j in columns]), dtype=np.float64)
    if center is not None:
        vectors = vectors - np.asarray(center, np.float64)
    return dict(zip(columns, unit_rows(vectors), strict=True))


def _fallback(keywords: Sequence[tuple[str, float]], taken: set[str]) -> ThemeName:
    """A theme without a usable phrase: its best keyword that may name a theme and can
    do so alone (``phrases.topic_word_rank``), a noun before a word that is also an
    adjective ("kampus" before "iso"), never a place name ("eurooppa")."""
    usable = [
        (rank, order, lemma)
        for order, (lemma, _) in enumerate(keywords)
        if is_nameable(lemma)
        and lemma not in taken
        and (rank := topic_word_rank(lemma)) is not None
    ]
    if usable:
        lemma = min(usable)[2]
        return ThemeName(_capitalised(lemma), (lemma,), lemma)
    return ThemeName(UNNAMED, ())


@dataclass(frozen=True)
class _Options:
    """One theme's candidate phrases (columns of the table), best first, with scores
    in 0..1 (1 = as good as its best), and its notes (indexes)."""

    columns: list[int]
    scores: list[float]
    members: np.ndarray


def _options(
    table: _PhraseTable,
    ctfidf: np.ndarray,
    chosen: list[np.ndarray],
    closeness: list[np.ndarray] | None,
    labels: np.ndarray,
    weight: float,
) -> list[_Options]:
    """Each theme's candidates ranked by relevance^(1-w) * closeness^w: c-TF-IDF, and
    the cosine to the theme's centroid clipped at 0, each relative to the theme's best
    candidate. A product, so a phrase must do well on both: a frequent generic noun
    ("tavoite", "henkilö") sits near cosine 0 and drops out."""
    result = []
    for theme, columns in enumerate(chosen):
        members = np.flatnonzero(labels == theme)
        if not len(columns):
            result.append(_Options([], [], members))
            continue
        score = ctfidf[theme, columns] / max(float(ctfidf[theme, columns].max()), 1e-12)
        if closeness is not None and weight > 0:
            cosine = np.clip(closeness[theme], 0.0, None)
            relative = cosine / cosine.max() if cosine.max() > 0 else np.ones_like(cosine)
            score = score ** (1 - weight) * relative**weight
        order = sorted(range(len(columns)), key=lambda i: (-score[i], table.keys[columns[i]]))
        result.append(
            _Options([int(columns[i]) for i in order], [float(score[i]) for i in order], members)
        )
    return result


@dataclass(frozen=True)
class _Context:
    """What naming one theme needs of all of them. ``counts`` (k, V) notes of each
    theme using each phrase; ``ctfidf`` (k, V) their class-based TF-IDF; ``note_words``
    each note's phrase lemmas; ``units`` column -> centred unit vector of the
    candidates (empty without an embedder)."""

    table: _PhraseTable
    counts: np.ndarray
    ctfidf: np.ndarray
    note_words: list[frozenset[str]]
    units: dict[int, np.ndarray]
    pair_ratio: float
    pair_gain: float


def _extended(context: _Context, theme: int, column: int) -> int:
    """``column``'s phrase, or the longer phrase holding it that at least half of the
    theme's notes using it use ("osaaminen" -> "alueiden osaaminen"): the phrase the
    notes themselves say."""
    keys, counts = context.table.keys, context.counts[theme]
    key = f" {keys[column]} "
    best, best_count = column, 0.0
    for other in np.flatnonzero(counts >= max(2.0, counts[column] / 2)):
        if other != column and key in f" {keys[other]} " and counts[other] > best_count:
            best, best_count = int(other), float(counts[other])
    return best


def _coverage(context: _Context, members: np.ndarray, words: set[str]) -> float:
    """Share of the ``members`` notes using any of ``words`` in a phrase."""
    if not len(members):
        return 0.0
    return float(np.mean([bool(context.note_words[i] & words) for i in members]))


def _redundant(context: _Context, first: int, other: int) -> bool:
    """Whether two phrases say the same: a shared word or word part ("osaamistarve",
    "osaamistarveteema"), or embeddings at centred cosine >= 0.7 ("roskis", "roska":
    0.70; "grillipaikka", "grillauspaikka": 0.93; "terveys", "hyvinvointi": 0.65)."""
    words, others = context.table.keys[first].split(), context.table.keys[other].split()
    if any(a in b or b in a for a in words for b in others):
        return True
    units = context.units
    return first in units and other in units and float(units[first] @ units[other]) >= 0.7


def _name(
    context: _Context, theme: int, options: _Options, first: int, taken: set[str]
) -> tuple[ThemeName, list[str]]:
    """The name a theme gets from its phrase ``first``: extended to the longer phrase
    its notes use, and joined by "ja" to its next best phrase when that one scores at
    least ``pair_ratio`` of the first, says something else, and reaches ``pair_gain``
    more of the theme's notes ("Terveys ja hyvinvointi"). The second phrase must weigh
    most in this theme (c-TF-IDF): a phrase another theme says better is left for it.
    Returns the name and the phrase keys it uses."""
    table = context.table
    column = _extended(context, theme, first)
    if table.keys[column] in taken:
        column = first
    words = set(table.keys[column].split())
    base = options.scores[options.columns.index(first)]
    for other, score in zip(options.columns, options.scores, strict=True):
        if score < context.pair_ratio * base:
            break
        if other in (first, column) or table.keys[other] in taken:
            continue
        if context.ctfidf[:, other].max() > context.ctfidf[theme, other]:
            continue
        if _redundant(context, column, other):
            continue
        others = set(table.keys[other].split())
        gain = _coverage(context, options.members, words | others) - _coverage(
            context, options.members, words
        )
        if gain < context.pair_gain:
            break  # only the best other phrase is tried, so that names stay short
        text = f"{_capitalised(table.texts[column])} ja {table.texts[other]}"
        lemmas = (*table.keys[column].split(), *table.keys[other].split())
        return ThemeName(text, lemmas, table.keys[column]), [table.keys[column], table.keys[other]]
    key = table.keys[column]
    return ThemeName(_capitalised(table.texts[column]), tuple(key.split()), key), [key]


def _distinct(names: list[ThemeName]) -> list[ThemeName]:
    """The names with a number added to repeats ("(nimetön teema) 2"): fallbacks of
    themes without words can coincide; phrases never do."""
    seen: Counter[str] = Counter()
    result = []
    for name in names:
        seen[name.name.lower()] += 1
        count = seen[name.name.lower()]
        result.append(
            name if count == 1 else ThemeName(f"{name.name} {count}", name.lemmas, name.key)
        )
    return result


def _best_names(context: _Context, options: list[_Options], keywords: Keywords) -> list[ThemeName]:
    """One name per theme 0..k-1 (repeats possible): the best phrase offers first, then
    a keyword for a theme no phrase was left for."""
    table = context.table
    # Every (score, theme, phrase) offer, best first; each theme takes its best phrase
    # that no theme took before it, so a phrase names the theme it fits best.
    offers = sorted(
        (-score, theme, table.keys[column], column)
        for theme, option in enumerate(options)
        for column, score in zip(option.columns, option.scores, strict=True)
    )
    names: dict[int, ThemeName] = {}
    taken: set[str] = set()
    for _, theme, key, column in offers:
        if theme in names or key in taken:
            continue
        names[theme], used = _name(context, theme, options[theme], column, taken)
        taken.update(used)
    for theme in range(len(keywords)):
        if theme not in names:
            names[theme] = _fallback(keywords[theme], taken)
            taken.add(names[theme].key)
    return [names[theme] for theme in range(len(keywords))]


def theme_names(
    labels: np.ndarray,
    note_phrases: Sequence[Sequence[Phrase]],
    keywords: Keywords,
    centroids: np.ndarray | None = None,
    embed: Embed | None = None,
    center: np.ndarray | None = None,
    candidates: int = 20,
    closeness_weight: float = 0.5,
    pair_ratio: float = 0.5,
    pair_gain: float = 0.05,
    names: frozenset[str] = frozenset(),
) -> list[ThemeName]:
    """One distinct name per theme 0..k-1.

    ``labels`` (n,) theme per note, -1 unassigned; ``note_phrases`` n lists of (key,
    text, number) from ``phrases.noun_phrases``; ``keywords`` k lists of (lemma,
    weight), the fallback; ``centroids`` (k, d) theme centroids in the space of
    ``embed`` (texts -> (m, d) vectors) and ``center`` (d,) the corpus mean there.
    Without ``embed`` (or ``centroids``) phrases are ranked by c-TF-IDF alone.
    ``candidates``: phrases per theme considered; ``closeness_weight`` in 0..1: the
    exponent of closeness against c-TF-IDF; ``pair_ratio``/``pair_gain``: see ``_name``.
    ``names``: lemmas the notes write as names (``phrases.written_names``), never part
    of a theme's name.
    """
    labels = np.asarray(labels)
    if names:
        note_phrases = [[p for p in ps if names.isdisjoint(p[0].split())] for ps in note_phrases]
        keywords = [[(w, s) for w, s in words if w not in names] for words in keywords]
    k = len(keywords)
    sizes = np.bincount(labels[labels >= 0], minlength=k)[:k]
    table = _phrase_table(labels, note_phrases, k)
    ctfidf = _ctfidf(table.counts) if table.keys else np.zeros((k, 0))
    chosen = _candidates(table, ctfidf, sizes, candidates)
    units: dict[int, np.ndarray] = {}
    closeness = None
    if embed is not None and centroids is not None and closeness_weight > 0:
        units = _phrase_units(table, sorted({int(j) for c in chosen for j in c}), embed, center)
        shift = 0.0 if center is None else np.asarray(center, np.float64)
        themes = unit_rows(np.asarray(centroids, np.float64) - shift)
        closeness = [np.array([units[int(j)] @ themes[t] for j in c]) for t, c in enumerate(chosen)]
    options = _options(table, ctfidf, chosen, closeness, labels, closeness_weight)
    context = _Context(
        table,
        np.asarray(table.counts.todense()),
        ctfidf,
        [frozenset(w for p in phrases for w in p[0].split()) for phrases in note_phrases],
        units,
        pair_ratio,
        pair_gain,
    )
    return _distinct(_best_names(context, options, keywords))

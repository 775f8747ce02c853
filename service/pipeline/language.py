"""Language stage: lemmas, content words and named entities of Finnish notes.

Notes stay raw for embeddings; lemmas are only for the keyword step (c-TF-IDF), so
that "yritysten", "yrityksille" and "yritys" count as one word. The default backend
is spaCy's Finnish pipeline (``spacy_fi_experimental_web_md``, Voikko lemmas); when
that cannot be loaded, ``backend="auto"`` falls back to simplemma's dictionary
lemmas with one warning instead of failing the run.

Importing this module is cheap: spaCy and simplemma are imported on first use.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING

from service.pipeline.fair_lock import FairLock
from service.pipeline.phrases import noun_phrases

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "BACKENDS",
    "CONTENT_POS",
    "DEFAULT_SPACY_MODEL",
    "FairLock",
    "FINNISH_STOP_WORDS",
    "LEMMA_TOKEN_PATTERN",
    "ContentLemmaTokenizer",
    "FinnishAnalyzer",
    "LemmatizerFallbackWarning",
    "NoteLanguage",
    "finnish_tokenizer",
    "lemma_documents",
    "shared_pipeline",
]

DEFAULT_SPACY_MODEL = "spacy_fi_experimental_web_md"
BACKENDS = ("auto", "spacy", "simplemma")
# Universal POS tags of words that can name a theme; pronouns, adverbs, auxiliaries
# and adpositions never do.
CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})
# For CountVectorizer over lemma_documents(): lemmas are already split by spaces.
LEMMA_TOKEN_PATTERN = r"\S+"

# Voikko keeps the hyphen of "paluumuuttaja-" (as in "paluumuuttaja- ja
# muuttajakonsepti") and simplemma keeps the dot of "esim."; neither belongs to a word.
_EDGE_PUNCTUATION = ".-–—'’\"`´"
# Voikko's participle rule now and then returns a piece of its analysis string
# ("vetovoimaan" mistagged VERB -> "veto("; 1 token in ~150,000 OmaStadi tokens);
# such a lemma is replaced by the word's own form.
_ANALYSIS_MARKS = frozenset("()[]+=#")
# spaCy needs memory in proportion to the characters of one batch: measured with this
# pipeline on OmaStadi text, about 4 MB per 1,000 characters (+200 MB for 50,000, +407 MB
# for 100,000, +1,161 MB for 300,000), whether as many short texts or one long one. So
# long texts are analysed in pieces, and each nlp.pipe call gets at most
# _MAX_BATCH_CHARS characters (about 3 s of work, a bounded wait for another job).
_MAX_PIECE_CHARS = 10_000
_MAX_BATCH_CHARS = 50_000
_SIMPLEMMA_ACCURACY_NOTE = "falling back to simplemma lemmas (~81% accurate)"


# The cached pipelines are shared by every thread of the process, and the Voikko
# handle inside their lemmatizer must not be used by two threads at once (libvoikko's
# own docstring says so); the work is CPU-bound under the GIL anyway. Taken per batch,
# in turn, so two jobs lemmatizing at once share spaCy batch by batch.
_SPACY_LOCK = FairLock()


class LemmatizerFallbackWarning(UserWarning):
    """spaCy's Finnish pipeline could not be loaded; lemmas come from simplemma."""


def _read_stop_words() -> frozenset[str]:
    """Words of ``stopwords_fi.txt``: one per line, ``#`` starts a comment."""
    package = __package__ or "service.pipeline"
    text = resources.files(package).joinpath("stopwords_fi.txt").read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(word for word in words if word)


# spaCy's Finnish list plus workshop filler; see stopwords_fi.txt for origin and licence.
FINNISH_STOP_WORDS: frozenset[str] = _read_stop_words()


@dataclass(frozen=True)
class NoteLanguage:
    """What the language stage knows about one note.

    ``lemmas``: the lemma of every word (tokens with a letter or digit), lowercased,
    in text order. ``content_lemmas``: the subsequence that can name a theme: no stop
    words (by form or lemma), no numbers, at least two characters, and a noun,
    proper noun, adjective or verb when the backend knows parts of speech (spaCy
    does, simplemma does not). ``entities``: ``(text, label)`` pairs from spaCy's
    NER (labels such as GPE, ORG, PERSON, DATE); empty for simplemma or when NER is
    off. ``backend``: "spacy" or "simplemma", whichever produced the lemmas.
    ``phrases``: the note's noun phrases in base form, candidates for theme names
    (``phrases.noun_phrases``); empty for simplemma, which does not parse.
    """

    lemmas: tuple[str, ...]
    content_lemmas: tuple[str, ...]
    entities: tuple[tuple[str, str], ...]
    backend: str
    phrases: tuple[tuple[str, str, str], ...] = ()


# A word as a backend sees it: (form in the text, raw lemma, UD part of speech or None).
_Word = tuple[str, str, str | None]


class FinnishAnalyzer:
    """Lemmatise Finnish notes with spaCy (Voikko) or, failing that, simplemma.

    ``backend``: "auto" (spaCy, else simplemma with a LemmatizerFallbackWarning),
    "spacy" (load errors propagate) or "simplemma". ``batch_size``: texts per spaCy
    batch. ``spacy_model``: the installed spaCy package to load. ``entities``: run
    spaCy's NER; turning it off made spaCy about 1.6x faster (NER has its own
    tok2vec; measured under blis: ~58 -> ~92 notes per CPU-second on OmaStadi proposals of ~580
    characters) and leaves ``NoteLanguage.entities`` empty; lemmas are unchanged.
    Parameters are only stored here; the pipeline is loaded on the first
    ``analyze`` call and shared by the whole process.
    """

    def __init__(
        self,
        backend: str = "auto",
        batch_size: int = 64,
        spacy_model: str = DEFAULT_SPACY_MODEL,
        entities: bool = True,
    ) -> None:
        self.backend = backend
        self.batch_size = batch_size
        self.spacy_model = spacy_model
        self.entities = entities

    def analyze(self, texts: Sequence[str]) -> list[NoteLanguage]:
        """One NoteLanguage per text, in order; blank texts give empty tuples."""
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {self.backend!r}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size}")
        nlp = self._pipeline()
        if nlp is None:
            return [_analyze_with_simplemma(text) for text in texts]
        return _analyze_with_spacy(nlp, texts, self.batch_size, self.entities)

    def _pipeline(self) -> Language | None:
        """The spaCy pipeline to use, or None for simplemma."""
        if self.backend == "simplemma":
            return None
        if self.backend == "spacy":
            return _load_spacy(self.spacy_model)
        return _load_spacy_or_warn(self.spacy_model)

    def __repr__(self) -> str:
        return (
            f"FinnishAnalyzer(backend={self.backend!r}, batch_size={self.batch_size}, "
            f"spacy_model={self.spacy_model!r}, entities={self.entities})"
        )


def shared_pipeline(model: str = DEFAULT_SPACY_MODEL) -> tuple[Language, FairLock]:
    """The process's one spaCy pipeline (NER included) and the lock to hold while using it.

    For other stages that need the Finnish pipeline (the privacy stage's NER and Voikko
    name classes): the model is loaded once per process, never twice. Raises what
    ``spacy.load`` raises when the model or Voikko is missing.
    """
    return _load_spacy(model), _SPACY_LOCK


@functools.cache
def _load_spacy(model: str) -> Language:
    """Load a spaCy pipeline once per process, with all its components (NER is switched
    off per call, so the analyzer and the privacy stage share one loaded model).

    The parser stays in: theme names read its noun phrases, and the Voikko lemmatizer
    reads dependency labels to choose between readings (without them "muutosta" ->
    muutto instead of muutos, "osallistumista" -> osallistuma).
    """
    import spacy

    nlp = spacy.load(model)
    _multiply_with_numpy(nlp)
    return nlp


def _multiply_with_numpy(nlp: Language) -> None:
    """Every layer of ``nlp`` multiplies with numpy's BLAS, not blis (2.5x slower on the
    2-core AMD machine; the pipeline 42.8 -> 19.5 s on the bench's 3,996 notes, the same
    analyses: evaluation/README.md). On the layers: thinc's current ops are per thread."""
    from thinc.api import Model, NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            for layer in model.walk():
                layer.ops = ops


@functools.cache
def _load_spacy_or_warn(model: str) -> Language | None:
    """Like _load_spacy, but None plus one warning when the pipeline cannot load.

    Cached so that a missing model warns once per process, not once per batch.
    """
    try:
        return _load_spacy(model)
    except _load_errors() as error:
        warnings.warn(_fallback_message(model, error), LemmatizerFallbackWarning, stacklevel=4)
        return None


def _load_errors() -> tuple[type[Exception], ...]:
    """Exceptions that mean "spaCy, the model or Voikko is not installed"."""
    # ImportError: spaCy or the model package missing; OSError: unknown model name
    # (spaCy's E050) or the libvoikko.so.1 shared library missing.
    errors: list[type[Exception]] = [ImportError, OSError]
    try:
        from libvoikko import VoikkoException  # raised when voikko-fi is missing

        errors.append(VoikkoException)
    except (ImportError, OSError):
        pass
    return tuple(errors)


def _fallback_message(model: str, error: Exception) -> str:
    """One actionable sentence: what is missing, how to install it, what happens now."""
    if "voikko" in f"{type(error).__name__} {error}".lower():
        return (
            f"Voikko not found: install libvoikko1 and voikko-fi; {_SIMPLEMMA_ACCURACY_NOTE}. "
            f"({type(error).__name__}: {error})"
        )
    return (
        f"spaCy Finnish model {model!r} could not be loaded: install "
        f"spacy-fi-experimental-web-md==0.15.0 (and libvoikko1 + voikko-fi); "
        f"{_SIMPLEMMA_ACCURACY_NOTE}. ({type(error).__name__}: {error})"
    )


def _analyze_with_spacy(
    nlp: Language, texts: Sequence[str], batch_size: int, with_entities: bool = True
) -> list[NoteLanguage]:
    """Run the pipeline over all non-blank texts in batches, long texts in pieces."""
    owners: list[int] = []
    pieces: list[str] = []
    for index, text in enumerate(texts):
        if text.strip():
            for piece in _split_long_text(text):
                owners.append(index)
                pieces.append(piece)
    words: list[list[_Word]] = [[] for _ in texts]
    entities: list[list[tuple[str, str]]] = [[] for _ in texts]
    phrases: list[list[tuple[str, str, str]]] = [[] for _ in texts]
    skipped = [] if with_entities or "ner" not in nlp.pipe_names else ["ner"]
    for first, last in _batches([len(piece) for piece in pieces], batch_size):
        with _SPACY_LOCK:
            docs = nlp.pipe(pieces[first:last], batch_size=last - first, disable=skipped)
            for owner, doc in zip(owners[first:last], docs, strict=True):
                words[owner].extend(
                    (token.text, token.lemma_, token.pos_ or None)
                    for token in doc
                    if not token.is_space
                )
                entities[owner].extend((entity.text, entity.label_) for entity in doc.ents)
                phrases[owner].extend(noun_phrases(doc))
    return [
        replace(_note_language(note_words, note_entities, "spacy"), phrases=tuple(note_phrases))
        for note_words, note_entities, note_phrases in zip(words, entities, phrases, strict=True)
    ]


def _batches(
    lengths: Sequence[int], batch_size: int, max_chars: int = _MAX_BATCH_CHARS
) -> list[tuple[int, int]]:
    """[first, last) index ranges of consecutive texts: at most ``batch_size`` texts and
    ``max_chars`` characters each (a single longer text is a batch of its own)."""
    ranges: list[tuple[int, int]] = []
    first, chars = 0, 0
    for index, length in enumerate(lengths):
        if index > first and (index - first >= batch_size or chars + length > max_chars):
            ranges.append((first, index))
            first, chars = index, 0
        chars += length
    if first < len(lengths):
        ranges.append((first, len(lengths)))
    return ranges


def _analyze_with_simplemma(text: str) -> NoteLanguage:
    """Dictionary lemmas of simplemma's tokens: no parts of speech, no entities."""
    import simplemma

    words: list[_Word] = [
        (token, simplemma.lemmatize(token, lang="fi"), None)
        for token in simplemma.simple_tokenizer(text)
    ]
    return _note_language(words, [], "simplemma")


def _note_language(
    words: Iterable[_Word], entities: Iterable[tuple[str, str]], backend: str
) -> NoteLanguage:
    """Turn a backend's (form, lemma, pos) words into a NoteLanguage."""
    lemmas: list[str] = []
    content: list[str] = []
    for form, raw_lemma, pos in words:
        if not any(char.isalnum() for char in form):
            continue  # punctuation and symbols are not words
        clean_form = _clean(form)
        lemma = _clean(raw_lemma)
        if not lemma or (
            _ANALYSIS_MARKS.intersection(lemma) and not _ANALYSIS_MARKS.intersection(clean_form)
        ):
            lemma = clean_form
        lemmas.append(lemma)
        if _is_content(clean_form, lemma, pos):
            content.append(lemma)
    return NoteLanguage(
        lemmas=tuple(lemmas),
        content_lemmas=tuple(content),
        entities=tuple(entities),
        backend=backend,
    )


def _clean(word: str) -> str:
    """Lowercase, without whitespace or the dots and hyphens left at a word's edges."""
    # No whitespace inside, so lemma_documents() can be split on spaces losslessly.
    return "".join(word.lower().split()).strip(_EDGE_PUNCTUATION)


def _is_content(form: str, lemma: str, pos: str | None) -> bool:
    """Whether a word can name a theme (``form`` and ``lemma`` already cleaned)."""
    if pos is not None and pos not in CONTENT_POS:
        return False
    if len(lemma) < 2 or not any(char.isalpha() for char in lemma):
        return False  # single letters, numbers, dates
    # spaCy's list holds word forms ("asioita", "tulee"); the additions hold lemmas.
    return form not in FINNISH_STOP_WORDS and lemma not in FINNISH_STOP_WORDS


def _split_long_text(text: str, limit: int = _MAX_PIECE_CHARS) -> list[str]:
    """``text`` cut at whitespace into pieces of at most ``limit`` characters.

    A word longer than ``limit`` is cut where the limit falls. Joining the pieces
    gives back ``text``.
    """
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind(" ", 0, limit), text.rfind("\n", 0, limit))
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


class ContentLemmaTokenizer:
    """``text -> content lemmas``, for ``CountVectorizer(tokenizer=...)``.

    Use with ``lowercase=False, token_pattern=None``. A class rather than a closure
    so that a fitted vectorizer (and a BERTopic model holding it) can be pickled.
    Each call runs the analyzer on one text; when the notes are analysed already,
    ``lemma_documents`` with ``LEMMA_TOKEN_PATTERN`` avoids analysing them twice.
    """

    def __init__(self, analyzer: FinnishAnalyzer) -> None:
        self.analyzer = analyzer

    def __call__(self, text: str) -> list[str]:
        return list(self.analyzer.analyze([text])[0].content_lemmas)

    def __repr__(self) -> str:
        return f"ContentLemmaTokenizer({self.analyzer!r})"


def finnish_tokenizer(analyzer: FinnishAnalyzer | None = None) -> Callable[[str], list[str]]:
    """A CountVectorizer tokenizer that yields content lemmas (default analyzer if None)."""
    return ContentLemmaTokenizer(analyzer if analyzer is not None else FinnishAnalyzer())


def lemma_documents(analyses: Iterable[NoteLanguage]) -> list[str]:
    """Each note's content lemmas joined by single spaces, one string per note.

    For ``CountVectorizer(token_pattern=LEMMA_TOKEN_PATTERN, lowercase=False)``:
    lemmas contain no whitespace, so splitting on it gives them back exactly.
    """
    return [" ".join(analysis.content_lemmas) for analysis in analyses]

"""Organisations and places named in notes: spaCy's Finnish NER, names normalised through
lemmas so that inflected mentions meet ("Sitran", "Sitralla" -> Sitra; "Pohjois-Savon
liitolla" -> Pohjois-Savon liitto). Persons are never kept: PERSON entities are dropped
here, before anything is stored, and so is any entity touching a redaction mark
("[NIMI]") of the privacy stage.

``EntityRecognizer.recognize(texts)`` gives, per text, a tuple of ``Mention`` (surface
text, kind "organisation" | "place", normalised name). ``merge_inflected`` then joins names
that differ only by a case ending the lemmatiser did not know ("Savonian" -> "Savonia").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.pipeline.language import DEFAULT_SPACY_MODEL, shared_pipeline

if TYPE_CHECKING:
    from spacy.tokens import Span

__all__ = ["ENTITY_KINDS", "VERSION", "EntityRecognizer", "Mention", "merge_inflected", "normalise"]

# spaCy label -> what the actor map calls it; every other label (PERSON above all) is dropped.
ENTITY_KINDS = {"ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place"}
# Bump when normalisation changes, so cached mentions are recomputed.
VERSION = "1"
_REDACTED = re.compile(r"\[[A-ZÅÄÖ_]+\]")  # [NIMI], [PUHELIN], [HETU] ...
# Case endings an unknown name may carry ("Savonian", "JOTPA:lla"), longest first.
_ENDINGS = tuple(
    sorted(
        {
            "n",
            "a",
            "ä",
            "lla",
            "llä",
            "lle",
            "lta",
            "ltä",
            "ssa",
            "ssä",
            "sta",
            "stä",
            "na",
            "nä",
            "ksi",
            "han",
            "hin",
            "in",
            "ta",
            "tä",
            "ja",
            "jä",
            "t",
        },
        key=len,
        reverse=True,
    )
)
_EDGE = " \t\n.,;:!?\"'()[]{}«»”“’"  # hyphens matter: "opetus- ja kulttuuriministeriö"


@dataclass(frozen=True)
class Mention:
    """One organisation or place named in a note."""

    text: str  # as written
    kind: str  # "organisation" | "place"
    name: str  # normalised: the lemma of the head word, the modifiers as written


def _restore_case(lemma: str, form: str) -> str:
    """A lemma in the casing of its form: 'sitra' + 'Sitran' -> 'Sitra'; acronyms stay."""
    if form.isupper() and len(form) > 1:
        return lemma.upper()
    if form[:1].isupper():
        return lemma[:1].upper() + lemma[1:]
    return lemma


def normalise(words: Sequence[tuple[str, str]], spaces: Sequence[bool] | None = None) -> str:
    """A name from its (form, lemma) words: the last (head) word as its lemma, the words
    before it as written, since Finnish modifiers of a name stay in the genitive
    ("Pohjois-Savon liitto", "opetus- ja kulttuuriministeriö"). ``spaces[i]`` says whether
    a space follows word i in the text (default: yes). An acronym with a colon ending
    loses it ("JOTPA:n"); leading numbers (a slide's "8 Sitran") are dropped."""
    gaps = list(spaces) if spaces is not None else [True] * len(words)
    items = [
        (form.strip(_EDGE), lemma, gap) for (form, lemma), gap in zip(words, gaps, strict=True)
    ]
    while items and not any(c.isalpha() for c in items[0][0]):
        items = items[1:]
    name = ""
    for i, (form, lemma, gap) in enumerate(items):
        if i < len(items) - 1:
            part = form  # "opetus-" keeps its hyphen: it stands for "opetusministeriö"
        elif ":" in form:  # abbreviations are inflected after a colon: JOTPA:n, EU:ssa
            part = form.split(":", 1)[0]
        elif lemma.strip(_EDGE + "-"):
            part = _restore_case(lemma.strip(_EDGE + "-"), form)
        else:
            part = form.strip("-")
        name += part + (" " if gap and i < len(items) - 1 else "")
    return " ".join(name.split())


def mention_of(span: Span) -> Mention | None:
    """The Mention of a spaCy entity, or None for persons, other labels, redacted text."""
    kind = ENTITY_KINDS.get(span.label_)
    if kind is None or _REDACTED.search(span.text) or "[" in span.text:
        return None
    tokens = [token for token in span if not token.is_space]
    name = normalise(
        [(token.text, token.lemma_) for token in tokens],
        [bool(token.whitespace_) for token in tokens],
    )
    if len(name) < 2 or not any(c.isalpha() for c in name):
        return None
    return Mention(text=span.text, kind=kind, name=name)


def _stem_of(name: str, known: set[str]) -> str | None:
    """The known name this one is an inflection of ("Savonian" -> "Savonia"), if any."""
    for ending in _ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 3:
            stem = name[: -len(ending)]
            if stem in known:
                return stem
    return None


def merge_inflected(names: Iterable[str]) -> dict[str, str]:
    """name -> canonical name: a name that is another known name plus a Finnish case
    ending is mapped to that name; all others map to themselves."""
    known = set(names)
    return {name: _stem_of(name, known - {name}) or name for name in known}


class EntityRecognizer:
    """spaCy's Finnish pipeline with its NER (and the Voikko lemmatiser for the names).

    ``spacy_model``: the installed package; ``batch_size``: texts per spaCy batch. The
    pipeline is loaded on the first call and shared with the language stage's loader.
    """

    def __init__(self, spacy_model: str = DEFAULT_SPACY_MODEL, batch_size: int = 64) -> None:
        self.spacy_model = spacy_model
        self.batch_size = batch_size

    @property
    def cache_id(self) -> str:
        """What cached mentions are keyed by besides the text: model and normalisation."""
        return f"{self.spacy_model}/entities-v{VERSION}"

    def recognize(self, texts: Sequence[str]) -> list[tuple[Mention, ...]]:
        """Organisations and places of each text, in order of appearance."""
        # The loader and its lock belong to the language stage: one pipeline per process.
        nlp: Any
        nlp, lock = shared_pipeline(self.spacy_model)
        found: list[tuple[Mention, ...]] = []
        with lock:
            for doc in nlp.pipe([text[:100_000] for text in texts], batch_size=self.batch_size):
                mentions = (mention_of(span) for span in doc.ents)
                found.append(tuple(m for m in mentions if m is not None))
        return found

    def __repr__(self) -> str:
        return f"EntityRecognizer(spacy_model={self.spacy_model!r}, batch_size={self.batch_size})"

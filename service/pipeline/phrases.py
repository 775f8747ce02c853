"""Noun phrases of a parsed Finnish note, in base form, as candidates for theme names.

A phrase is a noun (the head) with the modifiers written before it that belong to it:
adjectives and participles that agree with it ("osaavaa työvoimaa") and genitive
attributes ("nuorten hyvinvointi", "osaavan työvoiman saatavuus"). Its base form is the
form a name takes: the head in the nominative singular (its lemma), agreeing modifiers
made to agree with that (Voikko's base form of the adjective: "osaavaa työvoimaa" ->
"osaava työvoima"), and genitive attributes as written, since they stay genitive
whatever the head's case ("nuorten hyvinvointia" -> "nuorten hyvinvointi").

Every phrase is kept with its ``key``: the lemmas of its words joined by spaces, exactly
as the language stage writes lemmas, so a phrase can be counted in any note and its
words matched against keywords. Sub-phrases are candidates too ("työvoiman saatavuus",
"saatavuus", "osaava työvoima", "työvoima"); which one names a theme is decided later
by how often and how exclusively the theme's notes use it (``naming``). A noun that
only says "the topic of" ("teema", "aihe") is in no phrase, and as a compound's last part
it is left out ("osaamisen teema" is "osaaminen", "osaamistarveteema" "osaamistarve").

Never part of a phrase: proper nouns (spaCy's PROPN, or words Voikko knows as first
names, surnames, place or other names when written with a capital), so that no name
of a person (or place) names a theme; numbers, symbols and truncated compounds
("liikenne-"); comparatives and superlatives, whose base form Voikko cannot make.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from sys import intern
from typing import TYPE_CHECKING

from service.pipeline.words import (
    EMPTY_HEADS,
    NOUN_CLASSES,
    clean_lemma,
    empty_compound_front,
    is_known,
    is_noun,
    is_proper_name,
    voikko_readings,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "MAX_PHRASE_WORDS",
    "Phrase",
    "noun_phrases",
]

Phrase = tuple[str, str, str]
"""(key, text, number): lemmas joined by single spaces; the phrase in base form; "s"
when the head stood in the singular, "p" in the nominative plural (``text`` is then
the plural as written: "nuoret", "pienet kunnat"), "o" in another plural case
(``text`` in the singular: Voikko cannot make a plural). Names use the plural when
the notes mostly do ("Nuoret", not "Nuori")."""

MAX_PHRASE_WORDS = 4  # "osaavan työvoiman saatavuus" is 3; longer is a clause, not a name

# Dependents written before a noun that belong to its phrase (Universal Dependencies,
# as spaCy's Finnish parser labels them).
_AGREEING_DEPS = frozenset({"amod", "acl"})
_GENITIVE_DEPS = frozenset({"nmod:poss", "nmod:gobj", "nmod:gsubj", "nmod"})
_COMPOUND_DEPS = frozenset({"compound", "compound:nn"})
# Dependents a shorter phrase may leave out: more modifiers, not arguments.
_DROPPABLE_DEPS = _AGREEING_DEPS | _GENITIVE_DEPS | _COMPOUND_DEPS | {"det", "nummod"}
# A word: letters, optionally joined by inner hyphens ("yhteismarkkinointi-foorumi").
_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")
_ACRONYM = re.compile(r"^[^\W\d_a-zäöå]{2,}$")  # "TKI" in "TKI-toiminta"
_ADJECTIVE_CLASSES = frozenset({"laatusana", "nimisana_laatusana"})
# Voikko's case names (SIJAMUOTO) in Universal Dependencies' terms, to match the
# reading of an adjective to the case spaCy's tagger gave it.
_UD_CASE = {
    "nimento": "Nom", "omanto": "Gen", "osanto": "Par", "sisaolento": "Ine",
    "sisaeronto": "Ela", "sisatulento": "Ill", "ulkoolento": "Ade", "ulkoeronto": "Abl",
    "ulkotulento": "All", "olento": "Ess", "tulento": "Tra", "vajanto": "Abe",
    "seuranto": "Com", "keinonto": "Ins", "kerrontosti": "Adv",
}  # fmt: skip
_UD_NUMBER = {"singular": "Sing", "plural": "Plur"}


def _excluded(token: Token) -> bool:
    """Tokens that can never be part of a name: names, numbers, symbols, fragments,
    words Voikko does not know."""
    if token.pos_ == "PROPN" or not _WORD.match(token.text):
        return True
    if is_proper_name(token.text, sentence_start=bool(token.is_sent_start)):
        return True
    return not is_known(token.text)


def _feature(token: Token, name: str) -> list[str]:
    """The values of one morphological feature of a token ([] when it has none)."""
    return list(token.morph.get(name, []))


def _agrees(modifier: Token, head: Token) -> bool:
    """Whether an adjective or participle stands in its head's case and number."""
    return all(_feature(modifier, f) == _feature(head, f) for f in ("Case", "Number"))


def _belongs(token: Token, head: Token) -> bool:
    """Whether ``token``, written before ``head``, is a modifier of ``head`` that can be
    part of its phrase."""
    dep, case = token.dep_, _feature(token, "Case")
    if token.pos_ in ("ADJ", "VERB") and dep in _AGREEING_DEPS:
        participle = token.pos_ == "ADJ" or "Part" in _feature(token, "VerbForm")
        return participle and _agrees(token, head)
    if token.pos_ == "NOUN" and dep in _GENITIVE_DEPS:
        return "Gen" in case
    return token.pos_ == "NOUN" and dep in _COMPOUND_DEPS


def _adjective_base(token: Token) -> str | None:
    """The nominative singular of an agreeing adjective or participle, or None.

    Voikko's reading that matches the tagger's case and number gives the base form;
    a comparative or superlative has none (Voikko lemmatises "parempaa" to "hyvä",
    and cannot generate "parempi"), so such a phrase is not made.
    """
    case = _feature(token, "Case")
    number = _feature(token, "Number")
    readings = [
        r
        for r in voikko_readings(token.text)
        if (r.get("CLASS") in _ADJECTIVE_CLASSES or r.get("PARTICIPLE"))
        and [_UD_CASE.get(r.get("SIJAMUOTO", ""))] == case
        and [_UD_NUMBER.get(r.get("NUMBER", ""))] == number
    ]
    if not readings:
        degree = _feature(token, "Degree")
        return clean_lemma(token.lemma_) if degree in ([], ["Pos"]) else None
    if any(r.get("COMPARISON") not in (None, "positive") for r in readings):
        return None
    return clean_lemma(readings[0]["BASEFORM"])


def _head_lemma(token: Token) -> str:
    """The head's lemma: spaCy's, unless Voikko reads the word as a noun in the tagged
    case and number with one other base form (spaCy leaves a capitalised first word
    such as "Vetovoimaa" unlemmatised now and then)."""
    lemma = clean_lemma(token.lemma_)
    case, number = _feature(token, "Case"), _feature(token, "Number")
    bases = {
        clean_lemma(r["BASEFORM"])
        for r in voikko_readings(token.text)
        if r.get("CLASS") in NOUN_CLASSES
        and "BASEFORM" in r
        and [_UD_CASE.get(r.get("SIJAMUOTO", ""))] == case
        and [_UD_NUMBER.get(r.get("NUMBER", ""))] == number
    }
    return bases.pop() if len(bases) == 1 and lemma not in bases else lemma


def _form(token: Token, base: str) -> str:
    """A word as shown: ``base`` lowercased, an acronym part kept in capitals
    ("TKI-toiminnan" -> "TKI-toiminta", not "tki-toiminta")."""
    first = token.text.split("-", 1)[0]
    if "-" in token.text and _ACRONYM.match(first) and base.startswith(first.lower() + "-"):
        return first + base[len(first) :]
    return base


def _phrase(run: list[Token], head: Token) -> Phrase | None:
    """The (key, base form, number) of ``run`` (tokens in text order ending at ``head``)."""
    key = " ".join(
        _head_lemma(token) if token.i == head.i else clean_lemma(token.lemma_) for token in run
    )
    if not all(key.split()) or len(key.split()) != len(run):
        return None
    plural = _feature(head, "Number") == ["Plur"]
    if plural and _feature(head, "Case") == ["Nom"]:  # the nominative plural as written
        return key, " ".join(_form(token, token.text.lower()) for token in run), "p"
    words: list[str] = []
    for token in run:
        if token.i == head.i:
            word = _form(token, _head_lemma(token))
        elif token.head.i == head.i and token.dep_ in _AGREEING_DEPS:
            base = _adjective_base(token)
            if base is None:
                return None
            word = _form(token, base)
        else:  # genitive attributes (and what agrees with them) keep their form
            word = _form(token, token.text.lower())
        words.append(word)
    return key, " ".join(words), "o" if plural else "s"


def _plain(phrase: Phrase) -> Phrase | None:
    """The phrase without words that only say "the topic of" (``EMPTY_HEADS``): none when
    it holds one ("osaamisen teeman kanta" goes, its sub-phrase "kanta" stays), its head's
    front when the head is a compound ending in one ("osaamistarveteema" -> "osaamistarve",
    ``words.empty_compound_front``; a plural as written becomes the singular front, as
    Voikko makes no plural)."""
    key, text, number = phrase
    words = key.split()
    if any(word in EMPTY_HEADS for word in words):
        return None
    front = empty_compound_front(words[-1])
    if front is None:
        return phrase
    shown = text.split(" ")[:-1]
    return (
        " ".join([*words[:-1], front]),
        " ".join([*shown, front]),
        "o" if number == "p" else number,
    )


def _left_modifiers(head: Token) -> list[Token]:
    """The tokens right before ``head`` that belong to its phrase, nearest first."""
    doc = head.doc
    inside = {head.i}
    found: list[Token] = []
    index = head.i - 1
    while index >= 0 and len(found) < MAX_PHRASE_WORDS - 1:
        token = doc[index]
        if token.head.i not in inside or _excluded(token) or not _belongs(token, token.head):
            break
        inside.add(index)
        found.append(token)
        index -= 1
    return found


def _closed(run: list[Token], head: Token) -> bool:
    """Whether no word of ``run`` but the head leaves an argument outside the run: a
    participle without its object ("lisäävät" of "vetovoimaa lisäävät") is no phrase,
    while a genitive without its own adjective is ("työvoiman saatavuus" of "osaavan
    työvoiman saatavuus")."""
    inside = {token.i for token in run}
    return all(
        child.i in inside or child.dep_ in _DROPPABLE_DEPS or child.is_punct
        for token in run
        if token.i != head.i
        for child in token.children
    )


def _head_phrases(head: Token) -> Iterator[Phrase]:
    modifiers = _left_modifiers(head)
    for count in range(len(modifiers) + 1):
        run = [*reversed(modifiers[:count]), head]
        if count and not _closed(run, head):
            continue
        phrase = _phrase(run, head)
        if phrase is not None and (plain := _plain(phrase)) is not None:
            yield plain


def noun_phrases(doc: Doc | Iterable[Doc]) -> list[Phrase]:
    """Every noun phrase of a parsed note (or of its pieces), with its sub-phrases.

    Returns (key, text, number) triples in text order, repeats included; see the module's
    docstring for what a phrase is. Needs spaCy's tagger, morphologizer and parser.
    """
    from spacy.tokens import Doc

    docs: list[Doc] = [doc] if isinstance(doc, Doc) else list(doc)
    phrases: list[Phrase] = []
    for piece in docs:
        for token in piece:
            if token.pos_ == "NOUN" and not _excluded(token) and is_noun(token.text):
                phrases.extend(_head_phrases(token))
    return phrases


def as_phrases(stored: list[list[str]] | None) -> list[Phrase]:
    """A note's stored phrases as (key, text, number) triples; none when not analysed.
    Phrases stored by an earlier extractor are read as today's makes them (``_plain``).
    Interned: a run holds every note's phrases, and the same phrase recurs in many."""
    plain = (_plain((str(p[0]), str(p[1]), str(p[2]))) for p in stored or () if len(p) == 3)
    return [(intern(p[0]), intern(p[1]), intern(p[2])) for p in plain if p is not None]

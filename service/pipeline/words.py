"""What Voikko says of single Finnish words: their readings and base forms, whether a word
is a name (by the dictionary, or by how the notes write it), a noun, a known word.

The phrase extractor (``phrases``) reads words through these, and theme naming
(``naming``) uses them to keep names of people, places and opaque organisations
("Sitra") out of theme names. One libvoikko handle serves the process.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from typing import Any

__all__ = [
    "EMPTY_HEADS",
    "NOUN_CLASSES",
    "clean_lemma",
    "empty_compound_front",
    "is_known",
    "is_noun",
    "is_proper_name",
    "topic_word_rank",
    "voikko_readings",
    "word_bases",
    "written_names",
]

# Voikko's word classes of names; "nimi" is any other name (organisations, brands).
_PERSON_CLASSES = frozenset({"etunimi", "sukunimi"})
_NAME_CLASSES = _PERSON_CLASSES | {"paikannimi", "nimi"}
NOUN_CLASSES = frozenset({"nimisana", "nimisana_laatusana"})
_EDGE_PUNCTUATION = ".-–—'’\"`´"  # as language._clean strips them from lemmas
# Where a sentence (or a heading, a bullet, a list item, a clause after a colon) begins:
# the next word may have a capital without being a name.
_SENTENCE_BREAK = re.compile(r"[.!?:;•)\n]|\s[-–—]\s")
# A compound's parts in Voikko's WORDBASES ("+vero(vero)+hallinto(hallinto)"); a
# derivational suffix's base starts with "+" ("+koulut(kouluttaa)+us(+us)").
_WORD_BASE = re.compile(r"\+[^+(]*\(([^)]*)\)")
# A compound part as written and its base form ("+osaamis(osata)", "+asuin").
_WORD_PART = re.compile(r"\+([^+(]+)(?:\(([^)]*)\))?")
# Nouns that add only "the topic of" to what they follow: "osaamistarveteema" and
# "osaamisen teema" say what "osaamistarve" and "osaaminen" say. As a compound's last
# part, fronts shorter than five letters are prefix-like ("pääteema", "alateema",
# "sivuaihe": main, sub-, side topic), not the topic, and stay as written.
EMPTY_HEADS = frozenset({"teema", "aihe"})
_MIN_FRONT = 5
_WORD_IN_TEXT = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


class _Voikko:
    """One libvoikko handle for the process; libvoikko must not be used by two threads
    at once (its own docstring says so), hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handle: Any = None

    def analyze(self, word: str) -> list[dict[str, str]]:
        with self._lock:
            if self._handle is None:
                import libvoikko

                self._handle = libvoikko.Voikko("fi")
            return [dict(reading) for reading in self._handle.analyze(word)]

    def available(self) -> bool:
        """Whether libvoikko and its Finnish dictionary load (without them the language
        stage falls back to simplemma and makes no phrases)."""
        try:
            self.analyze("kunta")
        except Exception:  # noqa: BLE001 - ImportError, OSError or VoikkoException
            return False
        return True


_VOIKKO = _Voikko()


@functools.lru_cache(maxsize=65536)
def voikko_readings(word: str) -> tuple[dict[str, str], ...]:
    """Voikko's analyses of one word form (cached: the same words recur in every note)."""
    return tuple(_VOIKKO.analyze(word))


def clean_lemma(word: str) -> str:
    """A lemma as the language stage stores it: lowercase, no inner whitespace, no dots
    or hyphens at its edges."""
    return "".join(word.lower().split()).strip(_EDGE_PUNCTUATION)


def is_proper_name(word: str, sentence_start: bool = False) -> bool:
    """Whether a capitalised word form is a name by Voikko's dictionary.

    Mid-sentence, a capital and any name reading (or no reading at all: an unknown
    capitalised word is most likely a name) make it a name. At the start of a
    sentence every word has a capital, so it is a name only when Voikko knows no
    common-word reading of it ("Virtanen" yes, "Matti" no: matti is also a noun).
    Lowercase words are never names here.
    """
    if not word[:1].isupper():
        return False
    readings = voikko_readings(word)
    named = [r for r in readings if r.get("CLASS") in _NAME_CLASSES]
    if not sentence_start:
        return bool(named) or not readings
    return bool(named) and len(named) == len(readings)


def topic_word_rank(lemma: str) -> int | None:
    """How well a lemma can name a theme on its own: 0 a noun ("kampus"), 1 a word that
    is also an adjective ("iso", "nuori"), None no noun ("kasvattaa") or only a name to
    Voikko ("eurooppa", "kainuu"; a keyword is lowercase, so the capital test of
    ``is_proper_name`` cannot see it). 0 for any lemma without Voikko (the simplemma
    backend), which cannot tell."""
    if not _voikko_available():
        return 0
    readings = voikko_readings(lemma)
    if not readings or all(r.get("CLASS") in _NAME_CLASSES for r in readings):
        return None
    if any(r.get("CLASS") == "nimisana" or r.get("MOOD") == "MINEN-infinitive" for r in readings):
        return 0
    return 1 if is_noun(lemma) else None


@functools.cache
def _voikko_available() -> bool:
    return _VOIKKO.available()


def word_bases(text: str) -> frozenset[str]:
    """Every base form Voikko gives the words of ``text`` (lemmas as the language stage
    writes them), to tell whether a sentence uses a word; empty without Voikko."""
    if not _voikko_available():
        return frozenset()
    return frozenset(
        clean_lemma(r["BASEFORM"])
        for match in _WORD_IN_TEXT.finditer(text)
        for r in voikko_readings(match.group())
        if "BASEFORM" in r
    )


def written_names(texts: Iterable[str]) -> frozenset[str]:
    """Lemmas the notes write as names: word forms written with a capital in the middle
    of a sentence more often than in lower case anywhere, as Finnish writes names and
    only names ("Sitran kanssa"), unless the name is a compound of common words that
    says what it names ("Verohallinto"). Catches names Voikko reads as common nouns
    ("sitra"), which the phrase extractor keeps at the start of a sentence ("Sitra
    tukee ...").
    A heading's capital ("Punos - Osaamisen verkostot") does not make "osaaminen" a name:
    the notes write "osaamisen" in lower case more often."""
    capital: dict[str, int] = {}
    lower: dict[str, int] = {}
    for text in texts:
        for sentence in _SENTENCE_BREAK.split(text):
            for position, match in enumerate(_WORD_IN_TEXT.finditer(sentence)):
                word = match.group()
                if word.islower():
                    lower[word] = lower.get(word, 0) + 1
                elif position and word[1:].islower():  # "Sitran", not "TKI" or "EU"
                    capital[word.lower()] = capital.get(word.lower(), 0) + 1
    names: set[str] = set()
    for word, count in capital.items():
        if count > lower.get(word, 0):
            readings = voikko_readings(word) if _voikko_available() else ()
            if not _descriptive(readings):
                bases = [r["BASEFORM"] for r in readings if "BASEFORM" in r]
                names.update(clean_lemma(base) for base in bases or [word])
    return frozenset(names)


@functools.lru_cache(maxsize=65536)  # every stored phrase of a run passes here
def empty_compound_front(lemma: str) -> str | None:
    """The front of a compound noun whose last part adds nothing to it
    ("osaamistarveteema" -> "osaamistarve", "hyvinvointiteema" -> "hyvinvointi"), when
    the front is itself a noun in base form; else None ("asuinalue", "pääteema")."""
    for reading in voikko_readings(lemma):
        parts = _WORD_PART.findall(reading.get("WORDBASES", ""))
        if len(parts) < 2 or parts[-1][1] not in EMPTY_HEADS:
            continue
        front = "".join(surface for surface, _ in parts[:-1])
        if len(front) >= _MIN_FRONT and any(
            r.get("CLASS") in NOUN_CLASSES and clean_lemma(r.get("BASEFORM", "")) == front
            for r in voikko_readings(front)
        ):
            return front
    return None


def _compound_parts(reading: dict[str, str]) -> list[str]:
    """The base forms of a word's compound parts, derivational suffixes left out."""
    bases = _WORD_BASE.findall(reading.get("WORDBASES", ""))
    return [base for base in bases if not base.startswith("+")]


def _descriptive(readings: tuple[dict[str, str], ...]) -> bool:
    """Whether a name says what it names in common words: a compound noun and no person
    or place ("Verohallinto", "Kansaneläkelaitos" name their topic; "Sitra", "Matti",
    "Hämeenlinna" do not)."""
    if any(r.get("CLASS") in _PERSON_CLASSES | {"paikannimi"} for r in readings):
        return False
    return any(r.get("CLASS") in NOUN_CLASSES and len(_compound_parts(r)) >= 2 for r in readings)


def is_known(word: str) -> bool:
    """Whether Voikko knows the word (a hyphenated compound by its last part): unknown
    words are typos and foreign words ("kick" of "kick-off"), no Finnish name."""
    return bool(voikko_readings(word)) or (
        "-" in word and bool(voikko_readings(word.rsplit("-", 1)[1]))
    )


def is_noun(word: str) -> bool:
    """Whether Voikko reads the word as a noun ("irakilainen", tagged NOUN by spaCy now
    and then, is an adjective to Voikko, and no head of a name)."""
    readings = voikko_readings(word) or (
        voikko_readings(word.rsplit("-", 1)[1]) if "-" in word else ()
    )
    return any(
        r.get("CLASS") in NOUN_CLASSES or r.get("MOOD") == "MINEN-infinitive" for r in readings
    )

"""Finnish wording of region names: "Kainuu" -> "Kainuussa", "Pohjois-Savo" -> "Pohjois-Savossa",
"Pirkanmaa" -> "Pirkanmaalla", and numbers as Finnish writes them ("79,3 %").

Voikko analyses words but does not generate them, so the locative is found by generate
and test: candidate forms are made by a handful of stem rules (consonant gradation,
i -> e, long e-stems, both vowel harmonies) and the first one Voikko analyses as the same
place name, singular, in the wanted case wins. A name Voikko does not know as a place
("Valtakunnallinen", "Useita alueita") gets no form: the caller writes 'alueella ”X”', the
name quoted so that it reads as a label.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["format_number", "format_p", "format_percent", "in_region", "locative"]

INESSIVE = "sisaolento"  # -ssa: Kainuussa
ADESSIVE = "ulkoolento"  # -lla: Pirkanmaalla
# Weak grades of consonant gradation, strong -> weak, tried on the last consonants.
_GRADATION = (
    ("kk", "k"),
    ("pp", "p"),
    ("tt", "t"),
    ("nk", "ng"),
    ("mp", "mm"),
    ("lt", "ll"),
    ("nt", "nn"),
    ("rt", "rr"),
    ("ht", "hd"),
    ("lk", "l"),
    ("rk", "r"),
    ("p", "v"),
    ("t", "d"),
    ("k", ""),
)
_BACK_VOWELS = set("aouAOU")
# Towns Finnish puts in the adessive although their names do not end in -maa.
_ADESSIVE_TOWNS = frozenset(
    {"Tampere", "Imatra", "Vantaa", "Rauma", "Kerava", "Hyvinkää", "Lohja", "Lapua", "Kitee"}
    | {"Leppävirta", "Suomussalmi"}
)
# Places named after a river, rapids, lake, headland, water, hill or heath are "on" it:
# Seinäjoella, Valkeakoskella, Nurmijärvellä, Rovaniemellä, Orivedellä, Riihimäellä.
_ADESSIVE_ENDINGS = ("joki", "koski", "järvi", "niemi", "vesi", "mäki", "nummi")
_LOCK = threading.Lock()  # one libvoikko handle must not serve two threads at once


@functools.cache
def _voikko() -> Any | None:
    """The Finnish Voikko handle, or None where libvoikko or its dictionary is missing."""
    try:
        import libvoikko

        return libvoikko.Voikko("fi")
    except (ImportError, OSError, Exception):  # noqa: BLE001 - VoikkoException is a bare Exception
        return None


def _harmony(word: str) -> str:
    """'a' for back-vowel words (Kainuu), 'ä' for front-vowel ones (Häme)."""
    last_part = word.replace("-", " ").split()[-1] if word.strip() else word
    return "a" if _BACK_VOWELS.intersection(last_part) else "ä"


def _stems(word: str) -> Iterator[str]:
    """Stems a case ending may follow, most likely first; Voikko decides which is real."""
    yield word
    if word.endswith("i"):
        yield word[:-1] + "e"  # Suomi -> Suome-, Iisalmi -> Iisalme-
    if word.endswith("si"):
        yield word[:-2] + "de"  # Uusi -> Uude-
    if word.endswith("e"):
        yield word + "e"  # Häme -> Hämee-
    if word.endswith("us") or word.endswith("ys"):
        yield word[:-1] + "de"  # Varkaus -> Varkaude-
    if word.endswith("es"):
        yield word[:-1] + "kse"  # Nurmes -> Nurmekse-
    for strong, weak in _GRADATION:
        for stem in (word, word[:-1] + "e" if word.endswith("i") else word):
            body, last = stem[:-1], stem[-1:]
            if body.endswith(strong) and last in "aeiouyäö":
                yield body[: len(body) - len(strong)] + weak + last


def _analyses(word: str) -> list[dict[str, str]]:
    voikko = _voikko()
    if voikko is None:
        return []
    with _LOCK:
        return [dict(a) for a in voikko.analyze(word)]


def _is_place(word: str) -> bool:
    return any(a.get("CLASS") == "paikannimi" for a in _analyses(word))


def _is_form_of(form: str, base: str, case: str) -> bool:
    return any(
        a.get("CLASS") == "paikannimi"
        and a.get("BASEFORM") == base
        and a.get("SIJAMUOTO") == case
        and a.get("NUMBER") == "singular"
        for a in _analyses(form)
    )


def _inflect_word(word: str, case: str) -> str | None:
    """One place name word in ``case``, checked by Voikko; None if no candidate passes.

    Both vowel harmonies are tried, the word's own first: a compound's last part sets it
    ("Rovaniemellä", "Kankaanpäässä"), and Voikko knows the parts."""
    consonants = "ss" if case == INESSIVE else "ll"
    vowel = _harmony(word)
    for ending in (consonants + vowel, consonants + ("ä" if vowel == "a" else "a")):
        for stem in dict.fromkeys(_stems(word)):
            if _is_form_of(stem + ending, word, case):
                return stem + ending
        # A compound whose first part inflects too: Uusimaa -> Uudellamaalla.
        for cut in range(2, len(word) - 1):
            first, second = word[:cut], word[cut:]
            for first_stem in dict.fromkeys(_stems(first)):
                form = first_stem + ending + second + ending
                if _is_form_of(form, word, case):
                    return form
    return None


@functools.lru_cache(maxsize=4096)
def locative(region: str) -> str | None:
    """Where-case of a Finnish place name: inessive ("Kainuussa", "Pohjois-Savossa"), or
    adessive for names in -maa ("Pirkanmaalla", "Uudellamaalla"), in -joki, -koski,
    -järvi, -niemi, -vesi, -mäki, -nummi ("Seinäjoella", "Rovaniemellä") and a few towns
    ("Tampereella", "Keravalla"), as Finnish uses them.

    Only the last part of a hyphenated name inflects ("Pohjois-" stays). None when Voikko
    is missing or does not know the name as a place.
    """
    name = region.strip()
    if not name or " " in name:
        return None
    prefix, _, last = name.rpartition("-")
    if not last or not _is_place(last):
        return None
    adessive = last.lower().endswith(("maa", *_ADESSIVE_ENDINGS)) or last in _ADESSIVE_TOWNS
    case = ADESSIVE if adessive else INESSIVE
    form = _inflect_word(last, case)
    if form is None:
        return None
    return f"{prefix}-{form}" if prefix else form


def in_region(region: str) -> str:
    """'Kainuussa', or 'alueella ”X”' where the name cannot be inflected (quoted, so that
    "Alueella ”Useita alueita” puhutaan ..." does not read as one run-on phrase)."""
    return locative(region) or f"alueella ”{region}”"


def format_number(value: float, lang: str, decimals: int = 1) -> str:
    """1234.5 -> '1 234,5' (fi) or '1,234.5' (en)."""
    text = f"{value:,.{decimals}f}"
    if lang == "fi":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_p(p: float, lang: str) -> str:
    """A test's p-value with its sign: 'p = 0,012', or 'p < 0,001' when it is smaller."""
    if p < 0.001:
        return f"p < {format_number(0.001, lang, 3)}"
    return f"p = {format_number(p, lang, 3)}"


def format_percent(share: float, lang: str, decimals: int = 0) -> str:
    """A share (0..1) as a percentage: 0.793 -> '79,3 %' (fi) or '79.3 %' (en).

    A share that rounds to 0 but is not 0 shows one more decimal ('0,4 %'), so a small
    theme does not read as absent."""
    percent = share * 100
    if decimals == 0 and 0 < percent < 0.5:
        decimals = 1
    return f"{format_number(percent, lang, decimals)}\u00a0%"

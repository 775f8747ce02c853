"""Split a paragraph into sentences without breaking on Finnish abbreviations and dates."""

from __future__ import annotations

import re

__all__ = ["ends_in_question", "split_sentences"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SENTENCE_END_RE = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’»)\]]*+\s+")
_ABBREVIATIONS = _words(
    "esim mm ns jne n klo ym yms tms ks vrt ts ao em ko os puh nro tri prof dos vs "
    "ed milj mrd t kk v s p huom alk ma ti ke to pe la su ca kpl jäs pj siht e.g i.e "
    "etc dr mr mrs ms bl.a t.ex m.m osv st"
)


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of a paragraph, without surrounding spaces.

    A full stop ends a sentence only before a capital, digit or quote, and not after
    an abbreviation (esim., mm., jne.), an initial, or a day or month ("1.4.2022",
    "1. tavoite"). Linear in the length of the paragraph.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(paragraph):
        following = paragraph[match.end() : match.end() + 1]
        if not following or not (
            following.isupper() or following.isdigit() or following in "\"'“”«(–-"
        ):
            continue
        if paragraph[match.start()] == "." and _is_abbreviation(paragraph, match.start()):
            continue
        spans.append((start, match.start() + len(match.group().rstrip())))
        start = match.end()
    spans.append((start, len(paragraph)))
    trimmed = []
    for begin, end in spans:
        piece = paragraph[begin:end]
        begin += len(piece) - len(piece.lstrip())
        end = begin + len(piece.strip())
        if end > begin:
            trimmed.append((begin, end))
    return trimmed


def _in_token(char: str) -> bool:
    return char.isalnum() or char == "."


def _is_abbreviation(paragraph: str, dot: int) -> bool:
    begin = dot
    while begin > max(dot - 20, 0) and _in_token(paragraph[begin - 1]):
        begin -= 1
    token = paragraph[begin:dot]
    if not token:
        return False
    if token.casefold() in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return True
    # "1." and "5.5." are ordinals and dates; "2022." ends a sentence.
    return token.replace(".", "").isdigit() and len(token.rsplit(".", 1)[-1]) <= 2


def ends_in_question(line: str) -> bool:
    """Whether a line ends in a question mark, closing quotes and brackets aside
    ("Miten houkutellaan osaajia?”")."""
    return line.rstrip("\"'”’») ").endswith("?")

"""Slide and web-page furniture: lines (or whole blocks) that are never notes.

``LEFTOVER_RULES`` name each kind of leftover with the pattern that finds it; the
segmenter drops a line or block that fully matches one of them.
"""

from __future__ import annotations

import re

__all__ = [
    "CONTACT_TAIL_CHARS",
    "CONTACT_MARKER_RE",
    "LEFTOVER_RULES",
    "MAX_LEFTOVER_CHARS",
    "MIN_NOTE_WORDS",
    "furniture_key",
    "is_leftover",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _rule(name: str, *parts: str) -> tuple[str, re.Pattern[str]]:
    return name, re.compile("".join(parts), re.IGNORECASE)


# Lines (or whole blank-line-separated blocks) that fully match one of these are
# dropped before notes are made. Matching is on whitespace-collapsed text of at most
# MAX_LEFTOVER_CHARS characters: leftovers are short, and the bound keeps the
# patterns linear on a document that is one huge line.
LEFTOVER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Screen-reader "skip to content" links head every page a web site renders.
    _rule(
        "skip link",
        r"(?:suoraan|siirry|hyppää) (?:pää)?sisältöön|skip to (?:main )?content",
        r"|(?:hoppa )?till (?:huvud)?innehållet",
    ),
    # Navigation and teaser prompts repeat on every page of a site and say nothing.
    _rule(
        "navigation",
        r"mistä on kyse\??|ajankohtaista|kiinnostuitko\??|(?:lue|läs) (?:lisää|mer).*",
        r"|read more.*|takaisin(?: ylös)?|etusivu|tulosta|jaa sivu",
    ),
    # Breadcrumb trails ("Etusivu > Hankkeet > Punos") are navigation, not content.
    _rule("breadcrumb", r"[^>›»/]{1,40}(?: [>›»/] [^>›»/]{1,40}){2,}"),
    # Funders' and councils' logos come out of slides as text (EU programme, ESF,
    # the ELY centre, "Regional Council of ..."), alone or several in one block.
    _rule(
        "funding logo",
        r"(?:(?:vipuvoimaa eu:?lta|\d{4} ?[–-] ?\d{4}|euroopan unioni",
        r"|euroopan [a-zåäö]*rahasto|elinkeino-, liikenne- ja ympäristökeskus|ely-keskus",
        r"|[a-zåäö-]+n liitto|regional council of [\w-]+|interreg [\w -]+|leader [\w -]+)",
        r"[ .,]*)+",
    ),
    # Slide logos are words glued by pipes or bold markers ("POHJOIS|**SAVON**|LIITTO").
    _rule("logo markup", r"[\w*&.-]*(?:\||\*\*)[\w*|&.-]*"),
    # Contact details belong to the publisher, not to the discussion: a line that is only
    # an e-mail address or a phone number (with its label), and contact headings. A
    # sentence that holds one is content: the privacy stage redacts the value in it.
    _rule(
        "contact",
        r"(?:(?:sähkö)?posti|s-?posti|e-?mail)?:? ?[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
        r"|(?:puh\.?|p\.|tel\.?|gsm|mob\.?)?:? ?\+?\d[\d ()-]{6,}",
        r"|yhteystiedot.*|lisätietoja(?: antaa| antavat)?:?",
        r"|heräsikö kysymyksiä.*|ota (?:rohkeasti )?yhteyttä.*|kontaktuppgifter.*",
    ),
    # A date, or a place and a date, alone on a line is a slide's or news item's byline.
    _rule(
        "dateline",
        r"(?:[^\W\d_][\w-]*,? )?",
        r"(?:\d{1,2}\. ?(?:[–-] ?\d{1,2}\. ?)?\d{1,2}\.(?: ?\d{4})?|\d{4}-\d{2}-\d{2})",
    ),
)
MAX_LEFTOVER_CHARS = 200
# All rules as one pattern: one regex call per line instead of one per rule.
_ANY_LEFTOVER = re.compile("|".join(f"(?:{p.pattern})" for _, p in LEFTOVER_RULES), re.IGNORECASE)
# Structural rules, applied after the patterns:
# - a unit of fewer than MIN_NOTE_WORDS words that is not a bullet is never a note
#   (logo fragments, "Live", slide numbers), though it may head the next paragraph;
# - a line identical to an earlier heading is a repeated slide or page title;
# - from a contact heading ("Lisätietoja antaa:") in the last CONTACT_TAIL_CHARS
#   characters to the end, everything is the contact block (names, titles, bio).
MIN_NOTE_WORDS = 3
CONTACT_TAIL_CHARS = 1_000
CONTACT_MARKER_RE = re.compile(
    r"(?i)(?:heräsikö kysymyksiä|yhteystiedot|lisätietoja|ota (?:rohkeasti )?yhteyttä"
    r"|kontaktuppgifter|contact(?: us| information)?)\b.{0,80}"
)


# A page or slide number: "4", "Sivu 4", "4 / 12", "Page 4 of 12", "- 4 -".
_PAGE_NUMBER_RE = re.compile(
    r"(?i)[-–(]?\s*(?:sivu|page|sida|s\.|p\.)?\s*\d{1,4}\s*(?:(?:/|of|\(|–|-)\s*\d{1,4}\)?)?\s*[-–)]?"
)


def furniture_key(text: str) -> str:
    """What makes two lines (or text boxes) on different pages the same furniture: the
    text itself, but any page number counts as one ("Sivu 3" and "Sivu 4" are alike)."""
    collapsed = " ".join(text.split()).casefold()
    return "#" if _PAGE_NUMBER_RE.fullmatch(collapsed) else collapsed


def is_leftover(line: str) -> bool:
    """Whether a line or block of text is slide/web furniture (see ``LEFTOVER_RULES``)."""
    if len(line) > 4 * MAX_LEFTOVER_CHARS:  # cheap exit before splitting a long line
        return False
    collapsed = " ".join(line.split())
    if not collapsed or len(collapsed) > MAX_LEFTOVER_CHARS:
        return False
    return _ANY_LEFTOVER.fullmatch(collapsed) is not None

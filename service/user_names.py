"""User names people can tell apart, and that fit in a URL path.

A name appears in the audit log, in theme edits and in ``/users/{name}``, so:

- it is NFKC-normalised (a full-width ``ａｄｍｉｎ`` becomes ``admin``, a no-break space a
  space) and trimmed;
- it holds only visible characters: letters, digits, combining marks after them, single
  spaces between words and ``. - _ @ '`` (no ``/``, ``?``, ``#`` or ``%``, so it is a safe
  path segment); control, format (zero-width, bidi override) and other space characters
  are refused;
- its letters come from one script (Latin and Cyrillic mixed is refused);
- it may not look like another user's name: names are compared by their *skeleton*, after
  Unicode's confusables data (``confusable_homoglyphs``, built from UTS #39
  confusables.txt), case folded — so ``admın`` (dotless ı), ``аdmin`` (Cyrillic а),
  ``Admin`` and ``adrnin`` all clash with an existing ``admin``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from service.errors import Invalid

NAME_MAX_CHARS = 64
_PUNCTUATION = ".-_@'"
_MAX_MARKS_IN_A_ROW = 2  # enough for any script; more is "zalgo" text


class InvalidName(Invalid):
    """A name that is not allowed; the message says what is."""


RULES = (
    f"A user name is 1-{NAME_MAX_CHARS} visible characters: letters, digits, single spaces "
    f"between words and {' '.join(_PUNCTUATION)}, starting with a letter or digit "
    "(for example 'anna.virtanen' or 'Anna Virtanen')."
)


def normalise(raw: str) -> str:
    """The stored form of a name: NFKC, trimmed. Raises ``InvalidName`` when it is not an
    allowed name (see the module docstring)."""
    name = unicodedata.normalize("NFKC", raw).strip()
    if not name:
        raise InvalidName(f"{RULES} This one is empty or only spaces.")
    refused = next((char for char in name if not _visible(char)), None)
    if refused is not None:
        shown = unicodedata.name(refused, f"U+{ord(refused):04X}")
        raise InvalidName(f"{RULES} This one contains {shown}.")
    if (
        len(name) > NAME_MAX_CHARS
        or not unicodedata.category(name[0]).startswith(("L", "N"))
        or "  " in name
        or _too_many_marks(name)
    ):
        raise InvalidName(RULES)
    scripts = _scripts(name)
    if len(scripts) > 1:
        raise InvalidName(
            f"A user name uses one script; this one mixes {' and '.join(sorted(scripts))}."
        )
    return name


def _visible(char: str) -> bool:
    """A letter, a decimal digit, a combining mark, a space or allowed punctuation."""
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd" or char == " " or char in _PUNCTUATION


def _too_many_marks(name: str) -> bool:
    run = 0
    for char in name:
        run = run + 1 if unicodedata.category(char).startswith("M") else 0
        if run > _MAX_MARKS_IN_A_ROW:
            return True
    return False


def _scripts(name: str) -> set[str]:
    from confusable_homoglyphs.categories import alias

    return {alias(char) for char in name if unicodedata.category(char)[0] in "LN"} - {
        "COMMON",
        "INHERITED",
    }


def skeleton(name: str) -> str:
    """What a name looks like: each character replaced by a representative of the
    characters it can be mistaken for, then case folded. Two names with the same
    skeleton cannot be told apart at a glance."""
    representative = _representatives()
    text = name
    for _ in range(2):  # again after mapping: a representative may have a lower case
        text = unicodedata.normalize("NFD", text.casefold())
        text = "".join(representative.get(c, c) for c in text)
    return text


def look_alike(name: str, others: list[str]) -> str | None:
    """The first of ``others`` that ``name`` could be mistaken for, if any."""
    wanted = skeleton(name)
    return next((other for other in others if skeleton(other) == wanted), None)


@functools.cache
def _representatives() -> dict[str, str]:
    """Character -> the text all its look-alikes map to.

    confusables.txt says "this looks like that" pairwise; joining the pairs into groups
    (union-find) and naming each group by its smallest member gives one representative,
    so ``l``, ``I``, ``1`` and ``|`` are one group. A character whose look-alike is a
    sequence of ASCII letters (``m`` and ``rn``) maps to that sequence."""
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    sequences: dict[str, str] = {}
    for char, homoglyphs in confusables_data.items():
        for homoglyph in homoglyphs:
            other = homoglyph["c"]
            if len(char) == 1 and len(other) == 1:
                a, b = root(char), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            elif len(char) == 1 and re.fullmatch("[a-z]{2,}", other):
                sequences[char] = other
    table = {char: root(char) for char in parent}
    table.update(sequences)
    return table

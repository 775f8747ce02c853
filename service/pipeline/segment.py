"""Split a parsed document into notes: one idea each, with exact character offsets.

Workshop notes are read like slides: a group heading ("Learning Cafe – RYHMÄ 2") sets
the group, the first line after it is the group's guiding question, bullets are
notes and indented bullets are sub-notes of the bullet above them. Prose is read as
paragraphs (long ones as sentences) under the nearest heading. Text left over from
slides and web pages is dropped by the rules of ``LEFTOVER_RULES`` and the few
structural rules beside them. Every note keeps
``note.text == document.text[note.start:note.end]``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Literal

from service.pipeline.document import NoteDraft, NoteKind, ParsedDocument
from service.pipeline.langid import detect_language
from service.pipeline.leftovers import (
    CONTACT_MARKER_RE,
    CONTACT_TAIL_CHARS,
    LEFTOVER_RULES,
    MAX_LEFTOVER_CHARS,
    MIN_NOTE_WORDS,
    is_leftover,
)
from service.pipeline.sentences import ends_in_question, split_sentences
from service.pipeline.turns import transcript_notes

__all__ = [
    "KINDS",
    "LEFTOVER_RULES",
    "detect_language",
    "is_leftover",
    "segment",
    "split_sentences",
]

KINDS = ("workshop", "project_description", "transcript", "other")
SENTENCE_SPLIT_CHARS = 400  # a longer paragraph holds several ideas: one note per sentence


MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 120

_BULLET_RE = re.compile(r"[ \t]*(?:[-–—•*+▪◦·‣●○■►➢✓]|\d{1,3}[.)]|[a-zA-Z]\))\s+(?P<body>\S)")
_MD_HEADING_RE = re.compile(r"#{1,6}\s+(?P<body>\S)")
_GROUP_RE = re.compile(
    r"(?i)(?:.{0,60}?\s[-–—:]\s*)?(?P<word>ryhmä|ryhma|group|grupp|työpaja|workshop)"
    r"(?:\s*(?P<num>\d{1,3})|\s+(?P<letter>[a-z]))\s*"
    r"(?P<cont>\(?(?:jatkuu|jatkoa|cont\.?|continued|forts\.?|fortsättning)\)?)?\s*(?::\s*(?P<rest>.*))?"
)
_CONTINUED_RE = re.compile(
    r"(?i)\s*[(\[]?(?:jatkuu|jatkoa|cont\.?|continued|forts\.?|fortsättning)[)\]]?\s*$"
)
_GROUP_WORDS = {"ryhmä": "Ryhmä", "ryhma": "Ryhmä", "group": "Ryhmä", "grupp": "Ryhmä"}


@dataclass
class _Item:
    """A bullet, a unit of non-bullet text, or a group heading, by its span in the text."""

    kind: Literal["bullet", "unit", "group"]
    start: int
    end: int
    indent: int = 0
    label: str | None = None
    rest: str | None = None
    forced_heading: bool = False


def segment(
    document: ParsedDocument, *, kind: str = "workshop", facilitators: Collection[str] = ()
) -> tuple[NoteDraft, ...]:
    """Notes of a document in reading order; ``position`` runs 0..n-1.

    ``kind`` is one of ``KINDS``. Tabular documents give one "row" note per row, with
    the row's metadata and fields; transcripts give "turn" notes (see
    ``turns.transcript_notes``, which takes ``facilitators``, speakers named at upload).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    text = document.text
    if document.turns:
        return transcript_notes(document, facilitators)
    if document.rows:
        rows = [row for row in document.rows if text[row.start : row.end].strip()]
        return tuple(
            replace(
                _draft(text, (row.start, row.end), i, "row", metadata=dict(row.metadata)),
                group=row.fields.get("group"),
                question=row.fields.get("question"),
                speaker=row.fields.get("speaker"),
            )
            for i, row in enumerate(rows)
        )
    return _notes(text, _scan(text, document.headings), workshop=kind == "workshop")


def _scan(text: str, headings: Collection[int] = ()) -> list[_Item]:
    """Bullets, group headings and units of text, leftovers removed, in order.

    ``headings`` are offsets of lines that are group headings whatever they say
    (slide titles)."""
    lines: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    lines = lines[: _contact_tail_start(lines, len(text))]
    items: list[_Item] = []
    block: list[tuple[int, str]] = []
    bullet: _Item | None = None  # the bullet a wrapped line continues
    for offset, line in lines:
        stripped = line.strip()
        if not stripped:
            _flush(block, items)
            bullet = None
            continue
        indent = _indent(line)
        end = offset + len(line.rstrip())
        bullet_match = _BULLET_RE.match(line)
        group = _group_heading(stripped) or (
            _titled_group(stripped) if offset in headings else None
        )
        if bullet_match or group:
            _flush(block, items)
            if group:
                items.append(_Item("group", offset, end, label=group[0], rest=group[1]))
                bullet = None
            else:
                assert bullet_match is not None
                bullet = _Item("bullet", offset + bullet_match.start("body"), end, indent)
                items.append(bullet)
            continue
        # A wrapped bullet goes on indented, or in lower case where a PDF lost the indent.
        if bullet is not None and (indent > bullet.indent or stripped[0].islower()):
            bullet.end = end
            continue
        bullet = None
        heading = _MD_HEADING_RE.match(line)
        if heading:
            _flush(block, items)
            items.append(_Item("unit", offset + heading.start("body"), end, forced_heading=True))
            continue
        block.append((offset, line))
    _flush(block, items)
    return items


def _contact_tail_start(lines: list[tuple[int, str]], length: int) -> int:
    """Index of the line where a closing contact block starts (len(lines) if none)."""
    for index, (offset, line) in enumerate(lines):
        if length - offset > CONTACT_TAIL_CHARS or len(line) > MAX_LEFTOVER_CHARS:
            continue
        if not _BULLET_RE.match(line) and CONTACT_MARKER_RE.fullmatch(" ".join(line.split())):
            return index
    return len(lines)


def _indent(line: str) -> int:
    width = 0
    for char in line:
        if not char.isspace():
            break
        width += 4 if char == "\t" else 1
    return width


def _group_heading(line: str) -> tuple[str, str | None] | None:
    """("Ryhmä 2", question on the same line or None) for a group heading line."""
    if len(line) > MAX_HEADING_CHARS:
        return None
    match = _GROUP_RE.fullmatch(line.strip("#* "))
    if match is None:
        return None
    word = _GROUP_WORDS.get(match["word"].casefold(), "Työpaja")
    number = match["num"] or match["letter"].upper()
    return f"{word} {number}", (match["rest"] or "").strip() or None


def _titled_group(title: str) -> tuple[str, str | None]:
    """A slide title as a group label: "Osaava työvoima (jatkuu)" -> "Osaava työvoima"."""
    label = _CONTINUED_RE.sub("", title).strip(" -–—:") or title
    return label, None


def _flush(block: list[tuple[int, str]], items: list[_Item]) -> None:
    """Turn a block of non-bullet lines into units: leftovers out, wrapped lines joined."""
    if not block:
        return
    lines = list(block)
    block.clear()
    if is_leftover(" ".join(line.strip() for _, line in lines)):
        return  # e.g. "Elinkeino-, liikenne- ja / ympäristökeskus" split over lines
    run: list[tuple[int, str]] = []
    for offset, line in [*lines, (-1, "")]:
        stripped = line.strip()
        keep = offset >= 0 and not is_leftover(stripped)
        if run and (not keep or not _wraps(run[-1][1].strip(), stripped)):
            first, last = run[0], run[-1]
            start = first[0] + len(first[1]) - len(first[1].lstrip())
            items.append(_Item("unit", start, last[0] + len(last[1].rstrip())))
            run = []
        if keep:
            run.append((offset, line))


def _wraps(previous: str, line: str) -> bool:
    """Whether ``line`` continues ``previous`` (a wrapped line) rather than starting anew."""
    if previous.endswith(("-", "–", ",", "/", "(")) or line[:1].islower():
        return True
    if previous[-1:] in ".!?:;":
        return False
    return len(previous) >= 60  # a long line without a full stop was cut by the layout


def _heading_like(words: list[str]) -> bool:
    joined = " ".join(words)
    return (
        0 < len(words) <= MAX_HEADING_WORDS
        and len(joined) <= MAX_HEADING_CHARS
        and joined[-1] not in ".!,;:"
    )


def _unit_roles(text: str, items: list[_Item]) -> dict[int, str]:
    """For each unit: "heading" (context for what follows), "note", or "skip"."""
    candidate = {
        i: item.forced_heading or _heading_like(text[item.start : item.end].split())
        for i, item in enumerate(items)
        if item.kind == "unit"
    }
    roles: dict[int, str] = {}
    seen: set[str] = set()
    content_seen = False
    for i, item in enumerate(items):
        content_seen = content_seen or item.kind == "bullet"
        if item.kind != "unit":
            continue
        words = text[item.start : item.end].split()
        if not candidate[i]:
            roles[i] = "note" if len(words) >= MIN_NOTE_WORDS else "skip"
            content_seen = content_seen or roles[i] == "note"
            continue
        following = items[i + 1] if i + 1 < len(items) else None
        # A heading is a short line without a full stop followed by a paragraph or bullets.
        if item.forced_heading or (
            following is not None
            and (following.kind == "bullet" or (following.kind == "unit" and not candidate[i + 1]))
        ):
            roles[i] = "heading"
        elif " ".join(words).casefold() in seen or not content_seen or len(words) < MIN_NOTE_WORDS:
            roles[i] = "skip"  # a repeated title, the document's own title, or a fragment
        else:
            roles[i] = "note"
        seen.add(" ".join(words).casefold())
    return roles


def _notes(text: str, items: list[_Item], *, workshop: bool) -> tuple[NoteDraft, ...]:
    roles = _unit_roles(text, items)
    notes: list[NoteDraft] = []
    group: str | None = None
    questions: dict[str, str] = {}  # a group's first guiding question wins
    topics: set[str] = set()  # groups whose "question" is a heading's topic ("Ryhmä 1: Vetovoima")
    section: str | None = None
    awaiting_question = False
    open_bullets: list[tuple[int, int]] = []  # (indent, note index), outermost first

    def context() -> tuple[str | None, str | None]:
        question = questions.get(group) if group else None
        if workshop:
            return group, section or question
        return section or group, question

    for i, item in enumerate(items):
        if item.kind == "group":
            group, section, awaiting_question = item.label, None, True
            open_bullets.clear()
            if item.label and item.rest and item.label not in questions:
                questions[item.label] = item.rest
                if not ends_in_question(item.rest):
                    topics.add(item.label)
            continue
        if item.kind == "bullet":
            awaiting_question = False
            while open_bullets and open_bullets[-1][0] >= item.indent:
                open_bullets.pop()
            parent = open_bullets[-1][1] if open_bullets else None
            kind: NoteKind = "bullet" if parent is None else "sub_bullet"
            parent_text = notes[parent].text if parent is not None else None
            span = (item.start, item.end)
            notes.append(_draft(text, span, len(notes), kind, context(), parent, parent_text))
            open_bullets.append((item.indent, len(notes) - 1))
            continue
        unit = " ".join(text[item.start : item.end].split())
        open_bullets.clear()
        if awaiting_question and group is not None:
            awaiting_question = False
            if group not in questions:
                questions[group] = unit
                continue
            if group in topics and ends_in_question(unit):  # the topic, then the question
                questions[group] = f"{questions[group]}: {unit}"
                topics.discard(group)
                continue
            if _repeats_question(unit, questions[group]):
                continue  # a continuation slide repeating its question, typos and all
        if roles[i] == "heading":
            section = unit
        elif roles[i] == "note":
            spans = [(item.start, item.end)]
            if item.end - item.start > SENTENCE_SPLIT_CHARS:
                sentences = split_sentences(text[item.start : item.end])
                spans = [(item.start + a, item.start + b) for a, b in sentences]
            note_kind: NoteKind = "sentence" if len(spans) > 1 else "paragraph"
            for start, end in spans:
                notes.append(_draft(text, (start, end), len(notes), note_kind, context()))
    return tuple(notes)


def _repeats_question(line: str, question: str) -> bool:
    if line.endswith("?"):
        return True
    if max(len(line), len(question)) > 300:  # SequenceMatcher is quadratic
        return False
    return SequenceMatcher(None, line.casefold(), question.casefold()).ratio() >= 0.8


def _draft(
    text: str,
    span: tuple[int, int],
    position: int,
    kind: NoteKind,
    where: tuple[str | None, str | None] = (None, None),
    parent: int | None = None,
    parent_text: str | None = None,
    metadata: dict[str, str] | None = None,
) -> NoteDraft:
    """A note over ``text[start:end]``; ``where`` is its (group, question)."""
    body = text[span[0] : span[1]]
    group, question = where
    return NoteDraft(
        body, *span, position, kind, group, question, parent, parent_text,
        detect_language(body), metadata or {},
    )  # fmt: skip

"""Bound the length of notes: a note longer than the limit is split at sentence
boundaries, a sentence still too long at clause boundaries (after , ; : or at a spaced
dash), and consecutive pieces are packed back together up to the limit, so a long row or
bullet becomes a few notes of whole sentences, not a heap of fragments. A stretch longer
than the limit with no boundary in it cannot be split, and is refused.

Why 2,000 characters: the encoder reads at most 512 tokens and Finnish runs at 4.06
characters per token (median over 1,000 OmaStadi proposals with the e5 tokenizer; 1st
percentile 3.2), so about 2,000 characters is what it sees of a note; the rest would be
cut off silently. No note of the three labelled data sets is longer than 1,166
characters. The bound also bounds what one note costs the lemmatizer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from service.pipeline.document import NoteDraft
from service.pipeline.segment import split_sentences

__all__ = ["MAX_NOTE_CHARS", "NoteTooLong", "bound_note_length", "split_text"]

MAX_NOTE_CHARS = 2_000
# A clause ends after a comma, semicolon or colon, or before a dash between spaces.
_CLAUSE_BREAK_RE = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—-]\s)")

Span = tuple[int, int]


class NoteTooLong(ValueError):
    """Text longer than the limit with no sentence or clause boundary to split it at.

    ``start`` and ``length`` locate the stretch in the text that was being split.
    """

    def __init__(self, start: int, length: int, max_chars: int) -> None:
        super().__init__(
            f"a stretch of {length:,} characters (from character {start:,}) has no sentence "
            f"or clause break, and a note can be at most {max_chars:,} characters"
        )
        self.start = start
        self.length = length
        self.max_chars = max_chars


def split_text(text: str, max_chars: int = MAX_NOTE_CHARS) -> list[Span]:
    """(start, end) spans of ``text`` (stripped of surrounding spaces), each at most
    ``max_chars`` long, in order; raises NoteTooLong for a stretch that cannot be split.

    Linear in ``len(text)``: one pass for sentences, one for the clauses of long ones.
    """
    pieces: list[Span] = []
    for start, end in split_sentences(text):
        if end - start <= max_chars:
            pieces.append((start, end))
            continue
        for clause_start, clause_end in _clauses(text[start:end]):
            if clause_end - clause_start > max_chars:
                raise NoteTooLong(start + clause_start, clause_end - clause_start, max_chars)
            pieces.append((start + clause_start, start + clause_end))
    return _pack(pieces, max_chars)


def _clauses(sentence: str) -> list[Span]:
    spans: list[Span] = []
    begin = 0
    for match in _CLAUSE_BREAK_RE.finditer(sentence):
        if match.start() > begin:
            spans.append((begin, match.start()))
        begin = match.end()
    if begin < len(sentence):
        spans.append((begin, len(sentence)))
    return spans


def _pack(pieces: list[Span], max_chars: int) -> list[Span]:
    """Consecutive pieces joined (with the text between them) while they fit."""
    packed: list[Span] = []
    for start, end in pieces:
        if packed and end - packed[-1][0] <= max_chars:
            packed[-1] = (packed[-1][0], end)
        else:
            packed.append((start, end))
    return packed


def bound_note_length(
    notes: Sequence[NoteDraft], max_chars: int = MAX_NOTE_CHARS
) -> tuple[NoteDraft, ...]:
    """The notes with every note at most ``max_chars`` long.

    A long note becomes several of the same kind, group, question, language and
    metadata, with exact offsets (``text == document.text[start:end]`` still holds);
    positions run 0..n-1 again. A sub-bullet whose parent was split belongs to the
    parent's first piece and reads it as its context. Raises NoteTooLong (with
    ``start`` as an offset into the document) when a note cannot be split.
    """
    if all(len(note.text) <= max_chars for note in notes):
        return tuple(notes)
    pieces: list[list[NoteDraft]] = []
    for note in notes:
        if len(note.text) <= max_chars:
            pieces.append([note])
            continue
        try:
            spans = split_text(note.text, max_chars)
        except NoteTooLong as error:
            raise NoteTooLong(note.start + error.start, error.length, max_chars) from None
        pieces.append(
            [
                replace(note, text=note.text[a:b], start=note.start + a, end=note.start + b)
                for a, b in spans
            ]
        )
    first_of = [0] * len(notes)  # old index -> new index of its first piece
    position = 0
    for index, parts in enumerate(pieces):
        first_of[index] = position
        position += len(parts)
    flat = [part for parts in pieces for part in parts]
    bounded = []
    for position, note in enumerate(flat):
        parent = first_of[note.parent] if note.parent is not None else None
        context = flat[parent].text if parent is not None else note.context
        bounded.append(replace(note, position=position, parent=parent, context=context))
    return tuple(bounded)

"""Plain data passed between the pipeline stages: a parsed document and its notes.

The stages (parse -> segment -> language -> embed -> themes) take and return these
frozen dataclasses; nothing here knows about the database or the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocumentFormat = Literal["txt", "md", "docx", "pdf", "csv", "xlsx"]
NoteKind = Literal["bullet", "sub_bullet", "paragraph", "sentence", "row"]
Language = Literal["fi", "sv", "en"]


@dataclass(frozen=True)
class Row:
    """One row of a tabular upload (csv/xlsx): its text span and its other columns.

    ``start``/``end`` are offsets (Unicode code points) into ``ParsedDocument.text``.
    """

    start: int
    end: int
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedDocument:
    """A document turned into normalised text.

    ``text`` is what gets stored and what every note offset points into: NFC
    normalised, ``\\n`` line endings, no BOM. For tabular files it is the chosen
    text column of each row joined by blank lines, and ``rows`` holds their spans.
    """

    text: str
    format: DocumentFormat
    encoding: str | None = None
    title: str | None = None
    rows: tuple[Row, ...] = ()


@dataclass(frozen=True)
class NoteDraft:
    """One idea from a document, before it is stored.

    ``text`` == ``document.text[start:end]`` always holds (offsets in code points),
    so QDA exports can point into the stored text. ``parent`` is the index (in the
    same tuple of drafts) of the bullet this sub-bullet belongs to; ``context`` is
    the parent's text, which a sub-bullet keeps for embedding and reading.
    """

    text: str
    start: int
    end: int
    position: int
    kind: NoteKind
    group: str | None = None
    question: str | None = None
    parent: int | None = None
    context: str | None = None
    language: Language = "fi"
    metadata: dict[str, str] = field(default_factory=dict)

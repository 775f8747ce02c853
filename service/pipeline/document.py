"""Plain data passed between the pipeline stages: a parsed document and its notes.

The stages (parse -> segment -> language -> embed -> themes) take and return these
frozen dataclasses; nothing here knows about the database or the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocumentFormat = Literal["txt", "md", "docx", "pdf", "csv", "xlsx", "vtt", "srt", "pptx"]
NoteKind = Literal["bullet", "sub_bullet", "paragraph", "sentence", "row", "turn"]
Language = Literal["fi", "sv", "en"]
SpeakerRole = Literal["facilitator", "participant"]
SPEAKER_ROLES: tuple[SpeakerRole, ...] = ("facilitator", "participant")
# Table columns that fill a note's own fields instead of its free-form metadata.
NoteField = Literal["group", "question", "speaker"]


@dataclass(frozen=True)
class Row:
    """One row of a tabular upload (csv/xlsx): its text span and its other columns.

    ``start``/``end`` are offsets (Unicode code points) into ``ParsedDocument.text``.
    """

    start: int
    end: int
    metadata: dict[str, str] = field(default_factory=dict)
    fields: dict[NoteField, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Cue:
    """A stretch of one turn said in one cue of a transcript: ``start``/``end`` are
    offsets into ``ParsedDocument.text``, ``start_time``/``end_time`` seconds from the
    start of the recording (None where the file gives no times)."""

    start: int
    end: int
    start_time: float | None = None
    end_time: float | None = None


@dataclass(frozen=True)
class Turn:
    """What one speaker said without interruption, as stored in ``ParsedDocument.text``.

    ``text[start:end]`` is the turn's words without the speaker label; ``cues`` are its
    parts with their times, in order, covering ``start..end``.
    """

    speaker: str | None
    start: int
    end: int
    cues: tuple[Cue, ...] = ()

    @property
    def start_time(self) -> float | None:
        return self.cues[0].start_time if self.cues else None

    @property
    def end_time(self) -> float | None:
        return self.cues[-1].end_time if self.cues else None


@dataclass(frozen=True)
class ParsedDocument:
    """A document turned into normalised text.

    ``text`` is what gets stored and what every note offset points into: NFC
    normalised, ``\\n`` line endings, no BOM. For tabular files it is the chosen
    text column of each row joined by blank lines, and ``rows`` holds their spans.
    A transcript (``turns`` not empty) is one paragraph per turn, each after a line
    naming its speaker. ``headings`` are the offsets of lines that are group headings
    by the file's own structure (slide titles), whatever their wording.
    """

    text: str
    format: DocumentFormat
    encoding: str | None = None
    title: str | None = None
    rows: tuple[Row, ...] = ()
    turns: tuple[Turn, ...] = ()
    headings: frozenset[int] = frozenset()

    @property
    def is_transcript(self) -> bool:
        return bool(self.turns)


@dataclass(frozen=True)
class NoteDraft:
    """One idea from a document, before it is stored.

    ``text`` == ``document.text[start:end]`` always holds (offsets in code points),
    so QDA exports can point into the stored text. ``parent`` is the index (in the
    same tuple of drafts) of the bullet this sub-bullet belongs to; ``context`` is
    the parent's text, which a sub-bullet keeps for embedding and reading.
    Transcript notes keep ``speaker`` (the name as the file gives it; the privacy
    stage may replace it), ``speaker_role``, ``turn`` (index into
    ``ParsedDocument.turns``) and ``start_time``/``end_time`` in seconds.
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
    speaker: str | None = None
    speaker_role: SpeakerRole | None = None
    turn: int | None = None
    start_time: float | None = None
    end_time: float | None = None

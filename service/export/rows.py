"""The shared export queries: notes with their document and theme, streamed in chunks, and
the run's themes as a codebook.

Notes are read by keyset pagination in document order, ``(document_id, position, id) >
last ORDER BY document_id, position, id LIMIT n``, which walks the (project_id, document_id,
position) index: each chunk is one short query, so a 50,000-note export never holds more
than one chunk of rows, and no cursor stays open across the writer's work (SQLite and
PostgreSQL alike). Keyset on the note id alone would make SQLite re-read and sort all of
the project's notes for every chunk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import and_, select, tuple_
from sqlalchemy.orm import Session

from service.storage.models import Assignment, Document, Note, ProjectCodebook, Theme

CHUNK_SIZE = 1000

# Column names of the tabular exports, in order.
COLUMNS = (
    "note_id",
    "document_id",
    "document",
    "region",
    "date",
    "event",
    "kind",
    "group",
    "question",
    "text",
    "theme_id",
    "theme_name",
    "theme_description",
    "theme_score",
    "human_edited",
)


@dataclass(frozen=True, slots=True)
class NoteRow:
    """One note as exported; ``theme_id`` None = unassigned or not in the run."""

    note_id: int
    document_id: int
    document: str
    region: str
    date: dt.date | None
    event: str | None
    kind: str
    group: str | None
    question: str | None
    text: str
    theme_id: int | None
    theme_name: str | None
    theme_description: str | None
    theme_score: float | None
    human_edited: bool

    def values(self) -> tuple[Any, ...]:
        """The row in ``COLUMNS`` order."""
        return (
            self.note_id,
            self.document_id,
            self.document,
            self.region,
            self.date,
            self.event,
            self.kind,
            self.group,
            self.question,
            self.text,
            self.theme_id,
            self.theme_name,
            self.theme_description,
            self.theme_score,
            self.human_edited,
        )


@dataclass(frozen=True)
class ThemeInfo:
    """A theme of the run as a codebook entry."""

    key: int
    name: str
    keywords: list[str]
    size: int
    description: str  # for QDA tools: the summary, then "Keywords: ..."
    summary: str = ""  # the seed's description and the theme's one sentence


def _note_query(project_id: int, run_id: int | None) -> Any:
    run = run_id if run_id is not None else -1  # no run: the outer joins match nothing
    return (
        select(
            Note.id,
            Note.document_id,
            Note.position,
            Document.filename,
            Document.region,
            Document.date,
            Document.event,
            Document.kind,
            Note.group,
            Note.question,
            Note.text,
            Assignment.theme_key,
            Theme.name,
            Theme.description,
            Assignment.score,
            Assignment.source,
        )
        .join(Document, Document.id == Note.document_id)
        .outerjoin(Assignment, and_(Assignment.note_id == Note.id, Assignment.run_id == run))
        .outerjoin(Theme, and_(Theme.run_id == run, Theme.key == Assignment.theme_key))
        .where(Note.project_id == project_id)
    )


def iter_note_rows(
    session: Session, project_id: int, run_id: int | None, chunk_size: int = CHUNK_SIZE
) -> Iterator[NoteRow]:
    """Every note of a project in document order, with its theme in ``run_id``."""
    query = _note_query(project_id, run_id)
    order = (Note.document_id, Note.position, Note.id)
    last = (-1, -1, -1)
    while True:
        chunk = session.execute(
            query.where(tuple_(*order) > tuple_(*last)).order_by(*order).limit(chunk_size)
        ).all()
        for (
            note_id,
            document_id,
            _position,
            filename,
            region,
            date,
            event,
            kind,
            group,
            question,
            text,
            key,
            name,
            description,
            score,
            source,
        ) in chunk:
            yield NoteRow(
                note_id,
                document_id,
                filename,
                region,
                date,
                event,
                kind,
                group,
                question,
                text,
                key,
                name if key is not None else None,
                description if key is not None else None,
                float(score) if score is not None else None,
                source == "human",
            )
        if len(chunk) < chunk_size:
            return
        last = (chunk[-1][1], chunk[-1][2], chunk[-1][0])


@dataclass(frozen=True, slots=True)
class CodedSpan:
    """A note placed in a theme: its offsets (code points) in its document's text."""

    note_id: int
    start: int
    end: int
    text: str
    theme_key: int
    human: bool


def iter_coded_spans(
    session: Session,
    project_id: int,
    run_id: int,
    document_id: int,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[CodedSpan]:
    """The document's notes that have a theme in the run, in document order, chunked."""
    query = (
        select(
            Note.id,
            Note.position,
            Note.start,
            Note.end,
            Note.text,
            Assignment.theme_key,
            Assignment.source,
        )
        .join(Assignment, and_(Assignment.note_id == Note.id, Assignment.run_id == run_id))
        .where(
            Note.project_id == project_id,
            Note.document_id == document_id,
            Assignment.theme_key.is_not(None),
        )
    )
    order = (Note.position, Note.id)
    last = (-1, -1)
    while True:
        chunk = session.execute(
            query.where(tuple_(*order) > tuple_(*last)).order_by(*order).limit(chunk_size)
        ).all()
        for note_id, _position, start, end, text, key, source in chunk:
            # The query keeps only notes with a theme, so the key is never None here.
            yield CodedSpan(note_id, start, end, text, cast(int, key), source == "human")
        if len(chunk) < chunk_size:
            return
        last = (chunk[-1][1], chunk[-1][0])


def run_themes(session: Session, project_id: int, run_id: int) -> list[ThemeInfo]:
    """The run's themes by key, described by their seed's codebook description (if the
    theme grew from a seed), their one-sentence description and their keywords."""
    stored = session.get(ProjectCodebook, project_id)
    seeds = {
        str(t.get("name")): str(t.get("description") or "")
        for t in (stored.themes if stored else [])
    }
    themes = session.scalars(select(Theme).where(Theme.run_id == run_id).order_by(Theme.key))
    result = []
    for theme in themes:
        keywords = [str(entry[0]) for entry in theme.keywords if entry]
        parts = [seeds.get(theme.seed or "", "")] if theme.seed else []
        parts.append(theme.description or "")
        summary = " ".join(p for p in parts if p)
        if keywords:
            parts.append("Keywords: " + ", ".join(keywords))
        description = " ".join(p for p in parts if p)
        result.append(ThemeInfo(theme.key, theme.name, keywords, theme.size, description, summary))
    return result

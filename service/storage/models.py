"""The database tables (SQLAlchemy 2 declarative models).

Schema changes go through Alembic migrations in ``service/migrations``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

# Integer ids are never handed out twice, so a row of a deleted project can never be
# mistaken for a new project's. PostgreSQL's sequences never reuse a value; SQLite reuses
# the highest deleted rowid unless the table is AUTOINCREMENT. Every table gets this
# (SQLite applies it only to a single integer primary key); a table with its own
# ``__table_args__`` tuple ends it with ``NEVER_REUSE_IDS``.
NEVER_REUSE_IDS: dict[str, Any] = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}

    @declared_attr.directive
    def __table_args__(cls) -> Any:
        return NEVER_REUSE_IDS


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored (naive) time is UTC: with its zone attached; an aware one converted."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def utc_now() -> dt.datetime:
    """Now in UTC, without a time zone (as every DateTime column here stores it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


_now = utc_now


def _new_uid() -> str:
    return uuid.uuid4().hex


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Random and never shared by two projects, even one made after another was deleted:
    # per-project caches are keyed by it, not by the id or the name.
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=_new_uid)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    # Bumped in the same transaction as every change to the project's documents, notes,
    # runs, themes, assignments, edits or codebook (storage/revision.py); read views are
    # cached under it.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The largest theme key the project ever gave: a deleted theme (merged away, emptied)
    # keeps its key out of reach of every later theme (repository.next_theme_key).
    theme_keys_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    documents: Mapped[list[Document]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )


class Document(Base):
    __tablename__ = "documents"
    # Re-uploading the same bytes into a project is recognised, not duplicated.
    __table_args__ = (UniqueConstraint("project_id", "content_hash"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(100), index=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    event: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    note_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    project: Mapped[Project] = relationship(back_populates="documents")
    notes: Mapped[list[Note]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Note.position",
    )


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_project_position", "project_id", "document_id", "position"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Denormalised so project-wide note queries need no join.
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    group: Mapped[str | None] = mapped_column(String(255))
    question: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"))
    context: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    lemmas: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_lemmas: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Noun phrases in base form, [[key, text, number], ...] (pipeline.phrases); None =
    # stored before phrases existed: the next theme run analyses the note again.
    phrases: Mapped[list[list[str]] | None] = mapped_column(JSON)
    # sha256 of the exact text given to the embedder (note text with its context).
    embed_hash: Mapped[str] = mapped_column(String(64), index=True)
    # Transcripts: who spoke (as stored after the privacy stage), their role
    # (facilitator | participant), the turn's index in the document, seconds from the start.
    speaker: Mapped[str | None] = mapped_column(String(255))
    speaker_role: Mapped[str | None] = mapped_column(String(20))
    turn: Mapped[int | None] = mapped_column(Integer)
    start_time: Mapped[float | None] = mapped_column(Float)
    end_time: Mapped[float | None] = mapped_column(Float)

    document: Mapped[Document] = relationship(back_populates="notes")


class Embedding(Base):
    """Cache of note vectors by (model id, text hash): a known text is never re-embedded."""

    __tablename__ = "embeddings"

    model_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dimension: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian


# A job's states, in the only order it moves through them (service/jobs.py).
QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"


class Job(Base):
    """Long work (ingest, theme runs): its state and progress, reported by the API."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # SET NULL: a job that was queued or running when its project was deleted stays, failed
    # and emptied of the project's data, so whoever waits on it learns what happened.
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))  # queued | running | succeeded | failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text)
    error_fi: Mapped[str | None] = mapped_column(Text)  # the error in Finnish, where it has one
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)
    # The service instance running the job ("host:pid:random") and when it last said the
    # job is alive: a restart fails only jobs whose worker is really gone (service/jobs.py).
    owner: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # What the job's task needs besides its files (JSON): a worker runs it from the row.
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # How often a worker started it: a job whose worker died is queued again, up to a limit.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Higher first (service.jobs.PRIORITIES); among equals the oldest first.
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # by its current worker


class JobFile(Base):
    """A file a job works on (an upload waiting to be ingested), kept only while the job is
    queued or running: ending the job deletes it (uploads may hold personal data)."""

    __tablename__ = "job_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ProjectCodebook(Base):
    """A project's expected themes (seeds for theme runs), as given by the user."""

    __tablename__ = "codebooks"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    themes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)


class ThemeRun(Base):
    """One fit of the theme model over a project's notes (or a subset of them)."""

    __tablename__ = "theme_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[str | None] = mapped_column(String(36))
    model_id: Mapped[str] = mapped_column(String(255))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note_count: Mapped[int] = mapped_column(Integer, default=0)
    unassigned_share: Mapped[float] = mapped_column(Float, default=0.0)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tree: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fit_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    # What assigning new notes without a refit needs: the corpus mean the model centred
    # vectors with (float32 (d,)) and the centred cosine below which a note stays unassigned.
    center: Mapped[bytes | None] = mapped_column(LargeBinary)
    assign_threshold: Mapped[float | None] = mapped_column(Float)
    # "applied" (the project's themes are the newest applied run) or "draft": a run that
    # would change themes people edited waits for a person to apply or discard it.
    status: Mapped[str] = mapped_column(String(10), default="applied", server_default="applied")
    # What a draft was computed against: the applied run then current and the newest
    # edit it honours; applying it after either changed would undo work (a 409).
    base_run_id: Mapped[int | None] = mapped_column(Integer)
    last_edit_id: Mapped[int | None] = mapped_column(Integer)


class Theme(Base):
    """A theme of one run. ``key`` is the project-wide stable id that persists across runs."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("run_id", "key"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("theme_runs.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    name_edited: Mapped[bool] = mapped_column(default=False)
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    seed: Mapped[str | None] = mapped_column(String(255))
    centroid: Mapped[bytes] = mapped_column(LargeBinary)  # float32 (dimension,)
    representatives: Mapped[list[Any]] = mapped_column(JSON, default=list)  # note ids
    # Unit mean of the members' centred vectors (float32 (d,)) and their median cosine
    # to it: new notes are scored against these.
    centred_centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    typical_similarity: Mapped[float | None] = mapped_column(Float)
    # Quantiles (every 5th percentile) of the members' cosines to centred_centroid:
    # a note's fit is where its cosine falls among them (pipeline.explain.fit_scores).
    similarity_quantiles: Mapped[list[float] | None] = mapped_column(JSON)
    # One sentence of the theme's most central note (pipeline.explain.theme_description).
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    x: Mapped[float] = mapped_column(Float, default=0.0)
    y: Mapped[float] = mapped_column(Float, default=0.0)


class Assignment(Base):
    """Which theme a note belongs to in a run (theme_key None = unassigned)."""

    __tablename__ = "assignments"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("theme_runs.id", ondelete="CASCADE"), primary_key=True
    )
    note_id: Mapped[int] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    theme_key: Mapped[int | None] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # Scores over the run's themes, {theme key: score}, highest few only.
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    x: Mapped[float] = mapped_column(Float, default=0.0)
    y: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str] = mapped_column(String(20), default="model")  # model|human|incremental


class ThemeEdit(Base):
    """A human edit of themes: who did what and when (kept across runs)."""

    __tablename__ = "theme_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[int | None] = mapped_column(ForeignKey("theme_runs.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))  # rename|merge|split|move|unassign
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class NoteEntities(Base):
    """Organisations and places named in a note text, cached by (recognizer, text hash) like
    embeddings: the actor map computes them on demand and never twice for one text.
    ``mentions`` is a list of ``[text, kind, name]``; persons are never stored."""

    __tablename__ = "note_entities"

    recognizer: Mapped[str] = mapped_column(String(255), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    mentions: Mapped[list[Any]] = mapped_column(JSON, default=list)

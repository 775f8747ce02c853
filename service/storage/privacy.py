"""Tables of the privacy stage: each project's policy, what was found, and speaker names.

A finding never holds the personal value itself: it points into the stored document
text (at the placeholder where the value was redacted). The speaker names behind the
"Puhuja n" pseudonyms are the one place a name is kept; only project admins read them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.storage.models import NEVER_REUSE_IDS, Base, _now

REVIEW_STATES = ("none", "pending", "confirmed", "dismissed")


class ProjectPrivacy(Base):
    """A project's privacy policy; a project without a row redacts (the default)."""

    __tablename__ = "project_privacy"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    policy: Mapped[str] = mapped_column(String(10), default="redact")  # redact | keep
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)


class PersonalDataFinding(Base):
    """One piece of personal data the stage found in a stored document.

    ``field`` "text": ``start``/``end`` are offsets into ``documents.text`` (the
    placeholder when ``redacted``); "metadata:<key>": into that metadata value of the
    note. ``review``: "none" (confident), "pending" (below the review threshold,
    waiting for a project admin), "confirmed" or "dismissed" (by ``reviewed_by``).
    """

    __tablename__ = "personal_data_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(120), default="text")
    entity: Mapped[str] = mapped_column(String(40))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    recognizer: Mapped[str] = mapped_column(String(100))
    redacted: Mapped[bool] = mapped_column(default=True)
    review: Mapped[str] = mapped_column(String(20), default="none")
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class SpeakerName(Base):
    """The name behind a speaker pseudonym ("Puhuja 2") of one document."""

    __tablename__ = "speaker_names"
    __table_args__ = (UniqueConstraint("document_id", "pseudonym"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    pseudonym: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))

"""Human codes for notes: the table, storing a coder's codes and reading them back next
to a run's themes. Reading files of codes is ``service.coding``'s work.

One code per note and coder: storing a coder's codes replaces that coder's codes for the
notes given, and leaves other coders alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import (
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.storage.models import NEVER_REUSE_IDS, Assignment, Base, Document, Note

MAX_CODE_CHARS = 255
MAX_CODER_CHARS = 100
_STORE_CHUNK = 1000


class HumanCode(Base):
    """A human's code for one note (``source``: csv | qdpx)."""

    __tablename__ = "human_codes"
    __table_args__ = (UniqueConstraint("note_id", "coder"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(MAX_CODE_CHARS))
    coder: Mapped[str] = mapped_column(String(MAX_CODER_CHARS))
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None)
    )


def store_codes(
    session: Session, project_id: int, coder: str, source: str, codes: Mapping[int, str]
) -> int:
    """Replace the coder's codes for these notes; returns how many were stored."""
    note_ids = sorted(codes)
    for start in range(0, len(note_ids), _STORE_CHUNK):
        part = note_ids[start : start + _STORE_CHUNK]
        session.execute(
            delete(HumanCode).where(HumanCode.coder == coder, HumanCode.note_id.in_(part))
        )
        session.execute(
            insert(HumanCode),
            [
                {
                    "project_id": project_id,
                    "note_id": i,
                    "code": codes[i][:MAX_CODE_CHARS],
                    "coder": coder,
                    "source": source,
                }
                for i in part
            ],
        )
    return len(note_ids)


def coders(session: Session, project_id: int) -> list[str]:
    return list(
        session.scalars(
            select(HumanCode.coder)
            .where(HumanCode.project_id == project_id)
            .distinct()
            .order_by(HumanCode.coder)
        )
    )


def coded_notes(
    session: Session, project_id: int, run_id: int, coder: str
) -> list[tuple[int, int | None, str, str]]:
    """(note id, theme key or None, human code, region) for every note of the run that the
    coder coded, in note id order."""
    rows = session.execute(
        select(HumanCode.note_id, Assignment.theme_key, HumanCode.code, Document.region)
        .join(Assignment, (Assignment.note_id == HumanCode.note_id) & (Assignment.run_id == run_id))
        .join(Note, Note.id == HumanCode.note_id)
        .join(Document, Document.id == Note.document_id)
        .where(HumanCode.project_id == project_id, HumanCode.coder == coder)
        .order_by(HumanCode.note_id)
    ).all()
    return [(int(i), k, c, r) for i, k, c, r in rows]

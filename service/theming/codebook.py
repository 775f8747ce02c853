"""A project's codebook as stored: the seed themes every later run starts from."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.storage.models import ProjectCodebook
from service.storage.repository import add_audit_entry

__all__ = ["codebook_of", "set_codebook"]


def codebook_of(session: Session, project_id: int) -> list[dict[str, Any]]:
    """The project's codebook themes as set (name, description, examples); [] for none."""
    stored = session.get(ProjectCodebook, project_id)
    return list(stored.themes) if stored else []


def set_codebook(
    session: Session,
    project_id: int,
    themes: list[dict[str, Any]] | None,
    author: str,
    default: bool = False,
) -> None:
    """Set a project's codebook (``themes``; the shipped one when ``default``) or remove it
    (None), audited as ``author``'s in the same transaction: it seeds every later run."""
    stored = session.get(ProjectCodebook, project_id)
    if themes is None:
        if stored is not None:
            session.delete(stored)
            add_audit_entry(session, author, "clear_codebook", project_id)
        return
    if stored is None:
        session.add(ProjectCodebook(project_id=project_id, themes=themes))
    else:
        stored.themes = themes
    add_audit_entry(
        session, author, "set_codebook", project_id, themes=len(themes), default=default
    )

"""The run a project's views and edits work on, and one theme of it.

Reads only, so both the read side (``views``) and the write side (``edits``) import it
without importing each other.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import Theme, ThemeRun
from service.storage.repository import NotFound, NoThemeRun

__all__ = ["APPLIED", "DRAFT", "current_run", "get_theme", "latest_run"]

# A run's status: an applied run is the project's themes; a draft waits for confirmation.
APPLIED, DRAFT = "applied", "draft"


def latest_run(session: Session, project_id: int) -> ThemeRun | None:
    """The project's current run: its newest applied one (drafts are not current)."""
    return session.scalar(
        select(ThemeRun)
        .where(ThemeRun.project_id == project_id, ThemeRun.status == APPLIED)
        .order_by(ThemeRun.id.desc())
    )


def current_run(session: Session, project_id: int) -> ThemeRun:
    """The latest run, or NoThemeRun (a 404 saying how to start one)."""
    run = latest_run(session, project_id)
    if run is None:
        raise NoThemeRun("This project has no theme run yet; start one with POST .../runs.")
    return run


def get_theme(session: Session, run_id: int, key: int) -> Theme:
    """Theme ``key`` of run ``run_id``, or NotFound."""
    theme = session.scalar(select(Theme).where(Theme.run_id == run_id, Theme.key == key))
    if theme is None:
        raise NotFound(f"No theme {key} in the current run; list themes with GET .../themes.")
    return theme

"""Everything the report says, gathered from the same functions the API answers with, so
each number in the Word file is the number the API gives."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.analysis.actors import actor_report, find_mentions
from service.analysis.needs import needs_report
from service.analysis.prevalence import compare_run
from service.pipeline.entities import EntityRecognizer
from service.storage import repository
from service.storage.db import Database
from service.storage.models import Note
from service.theming.current import current_run
from service.theming.views import note_map, theme_table

QUOTES = 3
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportContent:
    """The report's material; every part is the JSON the matching API route returns."""

    project: str
    made: dt.date
    documents: list[dict[str, Any]]  # filename, kind, region, date (ISO or None), notes
    notes: int  # notes in the project (GET /notes total)
    table: dict[str, Any]  # GET /themes
    compare: dict[str, Any]  # GET /compare?by=region
    needs: dict[str, Any]  # GET /needs
    actors: dict[str, Any] | None  # GET /actors; None where the NER is not available
    positions: dict[str, Any]  # GET /map: x, y, theme per note
    model_id: str = ""  # the embedding model of the run

    @property
    def regions(self) -> dict[str, int]:
        """Notes per region of the current run (the comparison's groups)."""
        return {g["group"]: g["notes"] for g in self.compare["groups"]}

    @property
    def dates(self) -> list[str]:
        return sorted(d["date"] for d in self.documents if d["date"])


def theme_description(theme: dict[str, Any]) -> tuple[str, bool]:
    """The theme's description when the run has one, else its most typical note; the flag
    says which it is."""
    described = str(theme.get("description") or "").strip()
    if described:
        return described, True
    representatives = theme.get("representatives") or []
    return (str(representatives[0]["text"]) if representatives else ""), False


def quotes(theme: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The theme's first representatives as (text, the bullet a sub-bullet answers)."""
    return [
        (str(r["text"]), r.get("context") or None)
        for r in (theme.get("representatives") or [])[:QUOTES]
    ]


def record_report(session: Session, user_name: str, project_name: str, lang: str) -> None:
    """Audit a report handed out (API and CLI alike)."""
    repository.add_audit_entry_named(session, user_name, "report", project_name, lang=lang)


def gather(
    db: Database,
    project_name: str,
    recognizer: EntityRecognizer | None,
    today: dt.date | None = None,
) -> ReportContent:
    """Collect the report of a project's current run. Actors not found yet are found first
    (the NER, cached); ``recognizer`` None leaves the actors out."""
    with db.session() as session:
        project = repository.get_project(session, project_name)
        current_run(session, project.id)  # a clear NotFound before any slow work
    if recognizer is not None:
        try:
            find_mentions(db, project.id, recognizer)
        except (ImportError, OSError) as error:  # spaCy's Finnish model is not installed
            log.warning("The report leaves the actors out: %s", error)
            recognizer = None
    with db.session() as session:
        run = current_run(session, project.id)
        return ReportContent(
            project=project_name,
            made=today or dt.date.today(),
            documents=_documents(session, project.id),
            notes=_note_count(session, project.id),
            table=theme_table(session, project.id),
            compare=compare_run(session, run, "region"),
            needs=needs_report(session, run),
            actors=actor_report(session, run, recognizer) if recognizer else None,
            positions=_positions(session, project.id),
            model_id=run.model_id,
        )


def _documents(session: Session, project_id: int) -> list[dict[str, Any]]:
    return [
        {
            "filename": d.filename,
            "kind": d.kind,
            "region": d.region,
            "date": d.date.isoformat() if d.date else None,
            "notes": d.note_count,
        }
        for d in repository.list_documents(session, project_id)
    ]


def _note_count(session: Session, project_id: int) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Note).where(Note.project_id == project_id))
        or 0
    )


def _positions(session: Session, project_id: int) -> dict[str, Any]:
    notes = note_map(session, project_id)["notes"]
    return {
        "x": [n["x"] for n in notes],
        "y": [n["y"] for n in notes],
        "theme": [n["theme"] if n["theme"] is not None else -1 for n in notes],
    }

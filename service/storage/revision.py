"""A project's revision: a counter bumped in the same transaction as every change to the
project's data, so that read views can be cached under (project, revision).

One ``after_flush`` listener on every ORM session does it: whatever a flush inserted,
changed or deleted among the classes below, the projects those rows belong to get
``revision + 1``, on the same connection, committed or rolled back with the change.
Writes that bypass the ORM (bulk ``update()``/``delete()`` statements) are not seen;
this code base makes none on these tables. Cascading database deletes come from an
ORM delete of a document or project, which is seen.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, event, select, update
from sqlalchemy.orm import Session

from service.storage.human_codes import HumanCode
from service.storage.models import (
    Assignment,
    Document,
    Note,
    Project,
    ProjectCodebook,
    Theme,
    ThemeEdit,
    ThemeRun,
)

# Jobs and the audit log change all the time and do not change what views show.
_BY_PROJECT_ID = (Document, Note, Theme, ThemeRun, ThemeEdit, ProjectCodebook, HumanCode)


def _touched_projects(session: Session, objects: list[Any]) -> set[int]:
    projects: set[int] = set()
    runs: set[int] = set()
    for obj in objects:
        if isinstance(obj, _BY_PROJECT_ID) and obj.project_id is not None:
            projects.add(obj.project_id)
        elif isinstance(obj, Assignment) and obj.run_id is not None:
            runs.add(obj.run_id)
        elif isinstance(obj, Project) and obj.id is not None:
            projects.add(obj.id)
    if runs:  # Core, on the flush's own connection: no ORM work inside a flush
        runs_table = ThemeRun.__table__
        found = session.connection().execute(
            select(runs_table.c.project_id).where(runs_table.c.id.in_(sorted(runs)))
        )
        projects.update(row[0] for row in found)
    return projects


@event.listens_for(Session, "after_flush")
def _bump_revisions(session: Session, _context: Any) -> None:
    objects = [*session.new, *session.dirty, *session.deleted]
    if not objects:
        return
    projects = _touched_projects(session, objects)
    if projects:
        table = cast(Table, Project.__table__)
        session.connection().execute(
            update(table)
            .where(table.c.id.in_(sorted(projects)))
            .values(revision=table.c.revision + 1)
        )


def project_revision(session: Session, project_id: int) -> int:
    """The project's current revision (0 for a project never changed)."""
    return session.scalar(select(Project.revision).where(Project.id == project_id)) or 0

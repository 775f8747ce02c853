"""Queries on projects, documents, notes and jobs, shared by the API and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session, defer

from service.errors import Conflict, NotFound
from service.project_names import check_project_name
from service.storage.access import AuditEntry
from service.storage.embeddings import delete_orphan_vectors
from service.storage.models import (
    FAILED,
    QUEUED,
    RUNNING,
    Document,
    Job,
    JobFile,
    Note,
    Project,
    Theme,
)
from service.storage.search import SearchTerm, matching_notes

PROJECT_DELETED = "The project was deleted while this job waited or ran; nothing of it was saved."


class NoThemeRun(NotFound):
    """The project has no theme run yet (nothing to read until one is started)."""

    code = "no_theme_run"


def create_project(
    session: Session, name: str, description: str = "", *, author: str | None = None
) -> Project:
    """A new project; audited as ``author``'s in the same transaction (the API's signed-in
    user, the CLI's local user; None: nobody's, as in tests and benches)."""
    check_project_name(name)
    if session.scalar(select(Project).where(Project.name == name)) is not None:
        raise Conflict(
            f"Project {name!r} exists already; choose another name.",
            finnish=f"Projekti {name!r} on jo olemassa; valitse toinen nimi.",
        )
    project = Project(name=name, description=description)
    session.add(project)
    session.flush()
    if author is not None:
        add_audit_entry_named(session, author, "create_project", project.name)
    return project


def get_project(session: Session, name: str) -> Project:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        raise NotFound(f"No project named {name!r}; list projects with GET /projects.")
    return project


def list_projects(session: Session) -> Sequence[Project]:
    return session.scalars(select(Project).order_by(Project.name)).all()


def project_counts(session: Session, project_id: int) -> tuple[int, int]:
    """(documents, notes) in a project."""
    documents = session.scalar(
        select(func.count()).select_from(Document).where(Document.project_id == project_id)
    )
    notes = session.scalar(
        select(func.count()).select_from(Note).where(Note.project_id == project_id)
    )
    return int(documents or 0), int(notes or 0)


def delete_project(session: Session, project: Project) -> None:
    """Delete a project and all its data. Its finished jobs go too; its queued and running
    jobs fail, emptied of the project's data, and stay (without a project) so that whoever
    waits on one learns why. A running job stops at its next progress report, and can
    write nothing anyway: ids are never reused, so its rows have no project to belong to.
    """
    active = Job.state.in_([QUEUED, RUNNING])
    session.execute(delete(Job).where(Job.project_id == project.id, ~active))
    jobs = select(Job.id).where(Job.project_id == project.id)
    session.execute(delete(JobFile).where(JobFile.job_id.in_(jobs)))  # uploads not ingested
    session.execute(
        update(Job)
        .where(Job.project_id == project.id, active)
        .values(state=FAILED, error=PROJECT_DELETED, message="", result={}, args={})
    )
    session.execute(delete(Note).where(Note.project_id == project.id))
    session.execute(delete(Document).where(Document.project_id == project.id))
    session.delete(project)
    session.flush()
    delete_orphan_vectors(session)


def list_documents(session: Session, project_id: int) -> Sequence[Document]:
    return session.scalars(
        select(Document).where(Document.project_id == project_id).order_by(Document.id)
    ).all()


def get_document(session: Session, project_id: int, document_id: int) -> Document:
    document = session.scalar(
        select(Document).where(Document.project_id == project_id, Document.id == document_id)
    )
    if document is None:
        raise NotFound(f"No document {document_id} in this project.")
    return document


def delete_document(session: Session, document: Document) -> None:
    """Delete a document, its notes, and cached vectors no other note uses."""
    session.execute(delete(Note).where(Note.document_id == document.id))
    session.delete(document)
    session.flush()
    delete_orphan_vectors(session)


_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class NoteFilter:
    region: str | None = None
    document_id: int | None = None
    group: str | None = None
    kind: str | None = None
    search: tuple[SearchTerm, ...] = ()  # every term must match (storage/search.py)


def _filtered(
    query: _Query, project_id: int, where: NoteFilter, dialect: str, join: bool = True
) -> _Query:
    """``query`` over notes narrowed to the filter; joined to the notes' documents when
    ``join`` or when the filter needs them."""
    if join or where.region or where.kind:
        query = query.join(Document, Note.document_id == Document.id)
    query = query.where(Note.project_id == project_id)
    if where.region:
        query = query.where(Document.region == where.region)
    if where.document_id is not None:
        query = query.where(Note.document_id == where.document_id)
    if where.group:
        query = query.where(Note.group == where.group)
    if where.kind:
        query = query.where(Document.kind == where.kind)
    if where.search:
        query = query.where(matching_notes(dialect, where.search))
    return query


def list_notes(
    session: Session,
    project_id: int,
    where: NoteFilter = NoteFilter(),
    limit: int | None = 100,
    offset: int = 0,
) -> tuple[list[tuple[Note, Document]], int]:
    """A page of notes with their documents, in document order, and the total count."""
    # A plain count over the same joins and filters: counting a subquery of ORM rows
    # costs more to compile than to run.
    dialect = session.get_bind().dialect.name
    count = select(func.count(Note.id)).select_from(Note)
    total = session.scalar(_filtered(count, project_id, where, dialect, join=False)) or 0
    # A document's full text would otherwise travel with every one of its notes.
    rows = select(Note, Document).options(defer(Document.text))
    rows = _filtered(rows, project_id, where, dialect)
    page = rows.order_by(Note.document_id, Note.position).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    return [(note, document) for note, document in session.execute(page)], int(total)


def next_theme_key(session: Session, project_id: int) -> int:
    """The key a new theme of the project takes: one more than the largest key any of its
    themes ever had (stored, or deleted through ``delete_theme``), so a key is never
    reused and always means one theme's history."""
    largest = session.scalar(select(func.max(Theme.key)).where(Theme.project_id == project_id))
    used = session.scalar(select(Project.theme_keys_used).where(Project.id == project_id))
    return max(largest or 0, used or 0) + 1


def delete_theme(session: Session, theme: Theme) -> None:
    """Delete a theme of a run (merged away, left without notes), keeping its key given."""
    session.execute(
        update(Project)
        .where(Project.id == theme.project_id, Project.theme_keys_used < theme.key)
        .values(theme_keys_used=theme.key)
    )
    session.delete(theme)


def add_audit_entry(
    session: Session, user_name: str, action: str, project_id: int | None, **details: Any
) -> None:
    """Who did what to which project, in the transaction that does it (so an action is
    audited exactly when it is saved, from the API or the CLI alike)."""
    project = session.get(Project, project_id) if project_id is not None else None
    add_audit_entry_named(
        session, user_name, action, project.name if project is not None else None, **details
    )


def add_audit_entry_named(
    session: Session, user_name: str, action: str, project_name: str | None, **details: Any
) -> None:
    """``add_audit_entry`` for a caller that has the project's name (or none: user admin)."""
    session.add(
        AuditEntry(user_name=user_name, action=action, project_name=project_name, details=details)
    )

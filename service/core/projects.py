"""Projects: found, created, listed for the user who may see them, counted and deleted.

Creating one is audited by ``repository.create_project`` itself, because the sample loader
and benches create projects too; deleting one is audited here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from service import auth
from service.errors import NotFound
from service.storage import repository
from service.storage.access import User
from service.storage.models import Project

__all__ = [
    "ProjectSummary",
    "create_project",
    "delete_project",
    "find_or_create",
    "find_project",
    "summary",
    "visible_projects",
]


@dataclass(frozen=True)
class ProjectSummary:
    """A project with how many documents and notes it holds."""

    project: Project
    documents: int
    notes: int


def find_project(session: Session, name: str) -> Project:
    """The project of that name; ``NotFound`` saying how to list them otherwise."""
    return repository.get_project(session, name)


def create_project(session: Session, name: str, description: str = "", *, author: str) -> Project:
    """A new project, audited as ``author``'s; ``Conflict`` when the name is taken."""
    return repository.create_project(session, name, description, author=author)


def find_or_create(session: Session, name: str, *, author: str) -> tuple[Project, bool]:
    """The project of that name, created (audited as ``author``'s) when missing, and
    whether it was created."""
    try:
        return repository.get_project(session, name), False
    except NotFound:
        return repository.create_project(session, name, author=author), True


def summary(session: Session, project: Project) -> ProjectSummary:
    documents, notes = repository.project_counts(session, project.id)
    return ProjectSummary(project, documents, notes)


def visible_projects(session: Session, user: User) -> list[Project]:
    """The projects ``user`` is a member of, by name (all of them for an administrator)."""
    visible = auth.member_project_ids(session, user)
    return [
        project
        for project in repository.list_projects(session)
        if visible is None or project.id in visible
    ]


def delete_project(session: Session, user: User, project: Project) -> None:
    """Delete ``project`` and all its data (``repository.delete_project``), audited first:
    the entry keeps the project's name, which nothing else keeps."""
    auth.audit(session, user, "delete_project", project.name)
    repository.delete_project(session, project)

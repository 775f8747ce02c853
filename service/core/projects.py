"""Deleting a project, audited. (Creating one is ``repository.create_project``, which
audits itself because the CLI and the sample loader create projects too.)"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service import auth
from service.storage import repository
from service.storage.access import User
from service.storage.models import Project

__all__ = ["delete_project"]


def delete_project(session: Session, user: User, project: Project) -> None:
    """Delete ``project`` and all its data (``repository.delete_project``), audited first:
    the entry keeps the project's name, which nothing else keeps."""
    auth.audit(session, user, "delete_project", project.name)
    repository.delete_project(session, project)

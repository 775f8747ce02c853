"""Projects: create, list, get, delete."""

from __future__ import annotations

from fastapi import APIRouter, status

from service.api.deps import AdminUser, ManageProject, ReadProject, SessionDep, SignedIn
from service.api.schemas import ProjectCreate, ProjectOut
from service.core import projects
from service.storage.models import Project

router = APIRouter(prefix="/projects", tags=["projects"])


def _out(session: SessionDep, project: Project) -> ProjectOut:
    counted = projects.summary(session, project)
    return ProjectOut(
        name=project.name,
        description=project.description,
        created_at=project.created_at,
        document_count=counted.documents,
        note_count=counted.notes,
    )


@router.post("", status_code=status.HTTP_201_CREATED, responses={409: {"description": "Exists"}})
def create_project(body: ProjectCreate, session: SessionDep, user: AdminUser) -> ProjectOut:
    project = projects.create_project(session, body.name, body.description, author=user.name)
    return _out(session, project)


@router.get("")
def list_projects(session: SessionDep, user: SignedIn) -> list[ProjectOut]:
    """The projects the signed-in user is a member of (all of them for an administrator)."""
    return [_out(session, project) for project in projects.visible_projects(session, user)]


@router.get("/{project}", responses={404: {"description": "No such project"}})
def get_project(project: ReadProject, session: SessionDep) -> ProjectOut:
    return _out(session, project)


@router.delete("/{project}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project: ManageProject, session: SessionDep, user: SignedIn) -> None:
    projects.delete_project(session, user, project)

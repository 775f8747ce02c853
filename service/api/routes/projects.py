"""Projects: create, list, get, delete."""

from __future__ import annotations

from fastapi import APIRouter, status

from service.api.deps import ProjectDep, SessionDep
from service.api.schemas import ProjectCreate, ProjectOut
from service.storage import repository
from service.storage.models import Project

router = APIRouter(prefix="/projects", tags=["projects"])


def _out(session: SessionDep, project: Project) -> ProjectOut:
    documents, notes = repository.project_counts(session, project.id)
    return ProjectOut(
        name=project.name,
        description=project.description,
        created_at=project.created_at,
        document_count=documents,
        note_count=notes,
    )


@router.post("", status_code=status.HTTP_201_CREATED, responses={409: {"description": "Exists"}})
def create_project(body: ProjectCreate, session: SessionDep) -> ProjectOut:
    return _out(session, repository.create_project(session, body.name, body.description))


@router.get("")
def list_projects(session: SessionDep) -> list[ProjectOut]:
    return [_out(session, project) for project in repository.list_projects(session)]


@router.get("/{project}", responses={404: {"description": "No such project"}})
def get_project(project: ProjectDep, session: SessionDep) -> ProjectOut:
    return _out(session, project)


@router.delete("/{project}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project: ProjectDep, session: SessionDep) -> None:
    repository.delete_project(session, project)

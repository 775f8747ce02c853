"""Dependencies shared by the routers, as ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from service.config import Settings
from service.jobs import JobQueue
from service.nlp import NlpResources
from service.storage import repository
from service.storage.db import Database
from service.storage.models import Project


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_database(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def get_nlp(request: Request) -> NlpResources:
    return request.app.state.nlp  # type: ignore[no-any-return]


def get_jobs(request: Request) -> JobQueue:
    return request.app.state.jobs  # type: ignore[no-any-return]


def get_session(db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with db.session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
NlpDep = Annotated[NlpResources, Depends(get_nlp)]
JobsDep = Annotated[JobQueue, Depends(get_jobs)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_project(project: str, session: SessionDep) -> Project:
    return repository.get_project(session, project)


ProjectDep = Annotated[Project, Depends(get_project)]

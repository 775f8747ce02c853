"""Dependencies shared by the routers, as ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import auth
from service.api.cache import ViewCache
from service.api.throttle import FailedSignIns, client_address
from service.api.waiting import WaitingRoom
from service.config import Settings
from service.jobs import JobQueue
from service.nlp import NlpResources
from service.storage import repository
from service.storage.access import User
from service.storage.db import Database
from service.storage.models import Project


# What only reads the app's state (or checks a user already found) is a coroutine: FastAPI
# runs a plain function dependency on a worker thread, a hop that costs more than the
# function (measured with 20 clients on cached views: evaluation/README.md, workers).
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_database(request: Request) -> Database:
    return request.app.state.db


async def get_nlp(request: Request) -> NlpResources:
    return request.app.state.nlp


async def get_jobs(request: Request) -> JobQueue:
    return request.app.state.jobs


async def get_views(request: Request) -> ViewCache:
    return request.app.state.views


async def get_waiting(request: Request) -> WaitingRoom:
    return request.app.state.waiting


def get_session(db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with db.session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
NlpDep = Annotated[NlpResources, Depends(get_nlp)]
JobsDep = Annotated[JobQueue, Depends(get_jobs)]
ViewsDep = Annotated[ViewCache, Depends(get_views)]
WaitingDep = Annotated[WaitingRoom, Depends(get_waiting)]
# scope="function": the session commits before the answer is sent, so a client that acts
# on a 201 at once (create a project, then upload into it) always finds what was made.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


_bearer = HTTPBearer(auto_error=False, description="API token (make run prints the first one)")


def get_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None:
        raise HTTPException(
            401,
            "Sign in: send the header 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    address = client_address(request)
    failures: FailedSignIns = request.app.state.failed_sign_ins
    refuse_if_throttled(failures, address)
    try:
        return auth.authenticate(session, credentials.credentials)
    except auth.SignInError as error:
        failures.failed(address)
        raise HTTPException(401, str(error), headers={"WWW-Authenticate": "Bearer"}) from None


def refuse_if_throttled(failures: FailedSignIns, address: str) -> None:
    """A 429 with Retry-After for an address with too many failed sign-ins."""
    if (wait := failures.retry_after(address)) is not None:
        raise HTTPException(
            429,
            f"Too many failed sign-ins from your address; try again in {wait} s.",
            headers={"Retry-After": str(wait)},
        )


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
UserDep = Annotated[User, Depends(get_user)]


class Access:
    """A route's access rule. Every route carries exactly one (checked at start-up)."""

    def __init__(self, permission: str) -> None:
        self.permission = permission

    async def __call__(self, user: UserDep) -> User:
        if self.permission == auth.MANAGE and not user.is_admin:
            raise HTTPException(403, "Only an administrator may do this.")
        return user


class ProjectAccess:
    """Access to one project (named in the path) with a permission of the user's role."""

    def __init__(self, permission: str) -> None:
        self.permission = permission

    def __call__(self, project: str, user: UserDep, session: SessionDep) -> Project:
        found = session.scalar(select(Project).where(Project.name == project))
        role = auth.role_in(session, user, found.id) if found is not None else None
        if found is None or role is None:
            # Same answer whether the project is missing or someone else's: no leak.
            raise repository.NotFound(
                f"No project named {project!r}; list projects with GET /projects."
            )
        if self.permission not in auth.PERMISSIONS[role]:
            raise HTTPException(
                403,
                f"Your role {role!r} in this project does not allow this "
                f"({self.permission}); ask a project admin.",
            )
        return found


SignedIn = Annotated[User, Depends(Access(auth.READ))]
AdminUser = Annotated[User, Depends(Access(auth.MANAGE))]
ReadProject = Annotated[Project, Depends(ProjectAccess(auth.READ))]
UploadProject = Annotated[Project, Depends(ProjectAccess(auth.UPLOAD))]
EditProject = Annotated[Project, Depends(ProjectAccess(auth.EDIT))]
ExportProject = Annotated[Project, Depends(ProjectAccess(auth.EXPORT))]
ManageProject = Annotated[Project, Depends(ProjectAccess(auth.MANAGE))]

"""Users, project members and the audit log (administrators), and a user's own token."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import AwareDatetime, BaseModel, Field

from service import auth
from service.api.deps import AdminUser, ManageProject, SessionDep, SignedIn
from service.api.responses.users import (
    AuditEntryOut,
    MemberChanged,
    MemberOut,
    MeOut,
    UserOut,
    UserWithToken,
)
from service.core import accounts
from service.storage.access import User
from service.user_names import NAME_MAX_CHARS

router = APIRouter(tags=["users"])

_EXPIRY = "UTC time after which the user's token and sessions stop working; null = never"


class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=4 * NAME_MAX_CHARS)
    is_admin: bool = False
    token_expires_at: AwareDatetime | None = Field(default=None, description=_EXPIRY)


class UserChange(BaseModel):
    """Only the fields sent are changed."""

    name: str | None = Field(default=None, min_length=1, max_length=4 * NAME_MAX_CHARS)
    is_admin: bool | None = None
    token_expires_at: AwareDatetime | None = Field(default=None, description=_EXPIRY)


class RoleChange(BaseModel):
    role: Literal["admin", "analyst", "coordinator", "evaluator"] | None = Field(
        description="The member's role; null removes the member"
    )


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment is not None else None


def _user_fields(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "is_admin": user.is_admin,
        "token_expires_at": user.token_expires_at,
    }


@router.get("/me")
def who_am_i(user: SignedIn, session: SessionDep) -> MeOut:
    return MeOut(**_user_fields(user), projects=accounts.membership_count(session, user))


@router.post("/me/token")
def rotate_my_token(user: SignedIn, session: SessionDep) -> UserWithToken:
    """A new API token for yourself (shown once); the old one stops working at once."""
    token = accounts.rotate_token(session, user)
    return UserWithToken(**_user_fields(user), token=token)


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, session: SessionDep, admin: AdminUser) -> UserWithToken:
    """Create a user; the answer holds their token, which is not shown again. Names are
    checked: see README, Security."""
    user, token = accounts.create_user(
        session, admin, body.name, body.is_admin, _utc(body.token_expires_at)
    )
    return UserWithToken(**_user_fields(user), token=token)


@router.get("/users")
def list_users(session: SessionDep, _admin: AdminUser) -> list[UserOut]:
    return [UserOut(**_user_fields(u)) for u in accounts.users(session)]


@router.patch("/users/{name:path}")
def change_user(name: str, body: UserChange, session: SessionDep, admin: AdminUser) -> UserOut:
    """Rename a user, make or unmake them an administrator, set or clear their token's
    expiry. Any stored name works in the path, ``a/b`` too (as ``a%2Fb`` or ``a/b``)."""
    user = auth.find_user(session, name)
    sent = body.model_fields_set
    accounts.change_user(
        session,
        admin,
        user,
        name=body.name,
        is_admin=body.is_admin,
        token_expires_at=_utc(body.token_expires_at) if "token_expires_at" in sent else ...,
    )
    return UserOut(**_user_fields(user))


@router.delete("/users/{name:path}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(name: str, session: SessionDep, admin: AdminUser) -> None:
    accounts.delete_user(session, admin, auth.find_user(session, name))


@router.get("/projects/{project}/members")
def list_members(project: ManageProject, session: SessionDep) -> list[MemberOut]:
    return [MemberOut(user=name, role=role) for name, role in accounts.members(session, project.id)]


@router.put("/projects/{project}/members/{user_name:path}")
def set_member(
    project: ManageProject, user_name: str, body: RoleChange, session: SessionDep, admin: SignedIn
) -> MemberChanged:
    stored = accounts.set_member(session, admin, project.name, project.id, user_name, body.role)
    return MemberChanged(user=stored, role=body.role)


@router.get("/audit")
def audit_log(
    session: SessionDep,
    _admin: AdminUser,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntryOut]:
    """Exports, deletions, user and token changes, theme and membership edits: who, what,
    when (newest first)."""
    return [
        AuditEntryOut(
            id=e.id,
            user=e.user_name,
            action=e.action,
            project=e.project_name,
            details=e.details,
            created_at=e.created_at,
        )
        for e in accounts.audit_entries(session, limit)
    ]

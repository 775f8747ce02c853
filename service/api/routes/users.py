"""Users, project members and the audit log (administrators only)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from service import auth
from service.api.deps import AdminUser, ManageProject, SessionDep, SignedIn
from service.storage.access import AuditEntry, Membership, User
from service.storage.repository import NotFound

router = APIRouter(tags=["users"])


class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    is_admin: bool = False


class RoleChange(BaseModel):
    role: Literal["admin", "analyst", "coordinator", "evaluator"] | None = Field(
        description="The member's role; null removes the member"
    )


@router.get("/me")
def who_am_i(user: SignedIn, session: SessionDep) -> dict[str, Any]:
    memberships = session.execute(
        select(Membership.project_id, Membership.role).where(Membership.user_id == user.id)
    ).all()
    return {"name": user.name, "is_admin": user.is_admin, "projects": len(memberships)}


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, session: SessionDep, admin: AdminUser) -> dict[str, Any]:
    """Create a user; the answer holds their token, which is not shown again."""
    user, token = auth.create_user(session, body.name, body.is_admin)
    auth.audit(session, admin, "create_user", None, user=user.name, is_admin=user.is_admin)
    return {"name": user.name, "is_admin": user.is_admin, "token": token}


@router.get("/users")
def list_users(session: SessionDep, _admin: AdminUser) -> list[dict[str, Any]]:
    users = session.scalars(select(User).order_by(User.name))
    return [{"name": u.name, "is_admin": u.is_admin} for u in users]


@router.delete("/users/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(name: str, session: SessionDep, admin: AdminUser) -> None:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"No user {name!r}.")
    auth.audit(session, admin, "delete_user", None, user=name)
    session.delete(user)


@router.get("/projects/{project}/members")
def list_members(project: ManageProject, session: SessionDep) -> list[dict[str, str]]:
    rows = session.execute(
        select(User.name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project.id)
        .order_by(User.name)
    ).all()
    return [{"user": name, "role": role} for name, role in rows]


@router.put("/projects/{project}/members/{user_name}")
def set_member(
    project: ManageProject, user_name: str, body: RoleChange, session: SessionDep, admin: SignedIn
) -> dict[str, Any]:
    auth.set_role(session, user_name, project.id, body.role)
    auth.audit(session, admin, "set_role", project.name, user=user_name, role=body.role)
    return {"user": user_name, "role": body.role}


@router.get("/audit")
def audit_log(
    session: SessionDep,
    _admin: AdminUser,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Exports, deletions, theme and membership edits: who, what, when (newest first)."""
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    return [
        {
            "id": e.id,
            "user": e.user_name,
            "action": e.action,
            "project": e.project_name,
            "details": e.details,
            "created_at": e.created_at.isoformat(),
        }
        for e in rows
    ]

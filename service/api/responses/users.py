"""Answers about users: who they are, their tokens and sessions, project members, the
audit log."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from service.api.responses.timestamps import UtcDateTime


class UserOut(BaseModel):
    name: str
    is_admin: bool
    token_expires_at: UtcDateTime | None = Field(
        description="UTC time after which the user's token and sessions stop working; null = never"
    )


class MeOut(UserOut):
    projects: int = Field(description="How many projects the user is a member of")


class UserWithToken(UserOut):
    token: str = Field(description="The user's new API token; it is not shown again")


class SessionOut(BaseModel):
    """A session begun with a sign-in link."""

    name: str
    is_admin: bool
    token: str = Field(description="The session token; it is not shown again")
    expires_at: UtcDateTime = Field(description="When the session ends")


class MemberOut(BaseModel):
    user: str
    role: str = Field(examples=["analyst"])


class MemberChanged(BaseModel):
    user: str
    role: str | None = Field(description="The member's new role; null: no longer a member")


class AuditEntryOut(BaseModel):
    id: int
    user: str = Field(description="Who did it")
    action: str = Field(examples=["export"])
    project: str | None = Field(description="The project's name, if the action was in one")
    details: dict[str, Any] = Field(description="What was done, by action")
    created_at: UtcDateTime

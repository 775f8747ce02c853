"""Users, their API tokens and sessions, and project memberships: each change audited;
and the reads of them an administrator needs (users, members, the audit log).

Every function takes the SQLAlchemy session of the caller's transaction and the acting
user; the change and its audit entry commit together or not at all. Who may call them
(an administrator, a project admin, the user themself) is the caller's check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import auth
from service.storage.access import AuditEntry, Membership, User

__all__ = [
    "audit_entries",
    "change_user",
    "create_user",
    "delete_user",
    "first_admin",
    "members",
    "membership_count",
    "rotate_token",
    "set_member",
    "signed_in",
    "signed_out",
    "users",
]


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def create_user(
    session: Session,
    admin: User,
    name: str,
    is_admin: bool = False,
    token_expires_at: dt.datetime | None = None,
) -> tuple[User, str]:
    """A new user and their token (shown once); names are checked (``auth``)."""
    user, token = auth.create_user(session, name, is_admin, token_expires_at)
    auth.audit(session, admin, "create_user", None, user=user.name, is_admin=user.is_admin)
    return user, token


def change_user(
    session: Session,
    admin: User,
    user: User,
    *,
    name: str | None = None,
    is_admin: bool | None = None,
    token_expires_at: dt.datetime | None | Any = ...,
) -> None:
    """Rename ``user``, make or unmake them an administrator, set or clear their token's
    expiry (``...`` leaves it; naive UTC). The audit entry names the user as they were
    called before and lists the fields given."""
    stored_name = user.name
    auth.change_user(session, user, name=name, is_admin=is_admin, token_expires_at=token_expires_at)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name
    if is_admin is not None:
        changes["is_admin"] = is_admin
    if token_expires_at is not ...:
        changes["token_expires_at"] = _iso(token_expires_at)
    auth.audit(session, admin, "change_user", None, user=stored_name, **changes)


def delete_user(session: Session, admin: User, user: User) -> None:
    """Delete ``user`` (never the last administrator)."""
    name = user.name
    auth.delete_user(session, user)
    auth.audit(session, admin, "delete_user", None, user=name)


def rotate_token(session: Session, user: User) -> str:
    """A new API token for ``user`` (shown once); the old one stops working at once."""
    token = auth.rotate_token(session, user)
    auth.audit(session, user, "rotate_token", None, user=user.name)
    return token


def set_member(
    session: Session,
    admin: User,
    project_name: str,
    project_id: int,
    user_name: str,
    role: str | None,
) -> str:
    """Give ``user_name`` a role in the project, change it or (None) remove them; returns
    the user's stored name."""
    stored = auth.set_role(session, user_name, project_id, role)
    auth.audit(session, admin, "set_role", project_name, user=stored, role=role)
    return stored


def signed_in(session: Session, code: str, hours: float) -> tuple[User, str, dt.datetime]:
    """Redeem a one-time sign-in code: (user, session token, expiry). Raises
    ``auth.SignInError`` for a used or expired code (nothing is written then)."""
    user, token, expires = auth.redeem_sign_in_link(session, code, hours)
    auth.audit(session, user, "sign_in", None, via="link")
    return user, token, expires


def signed_out(session: Session, user: User, token: str) -> bool:
    """End the session of ``token``; False (and no audit entry) when it is no session."""
    ended = auth.end_session(session, token)
    if ended:
        auth.audit(session, user, "sign_out", None)
    return ended


def users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.name)))


def first_admin(session: Session) -> User | None:
    """The administrator created first (``teemakartta serve`` creates one), if any."""
    return session.scalar(select(User).where(User.is_admin.is_(True)).order_by(User.id))


def membership_count(session: Session, user: User) -> int:
    """How many projects ``user`` is a member of."""
    count = session.scalar(
        select(func.count()).select_from(Membership).where(Membership.user_id == user.id)
    )
    return int(count or 0)


def members(session: Session, project_id: int) -> list[tuple[str, str]]:
    """(user name, role) of each member of the project, by name."""
    rows = session.execute(
        select(User.name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project_id)
        .order_by(User.name)
    )
    return [(str(name), str(role)) for name, role in rows]


def audit_entries(session: Session, limit: int = 200) -> list[AuditEntry]:
    """The latest audit entries, newest first."""
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))

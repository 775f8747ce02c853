"""Who may do what: API tokens, project roles and their permissions, the audit log.

Roles per project: admin (everything), analyst (upload, delete documents, start runs),
coordinator (read, edit themes), evaluator (read, export, import human coding).
A user with ``is_admin`` is admin of every project and manages users and projects.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.access import ROLES, AuditEntry, Membership, User
from service.storage.db import Database
from service.storage.repository import Conflict, NotFound

READ, UPLOAD, EDIT, EXPORT, MANAGE = "read", "upload", "edit", "export", "manage"
PERMISSIONS = {
    "admin": {READ, UPLOAD, EDIT, EXPORT, MANAGE},
    "analyst": {READ, UPLOAD},
    "coordinator": {READ, EDIT},
    "evaluator": {READ, EXPORT},
}
TOKEN_FILE = "admin-token"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return "tk_" + secrets.token_urlsafe(32)


def user_for_token(session: Session, token: str) -> User | None:
    return session.scalar(select(User).where(User.token_hash == hash_token(token)))


def create_user(session: Session, name: str, is_admin: bool = False) -> tuple[User, str]:
    """A new user and their token; the token is shown once and only its hash is kept."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("A user name is 1-100 characters.")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise Conflict(f"User {name!r} exists already.")
    token = new_token()
    user = User(name=name, token_hash=hash_token(token), is_admin=is_admin)
    session.add(user)
    session.flush()
    return user, token


def role_in(session: Session, user: User, project_id: int) -> str | None:
    if user.is_admin:
        return "admin"
    return session.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.project_id == project_id
        )
    )


def member_project_ids(session: Session, user: User) -> set[int] | None:
    """Projects the user may see; None means all (an administrator)."""
    if user.is_admin:
        return None
    return set(session.scalars(select(Membership.project_id).where(Membership.user_id == user.id)))


def set_role(session: Session, user_name: str, project_id: int, role: str | None) -> None:
    """Give a user a role in a project, change it, or (role None) remove them."""
    if role is not None and role not in ROLES:
        raise ValueError(f"Role must be one of {', '.join(ROLES)}.")
    user = session.scalar(select(User).where(User.name == user_name))
    if user is None:
        raise NotFound(f"No user {user_name!r}.")
    membership = session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.project_id == project_id)
    )
    if role is None:
        if membership is not None:
            session.delete(membership)
    elif membership is None:
        session.add(Membership(user_id=user.id, project_id=project_id, role=role))
    else:
        membership.role = role


def audit(session: Session, actor: User, action: str, project: str | None, **details: Any) -> None:
    session.add(
        AuditEntry(user_name=actor.name, action=action, project_name=project, details=details)
    )


def ensure_admin_token(db: Database, data_dir: Path) -> str | None:
    """On first start, create the admin user and store its token in a file only the local
    user can read (the UI signs in with it). Returns the token when it was just created."""
    with db.session() as session:
        if session.scalar(select(User).where(User.is_admin.is_(True))) is not None:
            return None
        _user, token = create_user(session, "admin", is_admin=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / TOKEN_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    return token

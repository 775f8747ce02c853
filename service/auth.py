"""Who may do what: users and their credentials, project roles and their permissions, the
audit log.

Roles per project: admin (everything), analyst (upload, delete documents, start runs),
coordinator (read, edit themes), evaluator (read, export, import human coding).
A user with ``is_admin`` is admin of every project and manages users and projects.

Credentials, all 256 random bits shown once and stored as a sha256 hash:

- the user's **API token** (``tk_…``): long-lived; the user rotates it (``rotate_token``),
  an administrator may give it an expiry, which ends the user's sessions too;
- a **sign-in link** code: made by ``teemakartta serve --ui`` or ``teemakartta
  sign-in-link``, valid once and for ``sign_in_link_minutes``; the UI exchanges it for
- a **session** token (``ts_…``): what the browser holds, for ``session_hours``; signing
  out ends it. The API token itself never appears in a URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service import user_names
from service.storage.access import ROLES, Membership, SessionToken, User
from service.storage.db import Database
from service.storage.repository import Conflict, NotFound, add_audit_entry_named

READ, UPLOAD, EDIT, EXPORT, MANAGE = "read", "upload", "edit", "export", "manage"
PERMISSIONS = {
    "admin": {READ, UPLOAD, EDIT, EXPORT, MANAGE},
    "analyst": {READ, UPLOAD},
    "coordinator": {READ, EDIT},
    "evaluator": {READ, EXPORT},
}
TOKEN_FILE = "admin-token"
LINK, SESSION = "link", "session"


class SignInError(Exception):
    """A credential that does not sign anyone in (answered as 401); says what to do."""


def utcnow() -> dt.datetime:
    """Naive UTC, as the database stores times."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(prefix: str = "tk_") -> str:
    return prefix + secrets.token_urlsafe(32)


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def authenticate(session: Session, token: str) -> User:
    """The user an API or session token belongs to. Raises ``SignInError`` for an
    unknown, ended or expired token."""
    now = utcnow()
    digest = hash_token(token)
    user = session.scalar(select(User).where(User.token_hash == digest))
    if user is None:
        held = session.scalar(
            select(SessionToken).where(
                SessionToken.token_hash == digest, SessionToken.kind == SESSION
            )
        )
        if held is None:
            raise SignInError("This token is not valid; ask an administrator for a new one.")
        if held.expires_at <= now:
            raise SignInError(f"Your session ended at {_when(held.expires_at)}; sign in again.")
        user = session.get(User, held.user_id)
        assert user is not None  # the foreign key cascades
    if user.token_expires_at is not None and user.token_expires_at <= now:
        raise SignInError(
            f"This token expired at {_when(user.token_expires_at)}; "
            "ask an administrator to extend it or for a new one."
        )
    return user


def find_user(session: Session, name: str) -> User:
    """A user by name: the name as stored (also one made before names were checked, such
    as 'a/b'), else its normalised form."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        try:
            normalised = user_names.normalise(name)
        except user_names.InvalidName:
            normalised = None
        if normalised is not None and normalised != name:
            user = session.scalar(select(User).where(User.name == normalised))
    if user is None:
        raise NotFound(f"No user {name!r}; list users with GET /users.")
    return user


def _checked_name(session: Session, raw: str, renamed: User | None = None) -> str:
    """A new user's name, or a new name for ``renamed``: valid (``InvalidName``, a
    ValueError, otherwise) and not the same as, or a look-alike of, another user's."""
    name = user_names.normalise(raw)
    others = [n for n in session.scalars(select(User.name)) if renamed is None or n != renamed.name]
    if name in others:
        raise Conflict(f"User {name!r} exists already.")
    if (similar := user_names.look_alike(name, others)) is not None:
        raise Conflict(
            f"The name {name!r} looks like the existing user {similar!r}; "
            "choose one that cannot be mistaken for it."
        )
    return name


def create_user(
    session: Session,
    name: str,
    is_admin: bool = False,
    token_expires_at: dt.datetime | None = None,
) -> tuple[User, str]:
    """A new user and their token; the token is shown once and only its hash is kept."""
    token = new_token()
    user = User(
        name=_checked_name(session, name),
        token_hash=hash_token(token),
        is_admin=is_admin,
        token_expires_at=token_expires_at,
    )
    session.add(user)
    session.flush()
    return user, token


def change_user(
    session: Session,
    user: User,
    *,
    name: str | None = None,
    is_admin: bool | None = None,
    token_expires_at: dt.datetime | None | Any = ...,
) -> None:
    """Rename a user, make or unmake them an administrator, set or clear their token's
    expiry (``...`` leaves it as it is). The last administrator stays one."""
    if name is not None and name != user.name:
        user.name = _checked_name(session, name, renamed=user)
    if is_admin is False and user.is_admin:
        _keep_an_administrator(session, user, "take administrator rights from")
    if is_admin is not None:
        user.is_admin = is_admin
    if token_expires_at is not ...:
        user.token_expires_at = token_expires_at
    session.flush()


def delete_user(session: Session, user: User) -> None:
    if user.is_admin:
        _keep_an_administrator(session, user, "delete")
    session.delete(user)
    session.flush()


def _keep_an_administrator(session: Session, user: User, action: str) -> None:
    admins = session.scalars(select(User.id).where(User.is_admin.is_(True))).all()
    if list(admins) == [user.id]:
        raise Conflict(f"Cannot {action} the last administrator; make another one first.")


def rotate_token(session: Session, user: User) -> str:
    """A new API token for ``user``; the old one stops working at once."""
    token = new_token()
    user.token_hash = hash_token(token)
    session.flush()
    return token


def create_sign_in_link(session: Session, user: User, minutes: float) -> str:
    """A one-time sign-in code for ``user``, valid for ``minutes``."""
    return _new_session_token(session, user, LINK, dt.timedelta(minutes=minutes), "tl_")[0]


def redeem_sign_in_link(session: Session, code: str, hours: float) -> tuple[User, str, dt.datetime]:
    """Exchange a sign-in code for a session: (user, session token, its expiry). The code
    is deleted in the same statement that finds it, so it works once even when two
    requests bring it at the same moment."""
    refused = SignInError(
        "This sign-in link is not valid: it was used already or it expired. "
        "Get a new one with `teemakartta sign-in-link`, or enter your API token."
    )
    held = session.scalar(
        select(SessionToken).where(
            SessionToken.token_hash == hash_token(code), SessionToken.kind == LINK
        )
    )
    if held is None:
        raise refused
    taken = session.execute(delete(SessionToken).where(SessionToken.id == held.id))
    if getattr(taken, "rowcount", 0) != 1 or held.expires_at <= utcnow():
        raise refused
    user = session.get(User, held.user_id)
    assert user is not None
    if user.token_expires_at is not None and user.token_expires_at <= utcnow():
        raise SignInError(
            f"Your access expired at {_when(user.token_expires_at)}; "
            "ask an administrator to extend it."
        )
    token, expires = _new_session_token(session, user, SESSION, dt.timedelta(hours=hours), "ts_")
    return user, token, expires


def end_session(session: Session, token: str) -> bool:
    """Sign out: end the session of ``token``. False when it is no session (an API
    token stays valid; rotate it to end it)."""
    ended = session.execute(
        delete(SessionToken).where(
            SessionToken.token_hash == hash_token(token), SessionToken.kind == SESSION
        )
    )
    return getattr(ended, "rowcount", 0) == 1


def _new_session_token(
    session: Session, user: User, kind: str, lifetime: dt.timedelta, prefix: str
) -> tuple[str, dt.datetime]:
    now = utcnow()
    # Expired links and sessions are of no use to anyone: clear them as new ones are made.
    session.execute(delete(SessionToken).where(SessionToken.expires_at <= now))
    token = new_token(prefix)
    expires = now + lifetime
    if user.token_expires_at is not None:
        expires = min(expires, user.token_expires_at)
    session.add(
        SessionToken(user_id=user.id, kind=kind, token_hash=hash_token(token), expires_at=expires)
    )
    session.flush()
    return token, expires


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


def set_role(session: Session, user_name: str, project_id: int, role: str | None) -> str:
    """Give a user a role in a project, change it, or (role None) remove them. Returns the
    user's stored name."""
    if role is not None and role not in ROLES:
        raise ValueError(f"Role must be one of {', '.join(ROLES)}.")
    user = find_user(session, user_name)
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
    return user.name


def audit(session: Session, actor: User, action: str, project: str | None, **details: Any) -> None:
    add_audit_entry_named(session, actor.name, action, project, **details)


def ensure_admin_token(db: Database, data_dir: Path) -> str | None:
    """On first start, create the admin user and store its API token in a file only the
    local user can read (for scripts and the CLI's sign-in link; the UI never reads it).
    Returns the token when it was just created."""
    with db.session() as session:
        if session.scalar(select(User).where(User.is_admin.is_(True))) is not None:
            return None
        _user, token = create_user(session, "admin", is_admin=True)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / TOKEN_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    return token

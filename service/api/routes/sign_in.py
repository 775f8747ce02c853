"""Signing in with a one-time link, and signing out (what the UI's session rests on).

``teemakartta serve --ui`` (or ``teemakartta sign-in-link``) prints
``http://127.0.0.1:8501/?token=<code>``; the UI server trades the code here for a session
token, keeps that in an HttpOnly cookie and drops the code from the address. A code works
once; the session ends when its time is up or at ``POST /sign-out``.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field

from service import auth
from service.api.deps import BearerDep, SessionDep, SettingsDep, SignedIn, refuse_if_throttled
from service.api.responses.users import SessionOut
from service.api.throttle import FailedSignIns, client_address
from service.core import accounts

router = APIRouter(tags=["users"])


class SignIn(BaseModel):
    code: str = Field(min_length=1, max_length=200, description="The code of a sign-in link")


@router.post("/sign-in")
def sign_in(
    body: SignIn, request: Request, session: SessionDep, settings: SettingsDep
) -> SessionOut:
    """Public: exchange a one-time sign-in code for a session token (shown once). A used or
    expired code is a 401 and counts as a failed sign-in of the caller's address."""
    failures: FailedSignIns = request.app.state.failed_sign_ins
    address = client_address(request)
    refuse_if_throttled(failures, address)
    try:
        user, token, expires = accounts.signed_in(session, body.code, settings.session_hours)
    except auth.SignInError as error:
        failures.failed(address)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error)) from None
    return SessionOut(name=user.name, is_admin=user.is_admin, token=token, expires_at=expires)


@router.post("/sign-out", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(user: SignedIn, session: SessionDep, credentials: BearerDep) -> None:
    """End the session of the token sent. An API token is not ended this way (it is no
    session): rotate it with ``POST /me/token``."""
    if credentials is not None:
        accounts.signed_out(session, user, credentials.credentials)

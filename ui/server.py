"""The UI's web server: ``streamlit run ui/server.py`` serves ``ui/app.py`` through
Streamlit's ASGI app, with what a page script cannot do itself:

- **sign-in links** (the convention Jupyter users know): a request for any page with
  ``?token=<code>`` trades the one-time code at the API (``POST /sign-in``) for a session
  token, keeps that in an HttpOnly, SameSite=Strict cookie and answers with a redirect to
  the same page without the code (303: the address with the code never becomes a page of
  the browser's history). A spent or expired code leads to ``?sign_in=refused``, which
  the page explains. The API token of the user is never in a URL.
- **signing out**: ``/sign-out`` ends the session at the API and drops the cookie.
- **security headers** on every answer (``shared_rules.headers``).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from urllib.parse import urlencode

import httpx
import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

# `streamlit run ui/server.py` puts ui/ on the path, not the project root.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from shared_rules.headers import SecurityHeaders  # noqa: E402
from ui.client import SESSION_COOKIE, default_api_url, forwarded_for  # noqa: E402

_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


def _without(request: Request, *names: str, **extra: str) -> str:
    """The request's path and query without ``names`` (and with ``extra``)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in names]
    query += list(extra.items())
    return request.url.path + (f"?{urlencode(query)}" if query else "")


async def _redeem(request: Request, code: str) -> Response:
    headers = forwarded_for(request.client.host if request.client else None)
    try:
        async with httpx.AsyncClient(base_url=default_api_url(), timeout=_TIMEOUT) as api:
            answer = await api.post("/sign-in", json={"code": code}, headers=headers)
    except httpx.HTTPError:
        return RedirectResponse(_without(request, "token", sign_in="unreachable"), 303)
    if answer.status_code != 200:
        outcome = "throttled" if answer.status_code == 429 else "refused"
        return RedirectResponse(_without(request, "token", sign_in=outcome), 303)
    session = answer.json()
    expires = dt.datetime.fromisoformat(session["expires_at"].replace("Z", "+00:00"))
    seconds = max(0, int((expires - dt.datetime.now(dt.UTC)).total_seconds()))
    response = RedirectResponse(_without(request, "token", "sign_in"), 303)
    response.set_cookie(
        SESSION_COOKIE,
        session["token"],
        max_age=seconds,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


class SignInLinks:
    """ASGI middleware: trade ``?token=<code>`` for a session cookie, then redirect."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET":
            request = Request(scope)
            code = request.query_params.get("token")
            if code:
                await (await _redeem(request, code))(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def sign_out(request: Request) -> Response:
    """End the browser's session at the API, forget the cookie, show the page signed out."""
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        try:
            async with httpx.AsyncClient(base_url=default_api_url(), timeout=_TIMEOUT) as api:
                await api.post("/sign-out", headers={"Authorization": f"Bearer {session}"})
        except httpx.HTTPError:
            pass  # the cookie goes anyway; the session then ends at its time
    response = RedirectResponse("/?signed_out=1", 303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
    return response


app = st.App(
    "app.py",
    routes=[Route("/sign-out", sign_out, methods=["GET"])],
    middleware=[Middleware(SecurityHeaders, no_store=False), Middleware(SignInLinks)],
)

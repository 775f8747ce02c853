"""Security headers on every HTTP answer (the API's, and the UI server's too).

- ``X-Content-Type-Options: nosniff``: a browser takes a JSON or CSV answer for what it
  says it is, never for HTML or script;
- ``Content-Security-Policy: frame-ancestors 'none'`` and ``X-Frame-Options: DENY``: no
  other page can frame ours (click-jacking);
- ``Referrer-Policy: no-referrer``: a link followed from a page does not carry its
  address (with a project or theme in it) to another site;
- ``Cache-Control: no-store`` unless the answer sets its own: answers hold tokens and
  private notes, which no browser or proxy cache should keep.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    """ASGI middleware adding ``SECURITY_HEADERS`` (and ``Cache-Control: no-store`` when
    ``no_store`` and the answer has no Cache-Control) to every HTTP response."""

    def __init__(self, app: ASGIApp, no_store: bool = True) -> None:
        self.app = app
        self.no_store = no_store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if self.no_store and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""Headers that keep console pages from being framed, sniffed, leaked by referrer or fed foreign scripts.

The console's own scripts are files (/static/countdown.js, /static/forms.js) and
its styles one stylesheet, with no inline script, handler or style attribute,
so the policy allows 'self' alone. The API reference (/docs, /redoc) is built
by FastAPI with inline scripts and keeps the other headers but no policy.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ALWAYS = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
          (b"referrer-policy", b"same-origin")]
API_REFERENCE = ("/docs", "/redoc")


class SecurityHeaders:
    """Plain ASGI middleware: adds the headers to every HTTP response, the policy outside the API reference."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(ALWAYS)
        if not str(scope.get("path", "")).startswith(API_REFERENCE):
            extra.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)

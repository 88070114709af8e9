"""Request bodies are capped before anything reads them into memory.

A pure ASGI middleware, so it sees the body as it streams in: a `Content-Length` over the cap is refused at
once, unread; a chunked body is counted chunk by chunk as the application pulls it through `receive`, and
refused as soon as it passes the cap. Nothing is buffered here. The refusal is a 413 problem+json that closes
the connection, so the server stops reading what the client still sends.

Evidence uploads (`POST /cases/{id}/evidence`, multipart) have their own cap, `settings.evidence_max_bytes`,
plus room for the multipart framing; the route itself then refuses a file over the cap with `file-too-large`.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopkeeper.api.problems import MEDIA_TYPE
from shopkeeper.errors import BodyTooLarge

# Multipart boundaries, part headers and a file name: generous, and still nothing like a second file.
MULTIPART_ALLOWANCE = 64 * 1024
_EVIDENCE_UPLOAD = re.compile(r"^/api/v1/cases/[^/]+/evidence/?$")


def body_cap(method: str, path: str, max_body_bytes: int, evidence_max_bytes: int) -> int:
    """How many body bytes a request may carry: the evidence upload its own cap, everything else the JSON one."""
    if method == "POST" and _EVIDENCE_UPLOAD.match(path):
        return evidence_max_bytes + MULTIPART_ALLOWANCE
    return max_body_bytes


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length, or None when it has none (chunked) or one that is not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


class BodyLimit:
    def __init__(self, app: ASGIApp, max_body_bytes: int, evidence_max_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.evidence_max_bytes = evidence_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = body_cap(scope["method"], scope["path"], self.max_body_bytes, self.evidence_max_bytes)
        length = declared_length(scope)
        if length is not None and length > cap:
            await _refuse(scope, send, cap)
            return
        await _Capped(self.app, scope, receive, send, cap).run()


class _Capped:
    """One request whose body is counted as the application reads it."""

    def __init__(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        self.app, self.scope, self._receive, self._send, self.cap = app, scope, receive, send, cap
        self.seen = 0
        self.started = False  # the application began its response
        self.refused = False  # we answered 413; whatever the application sends after is dropped

    async def run(self) -> None:
        await self.app(self.scope, self.receive, self.send)

    async def receive(self) -> Message:
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.cap:
                self.refused = True
                if not self.started:
                    await _refuse(self.scope, self._send, self.cap)
                # The application sees the client gone and stops reading.
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        if self.refused:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


async def _refuse(scope: Scope, send: Send, cap: int) -> None:
    error = BodyTooLarge(f"the request body may be at most {cap} bytes", max_bytes=cap)
    body = json.dumps({**error.extra, "type": f"/problems/{error.code}", "title": error.title, "status": error.status,
                       "detail": error.detail, "code": error.code, "instance": scope["path"]}).encode()
    await send({"type": "http.response.start", "status": error.status,
                "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

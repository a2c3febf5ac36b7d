"""Pure ASGI middleware that every response passes through: security headers
and a cap on request bodies. Pure ASGI (not BaseHTTPMiddleware) because it sits
on the hot path."""

from __future__ import annotations

import json
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contest.domain.numbers import int_or_none
from contest.errors import PayloadTooLarge

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
}


def under_api(path: str) -> bool:
    """Whether ``path`` belongs to the JSON API, whose every answer is JSON
    (``/api`` itself too, and paths no route matches)."""
    return path == "/api" or path.startswith("/api/")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse bodies over ``limit`` bytes with 413, whether the client
    announces the size (Content-Length) or streams it. Only a path matching
    one of ``upload_paths`` (the routes that take a file, whole path) gets
    ``upload_limit``; the forms around them (confirm, discard) stay small."""

    def __init__(
        self, app: ASGIApp, *, limit: int, upload_limit: int, upload_paths: tuple[re.Pattern[str], ...] = ()
    ) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.upload_limit if any(p.match(path) for p in self.upload_paths) else self.limit
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = int_or_none(value.decode("latin-1"), minimum=0)
                if declared is None or declared > limit:
                    await _refuse(scope, send, limit)
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # rendered by the app's own error handler
                    raise PayloadTooLarge(_message(limit))
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except PayloadTooLarge:
            if not started:
                await _refuse(scope, send, limit)


def _message(limit: int) -> str:
    return f"Dữ liệu gửi lên vượt quá giới hạn {limit // 1024} KB."


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    message = _message(limit)
    if under_api(scope["path"]):
        body = json.dumps({"error": "payload_too_large", "message": message}, ensure_ascii=False).encode()
        content_type = b"application/json"
    else:
        body = f"<!doctype html><meta charset=utf-8><title>413</title><p>{message}</p>".encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})

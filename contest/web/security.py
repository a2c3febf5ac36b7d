"""Pure ASGI middleware that every response passes through: security headers
and a cap on request bodies. Pure ASGI (not BaseHTTPMiddleware) because it sits
on the hot path."""

from __future__ import annotations

import asyncio
import json
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contest.domain.numbers import int_or_none
from contest.errors import ContestError, PayloadTooLarge, RequestTimeout

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
    announces the size (Content-Length) or streams it, and bodies not whole
    within ``timeout`` seconds of the request's start with 408 and the
    connection closed (a client trickling a byte at a time cannot hold a
    connection and a task for long: nginx's ``client_body_timeout`` is the
    real defence in front, this one holds for a node reached without it).
    An answer given before the whole body came (a 404, a refusal) waits for
    the rest within the same deadline and limit, and closes the connection
    when it does not come.
    Only a path matching one of ``upload_paths`` (the routes that take a
    file, whole path) gets ``upload_limit`` and ``upload_timeout``; the forms
    around them (confirm, discard) stay small and quick."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        upload_limit: int,
        timeout: float,
        upload_timeout: float,
        upload_paths: tuple[re.Pattern[str], ...] = (),
    ) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.timeout = timeout
        self.upload_timeout = upload_timeout
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        upload = any(p.match(path) for p in self.upload_paths)
        limit = self.upload_limit if upload else self.limit
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = int_or_none(value.decode("latin-1"), minimum=0)
                if declared is None or declared > limit:
                    await _refuse(scope, send, PayloadTooLarge(_message(limit)))
                    return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.upload_timeout if upload else self.timeout)
        received = 0
        started = False
        whole = not _has_body(scope)

        async def limited_receive() -> Message:
            nonlocal received, whole
            if whole:  # the body is in: what follows is a wait for the client to go, however long
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:  # rendered by the app's own error handler, or below
                raise RequestTimeout() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                whole = not message.get("more_body", False)
                if received > limit:
                    raise PayloadTooLarge(_message(limit))
            return message

        async def drained() -> bool:
            """Read and drop what is left of the body, within the deadline
            and the limit: whether all of it came."""
            try:
                while not whole:
                    if (await limited_receive())["type"] == "http.disconnect":
                        return False
            except (PayloadTooLarge, RequestTimeout):
                return False
            return True

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                # Answered before the whole body came (a 404, a refusal): the rest is read first, so a
                # proxy still sending it gets the answer (not a reset, which it would turn into 502);
                # a body over the limit or not in by the deadline closes the connection instead.
                if not whole and not await drained():
                    MutableHeaders(scope=message)["connection"] = "close"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except (PayloadTooLarge, RequestTimeout) as refused:
            if not started:
                await _refuse(scope, send, refused)


def _has_body(scope: Scope) -> bool:
    """Whether the request announces a body (a Content-Length above 0, or chunks)."""
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"", b"0")):
            return True
    return False


def _message(limit: int) -> str:
    return f"Dữ liệu gửi lên vượt quá giới hạn {limit // 1024} KB."


async def _refuse(scope: Scope, send: Send, refused: ContestError) -> None:
    """Answer ``refused`` (413 or 408) before the app has, in the API's JSON
    or as a page, and close the connection."""
    if under_api(scope["path"]):
        body = json.dumps({"error": refused.code, "message": refused.message}, ensure_ascii=False).encode()
        content_type = b"application/json"
    else:
        body = f"<!doctype html><meta charset=utf-8><title>{refused.status}</title><p>{refused.message}</p>".encode()
        content_type = b"text/html; charset=utf-8"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the body was not read: the connection cannot carry another request
    ]
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

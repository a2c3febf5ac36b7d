"""Who is asking: bearer tokens for the JSON API, signed session cookies for
pages, and CSRF tokens for every form that changes something.

Both tokens and cookies are signed with itsdangerous; neither needs a database
read to check, so the hot path stays free of session lookups.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request

from contest.domain.models import Role, User
from contest.domain.permissions import Capability, can
from contest.errors import Forbidden, Unauthorized

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Tokens:
    """Bearer tokens for the citizen app: ``{"uid", "role"}`` signed and dated."""

    def __init__(self, secret: str, *, ttl: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="contest.api-token")
        self.ttl = ttl

    def issue(self, user: User) -> str:
        return self._serializer.dumps({"uid": user.id, "role": user.role.value, "name": user.full_name})

    def user(self, request: Request) -> User:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Thiếu mã truy cập (Authorization: Bearer …).", code="missing_token")
        try:
            data: Any = self._serializer.loads(token.strip(), max_age=self.ttl)
            return User(id=int(data["uid"]), role=Role(data["role"]), full_name=str(data.get("name", "")))
        except (BadSignature, KeyError, TypeError, ValueError):
            raise Unauthorized("Mã truy cập không hợp lệ hoặc đã hết hạn.", code="invalid_token") from None


def session_user(request: Request) -> User | None:
    data = request.session.get("user")
    if not isinstance(data, dict):
        return None
    try:
        return User(id=int(data["uid"]), role=Role(data["role"]), full_name=str(data["name"]))
    except (KeyError, TypeError, ValueError):
        return None


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token too)."""
    request.session.clear()
    request.session["user"] = {"uid": user.id, "role": user.role.value, "name": user.full_name}
    request.session["csrf"] = secrets.token_urlsafe(32)


CONSOLE = "/organiser"
CONSOLE_CAPABILITY = Capability.MANAGE_BANKS
"""Where staff work, and what it takes to enter (its front page lists the
banks). Judges have no page of their own yet: they keep the home page."""


def landing(user: User, wanted: str) -> str:
    """Where to send ``user`` after signing in: back where they were going
    (``wanted``, a local path), except that staff who may enter the console
    and were headed for the home page land there."""
    return CONSOLE if wanted == "/" and can(user, CONSOLE_CAPABILITY) else wanted


def sign_out(request: Request) -> None:
    request.session.clear()


def require_user(request: Request) -> User:
    user = session_user(request)
    if user is None:
        raise Unauthorized()
    return user


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: object) -> None:
    expected = request.session.get("csrf")
    sent = submitted if isinstance(submitted, str) else request.headers.get(CSRF_HEADER, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise Forbidden(
            "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.",
            code="csrf",
        )

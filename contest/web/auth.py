"""Who is asking: bearer tokens for the JSON API, signed session cookies for
pages, and CSRF tokens for every form that changes something.

Both tokens and cookies are signed with itsdangerous and carry the id of
their session on the server and the account's generation at sign-in; each
request checks both (``services/sessions.py``, cached per process for a few
seconds), so a session logged out, withdrawn or ended by a password change,
and a disabled or demoted account, lose their access on the next request, on
every node.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from contest.domain.models import Role, User
from contest.domain.permissions import Capability, can
from contest.errors import Forbidden, NotFound, Unauthorized
from contest.services.container import Services
from contest.services.sessions import Revoked
from contest.web.requests import client_agent

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Tokens:
    """Bearer tokens for the citizen app: ``{"uid", "role", "name", "gen",
    "sid"}`` signed and dated."""

    def __init__(self, secret: str, *, ttl: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="contest.api-token")
        self.ttl = ttl

    def issue(self, user: User, session_id: str) -> str:
        return self._serializer.dumps(_claim(user, session_id))

    def claim(self, request: Request) -> tuple[User, str | None]:
        """The account the request's token was signed for, as it was then,
        and its session (:func:`api_session` checks they still hold)."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Thiếu mã truy cập (Authorization: Bearer …).", code="missing_token")
        try:
            data: Any = self._serializer.loads(token.strip(), max_age=self.ttl)
            return _claimed(data)
        except (BadSignature, KeyError, TypeError, ValueError):
            raise Unauthorized("Mã truy cập không hợp lệ hoặc đã hết hạn.", code="invalid_token") from None


def _claim(user: User, session_id: str) -> dict[str, Any]:
    """What a session cookie or token says of its account and session."""
    return {"uid": user.id, "role": user.role.value, "name": user.full_name, "gen": user.generation, "sid": session_id}


def _claimed(data: Any) -> tuple[User, str | None]:
    """The account a claim names, and its session (None in one signed before
    sessions existed, which is refused); one signed before generations
    existed is generation 0. KeyError, TypeError or ValueError when it is malformed."""
    user = User(
        id=int(data["uid"]), role=Role(data["role"]), full_name=str(data["name"]), generation=int(data.get("gen", 0))
    )
    session_id = data.get("sid")
    return user, session_id if isinstance(session_id, str) else None


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def api_session(request: Request) -> tuple[User, str]:
    """The account of the request's bearer token, still in good standing,
    and the token's session: Unauthorized without a valid token,
    :class:`Revoked` (401) once the token was withdrawn, its session ended,
    or the account disabled or changed since it was issued."""
    claim, session_id = request.app.state.tokens.claim(request)
    user = await _services(request).sessions.check(claim, session_id)
    if user is None or session_id is None:
        raise Revoked()
    return user, session_id


async def api_user(request: Request) -> User:
    """The account of the request's bearer token (:func:`api_session`)."""
    return (await api_session(request))[0]


def _session_claim(request: Request) -> tuple[User, str | None] | None:
    data = request.session.get("user")
    if not isinstance(data, dict):
        return None
    try:
        return _claimed(data)
    except (KeyError, TypeError, ValueError):
        return None


def session_user(request: Request) -> User | None:
    """The signed-in account, as :class:`SessionCheck` let it through."""
    claim = _session_claim(request)
    return None if claim is None else claim[0]


def session_id(request: Request) -> str | None:
    """The id of the browser's session on the server (None when not signed in)."""
    claim = _session_claim(request)
    return None if claim is None else claim[1]


async def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token too), open on
    the server until it is logged out or ended."""
    opened = await _services(request).sessions.open(user, kind="cookie", agent=client_agent(request))
    request.session.clear()
    request.session["user"] = _claim(user, opened)
    request.session["csrf"] = secrets.token_urlsafe(32)


class SessionCheck:
    """Signs out, before anything else reads the session, a browser whose
    account was disabled or changed since it signed in (inside Starlette's
    SessionMiddleware, which then clears the cookie)."""

    def __init__(self, app: ASGIApp, *, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            session = scope["session"]
            data = session.get("user")
            try:
                claim = _claimed(data) if isinstance(data, dict) else None
            except (KeyError, TypeError, ValueError):
                claim = None
            if data is not None and (claim is None or await self.services.sessions.check(*claim) is None):
                session.clear()
        await self.app(scope, receive, send)


CONSOLE = "/organiser"
CONSOLE_CAPABILITY = Capability.MANAGE_BANKS
"""Where staff work, and what it takes to enter (its front page lists the
banks)."""

JUDGING = "/judging"
"""Where judges work (``web/judges.py``), for those who may judge a round."""


def landing(user: User, wanted: str) -> str:
    """Where to send ``user`` after signing in: back where they were going
    (``wanted``, a local path), except that staff headed for the home page
    land where their role lets them work: the console, else the judges'
    rounds."""
    if wanted != "/":
        return wanted
    if can(user, CONSOLE_CAPABILITY):
        return CONSOLE
    return JUDGING if can(user, Capability.JUDGE_ROUND) else wanted


async def sign_out(request: Request) -> None:
    """End the browser's session on the server (a copy of its cookie stops
    working) and forget it here."""
    user, opened = session_user(request), session_id(request)
    if user is not None and opened is not None:
        with contextlib.suppress(NotFound):  # ended a moment ago elsewhere
            await _services(request).sessions.end(user, opened)
    request.session.clear()


SHOWN_ONCE = "shown_once"


def hold_once(request: Request, page: str, *, account_id: int, password: str) -> None:
    """Keep a new ``password`` given to ``account_id`` in this browser's
    session for the next view of ``page``, to answer its POST with a redirect
    (POST-redirect-GET: refreshing the page shows it no more and sets no
    other password). It travels in the signed session cookie of the staff
    member who set it, once, and is forgotten as :func:`take_once` reads it."""
    request.session[SHOWN_ONCE] = {"page": page, "account": account_id, "password": password}


def take_once(request: Request, page: str) -> tuple[int, str] | None:
    """The account and password :func:`hold_once` kept for ``page``, forgotten now; None when none."""
    held = request.session.get(SHOWN_ONCE)
    if not isinstance(held, dict) or held.get("page") != page:
        return None
    del request.session[SHOWN_ONCE]
    account, password = held.get("account"), held.get("password")
    return (account, password) if isinstance(account, int) and isinstance(password, str) else None


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

"""The ASGI application: pages at ``/``, the JSON API at ``/api``, static files
at ``/static``, wrapped in the security middleware.

The API and the pages are two small Starlette apps so each renders its own
errors (JSON or HTML) and only the pages carry a session cookie.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from contest.config import Settings
from contest.errors import ContestError, TooManyRequests
from contest.services.container import Services
from contest.web import (
    account,
    account_api,
    api,
    api_statistics,
    certificates,
    collective,
    console_banks,
    console_contests,
    console_participants,
    console_staff,
    console_stats,
    judges,
    leaderboards,
    one_time,
    organiser,
    pages,
    publications,
    review_api,
    staff_api,
    winners,
)
from contest.web.auth import SessionCheck, Tokens
from contest.web.render import STATIC_DIR, Renderer
from contest.web.requests import to_the_end
from contest.web.security import BodyLimit, SecurityHeaders, under_api

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    400: (  # Starlette's form parser: too many fields or files, a part too large, broken multipart data
        "bad_form",
        "Biểu mẫu gửi lên không đọc được (quá nhiều trường hoặc tệp, một phần quá lớn, tên tệp quá dài hoặc dữ liệu "
        "bị hỏng). Hãy tải lại trang rồi thử lại.",
    ),
    404: ("not_found", "Không tìm thấy trang hoặc dữ liệu yêu cầu."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ cho địa chỉ này."),
}
_INTERNAL = (
    "Hệ thống đang gặp sự cố, thao tác này chưa được thực hiện. Dữ liệu đã lưu trước đó (kể cả câu trả lời) "
    "không bị ảnh hưởng; vui lòng thử lại sau ít phút."
)


def _error_parts(exc: Exception) -> tuple[int, str, str, dict[str, str] | None]:
    if isinstance(exc, ContestError):
        return exc.status, exc.code, exc.message, getattr(exc, "errors", None)
    if isinstance(exc, HTTPException):
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", str(exc.detail)))
        return exc.status_code, code, message, None
    log.exception("unhandled error", exc_info=exc)
    return 500, "internal", _INTERNAL, None


def _headers(request: Request, exc: Exception) -> dict[str, str]:
    """Headers an error response needs: Retry-After on 429, Allow on 405
    (every method of the path: :func:`allowed_methods`)."""
    if isinstance(exc, TooManyRequests):
        return {"retry-after": str(exc.retry_after)}
    if isinstance(exc, HTTPException) and exc.status_code == 405 and (allowed := allowed_methods(request)):
        return {**(exc.headers or {}), "allow": allowed}
    if isinstance(exc, HTTPException) and exc.headers:
        return dict(exc.headers)
    return {}


def allowed_methods(request: Request) -> str:
    """Every method the request's app serves at its path, as an Allow header
    says them (``GET, HEAD, PATCH``); "" when no route matches. A path served
    by several routes (``GET /v1/me`` and ``PATCH /v1/me``, one handler each)
    answers a 405 from the first of them, which names only its own methods."""
    methods = {
        method
        for route in getattr(request.app, "routes", ())
        if isinstance(route, Route) and route.methods and route.matches(request.scope)[0] is not Match.NONE
        for method in route.methods
    }
    return ", ".join(sorted(methods))


async def json_error(request: Request, exc: Exception) -> Response:
    status, code, message, errors = _error_parts(exc)
    body: dict[str, Any] = {"error": code, "message": message}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=_headers(request, exc))


def _wants_json(request: Request) -> bool:
    """API paths the API's app does not receive (``/api`` itself), and the
    attempt page's autosave calls."""
    return (
        under_api(request.url.path)
        or "application/json" in request.headers.get("accept", "")
        or "application/json" in request.headers.get("content-type", "")
    )


async def page_error(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return await json_error(request, exc)
    status, _code, message, errors = _error_parts(exc)
    renderer: Renderer = request.app.state.renderer
    context = {"status": status, "message": message, "errors": errors or {}}
    response = renderer.page(request, "error.html", context, status=status)
    response.headers.update(_headers(request, exc))
    return response


async def root_error(request: Request, exc: Exception) -> Response:
    """Errors no sub-app answered: a path that neither mount matches (a
    newline inside it) or a static file asked for with another method. JSON
    under ``/api``; elsewhere the error page, shown as to someone signed out
    (sessions belong to the pages' app)."""
    request.scope.setdefault("session", {})
    return await page_error(request, exc)


async def went_away(request: Request, exc: Exception) -> Response:
    """A client that hung up before sending the body it announced: one line
    at INFO, no traceback (the handler for ``Exception`` would log one and
    Starlette re-raise it to uvicorn, which logs another). Nobody reads the
    answer."""
    log.info("client went away before sending its whole request: %s %s", request.method, request.url.path)
    return Response(status_code=400)


def _handlers(handler: Any) -> dict[Any, Any]:
    return {ContestError: handler, HTTPException: handler, ClientDisconnect: went_away, Exception: handler}


class _Sweeper:
    """Closes attempts whose time ran out even if nobody comes back to them,
    forgets bank uploads nobody confirmed within a day and sessions long
    ended or expired (``Sessions.sweep``, hourly), ranks rounds the
    clock closed (``Leaderboards.rank_closed``), keeps their item analysis
    and digests the answer sheets of attempts finished without one
    (``Attempts.fill_sheets``: those submitted before the digest existed)."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._task: asyncio.Task[None] | None = None
        self._analysis: asyncio.Task[None] | None = None
        self._ranking: asyncio.Task[None] | None = None
        self._sheets: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        for task in (self._task, self._ranking, self._analysis, self._sheets):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _analyse(self) -> None:
        """Keep the item analysis of rounds closed since (``Statistics.analyse_closed``;
        half a minute for a round of 1,000,000 attempts: beside the sweep, never holding it up)."""
        try:
            await self._services.statistics.analyse_closed(
                grace=timedelta(seconds=self._services.settings.grace_seconds)
            )
        except Exception:
            log.exception("analysing closed rounds failed; will retry")

    async def _rank(self) -> None:
        """Rank the rounds the clock closed (``Leaderboards.rank_closed``;
        seconds for a round of 1,000,000 attempts: beside the sweep, so the
        next sweep of expired attempts keeps its interval)."""
        try:
            await self._services.leaderboards.rank_closed(
                grace=timedelta(seconds=self._services.settings.grace_seconds)
            )
        except Exception:
            log.exception("ranking rounds at close failed; will retry")

    async def _digest(self) -> None:
        """Digest the answer sheets still missing (``Attempts.fill_sheets``;
        after an upgrade, every attempt submitted before, by batches: beside
        the sweep, never holding it up; then one indexed look that finds none)."""
        try:
            await self._services.attempts.fill_sheets()
        except Exception:
            log.exception("digesting answer sheets failed; will retry")

    async def _run(self) -> None:
        while True:
            try:
                await self._services.attempts.sweep()
                await self._services.banks.sweep_uploads()
                await self._services.sessions.sweep()
            except Exception:
                log.exception("sweeping expired attempts failed; will retry")
            # Started after the attempts' sweep: a round is ranked with its last attempts closed.
            if self._ranking is None or self._ranking.done():
                self._ranking = asyncio.create_task(self._rank())
            if self._analysis is None or self._analysis.done():
                self._analysis = asyncio.create_task(self._analyse())
            if self._sheets is None or self._sheets.done():
                self._sheets = asyncio.create_task(self._digest())
            await asyncio.sleep(self._services.settings.sweep_interval_seconds)


def create_app(services: Services, *, sweeper: bool = True) -> Any:
    settings: Settings = services.settings
    if not settings.secret_key:
        raise ValueError("CONTEST_SECRET_KEY is required")
    tokens = Tokens(settings.secret_key, ttl=settings.token_ttl_seconds)
    renderer = Renderer()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(services.storage.migrate)
        services.storage.start()
        task = _Sweeper(services)
        if sweeper:
            task.start()
        try:
            yield
        finally:
            await task.stop()
            await services.storage.close()

    api_app = Starlette(
        routes=api.routes
        + account_api.routes
        + leaderboards.api_routes
        + review_api.routes
        + staff_api.routes
        + api_statistics.routes
        + collective.api_routes,
        exception_handlers=_handlers(json_error),
    )
    page_app = Starlette(
        routes=pages.routes
        + account.routes
        + one_time.routes
        + leaderboards.page_routes
        + organiser.routes
        + console_contests.routes
        + console_staff.routes
        + judges.routes
        + certificates.routes
        + winners.routes
        + console_participants.routes
        + publications.routes
        + console_banks.routes
        + console_stats.routes
        + collective.page_routes,
        exception_handlers=_handlers(page_error),
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie="hoithi_session",
                max_age=settings.session_max_age_seconds,
                same_site="lax",
                https_only=settings.cookie_secure,
            ),
            Middleware(SessionCheck, services=services),
        ],
    )
    for sub in (api_app, page_app):
        sub.state.services = services
        sub.state.tokens = tokens
        sub.state.renderer = renderer

    root = Starlette(
        routes=to_the_end(
            [
                Mount("/api", app=api_app),
                Mount("/static", app=_CachedStatic(directory=str(STATIC_DIR)), name="static"),
                Mount("/", app=page_app),
            ]
        ),
        lifespan=lifespan,
        exception_handlers={HTTPException: root_error},
    )
    root.state.services = services
    root.state.renderer = renderer
    return SecurityHeaders(
        BodyLimit(
            root,
            limit=settings.max_body_bytes,
            upload_limit=settings.max_upload_bytes,
            timeout=settings.body_timeout_seconds,
            upload_timeout=settings.upload_body_timeout_seconds,
            upload_paths=tuple(
                r.path_regex
                for r in organiser.routes + publications.routes
                if isinstance(r, Route) and r.endpoint in (organiser.upload, publications.add_document)
            ),
        )
    )


class _CachedStatic(StaticFiles):
    """Static files; versioned URLs (``?v=``) are cached for a year."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        versioned = b"v=" in scope.get("query_string", b"")

        async def send_cached(message: Any) -> None:
            if message["type"] == "http.response.start" and versioned and message["status"] == 200:
                message["headers"] = [
                    *message["headers"],
                    (b"cache-control", b"public, max-age=31536000, immutable"),
                ]
            await send(message)

        await super().__call__(scope, receive, send_cached)

"""The participant's pages, in Vietnamese, working without JavaScript.

Each handler parses the request, calls a service, and renders; forms that
change something carry a CSRF token. The attempt page is one form: without
JavaScript, "Lưu bài" saves every answer and "Nộp bài" submits; with it,
``attempt.js`` saves each answer as it is chosen and keeps the countdown.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from contest.domain import timing
from contest.domain.models import Attempt, RoundStatus, User
from contest.domain.numbers import parse_int
from contest.domain.registration import FIELDS
from contest.errors import Conflict, Invalid, TooManyRequests, Unauthorized
from contest.services.accounts import AccountTaken
from contest.services.container import Services
from contest.web.auth import check_csrf, landing, require_user, session_user, sign_in, sign_out
from contest.web.render import LANGUAGES, STATIC_DIR, Renderer
from contest.web.requests import client_address, read_json

FORM_LIMITS = {"max_files": 0, "max_fields": 200, "max_part_size": 64 * 1024}


def services(request: Request) -> Services:
    result: Services = request.app.state.services
    return result


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    renderer: Renderer = request.app.state.renderer
    return renderer.page(request, name, context, status=status)


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def safe_next(value: object) -> str:
    """Only local paths, so a crafted link cannot send people elsewhere."""
    text = value if isinstance(value, str) else ""
    return text if text.startswith("/") and not text.startswith(("//", "/\\")) else "/"


async def read_form(request: Request) -> FormData:
    form = await request.form(**FORM_LIMITS)
    check_csrf(request, form.get("csrf_token", ""))
    return form


def login_redirect(request: Request) -> Response:
    return redirect("/login?next=" + quote(request.url.path))


Page = Callable[[Request, User], Awaitable[Response]]


def signed_in(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    """A page for signed-in people: anyone else is sent to the login page,
    and comes back here after signing in."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        user = session_user(request)
        if user is None:
            return login_redirect(request)
        return await handler(request, user)

    return endpoint


async def home(request: Request) -> Response:
    s = services(request)
    contest = await s.catalog.contest()
    now = s.clock.now()
    user = session_user(request)
    used: dict[int, int] = {}
    if user is not None and not user.role.is_staff:
        used = {r.round.id: r.used for r in await s.attempts.by_round(user)}
    rounds = [
        {"round": r, "status": timing.round_status(r, now).value, "used": used.get(r.id, 0)}
        for r in await s.catalog.rounds()
    ]
    return render(request, "public/home.html", contest=contest, rounds=rounds, now=now)


async def privacy(request: Request) -> Response:
    contest = await services(request).catalog.contest()
    return render(request, "public/privacy.html", contest=contest)


async def register(request: Request) -> Response:
    s = services(request)
    contest = await s.catalog.contest()
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await read_form(request)
        values = {name: form.get(name, "") for name in FIELDS}
        try:
            user = await s.accounts.register(contest, values)
        except (Invalid, AccountTaken) as exc:
            errors, status = exc.errors, exc.status
        else:
            sign_in(request, user)
            return redirect("/?registered=1")
        values.pop("password", None)
    return render(request, "public/register.html", status, contest=contest, values=values, errors=errors)


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    error, login_value, status = "", "", 200
    if request.method == "POST":
        form = await read_form(request)
        login_value = str(form.get("login", ""))
        next_url = safe_next(form.get("next"))
        try:
            user = await services(request).accounts.authenticate(
                login_value, form.get("password", ""), client=client_address(request)
            )
        except (Unauthorized, TooManyRequests) as exc:
            error, status = exc.message, exc.status
        else:
            sign_in(request, user)
            return redirect(landing(user, next_url))
    return render(request, "public/login.html", status, error=error, login_value=login_value, next_url=next_url)


async def logout(request: Request) -> Response:
    await read_form(request)
    sign_out(request)
    return redirect("/")


async def start(request: Request) -> Response:
    if session_user(request) is None:
        return redirect("/login?next=/")
    await read_form(request)
    attempt, _created = await services(request).attempts.start(require_user(request), request.path_params["round_id"])
    return redirect(f"/attempts/{attempt.id}")


@signed_in
async def attempt_page(request: Request, user: User) -> Response:
    attempt = await services(request).attempts.get(user, request.path_params["attempt_id"])
    if attempt.finished:
        return redirect(f"/attempts/{attempt.id}/result")
    return await _attempt_view(request, attempt, notice=request.query_params.get("notice", ""))


async def _attempt_view(
    request: Request, attempt: Attempt, *, status: int = 200, notice: str = "", errors: dict[str, str] | None = None
) -> Response:
    s = services(request)
    return render(
        request,
        "participant/attempt.html",
        status,
        attempt=attempt,
        round=await s.catalog.round(attempt.round_id),
        now=s.clock.now(),
        saved=sum(1 for a in attempt.answers.values() if a),
        notice=notice,
        errors=errors or {},
    )


def form_answers(form: FormData) -> dict[int, object]:
    """The answers in a posted attempt form: for each ``q<question id>`` field,
    the option ids chosen. :class:`Invalid` (field ``options``) for a name or
    value that is not a whole number, which the page never sends."""
    answers: dict[int, object] = {}
    for key in form:
        if key.startswith("q"):
            question_id = parse_int(key[1:], field="options", label="Số thứ tự câu hỏi", minimum=1)
            answers[question_id] = [
                parse_int(value, field="options", label="Phương án đã chọn", minimum=1) for value in form.getlist(key)
            ]
    return answers


@signed_in
async def attempt_post(request: Request, user: User) -> Response:
    """The attempt form posted without JavaScript (or by the countdown when
    time is up): save every answer, then submit if asked."""
    form = await read_form(request)
    attempt_id = request.path_params["attempt_id"]
    attempts = services(request).attempts
    prediction = form.get("prediction", "")
    submitting = form.get("action") == "submit"
    try:
        await attempts.save_form(user, attempt_id, form_answers(form), prediction)
    except Conflict:
        if not submitting:  # time is up or already submitted: the result page says which
            return redirect(f"/attempts/{attempt_id}/result")
    except Invalid as exc:
        return await _attempt_view(request, await attempts.get(user, attempt_id), status=422, errors=exc.errors)
    if not submitting:
        return redirect(f"/attempts/{attempt_id}?notice=saved")
    try:
        await attempts.submit(user, attempt_id, None if prediction == "" else prediction)
    except Invalid as exc:
        return await _attempt_view(request, await attempts.get(user, attempt_id), status=422, errors=exc.errors)
    return redirect(f"/attempts/{attempt_id}/result")


async def attempt_answer(request: Request) -> Response:
    """Autosave of one answer from the attempt page's script."""
    user = require_user(request)
    check_csrf(request, None)
    body = await read_json(request)
    options = await services(request).attempts.save_answer(
        user, request.path_params["attempt_id"], request.path_params["question_id"], body.get("options")
    )
    return JSONResponse({"question_id": request.path_params["question_id"], "options": sorted(options), "saved": True})


async def attempt_prediction(request: Request) -> Response:
    user = require_user(request)
    check_csrf(request, None)
    body = await read_json(request)
    value = await services(request).attempts.save_prediction(
        user, request.path_params["attempt_id"], body.get("prediction")
    )
    return JSONResponse({"prediction": value, "saved": True})


@signed_in
async def result_page(request: Request, user: User) -> Response:
    s = services(request)
    attempt = await s.attempts.get(user, request.path_params["attempt_id"])
    if not attempt.finished:
        return redirect(f"/attempts/{attempt.id}")
    round_ = await s.catalog.round(attempt.round_id)
    mine = next(r for r in await s.attempts.by_round(user) if r.round.id == round_.id)
    status = timing.round_status(round_, s.clock.now())
    return render(
        request,
        "participant/result.html",
        attempt=attempt,
        round=round_,
        mine=mine,
        reveal=status is RoundStatus.CLOSED,
        can_retry=status is RoundStatus.OPEN and mine.used < round_.rules.attempts_allowed,
    )


@signed_in
async def my_attempts(request: Request, user: User) -> Response:
    s = services(request)
    now = s.clock.now()
    rounds = [(r, timing.round_status(r.round, now).value) for r in await s.attempts.by_round(user)]
    return render(request, "participant/attempts.html", rounds=rounds)


async def set_language(request: Request) -> Response:
    lang = request.path_params["lang"]
    response = redirect(safe_next(request.query_params.get("next")))
    if lang in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 86_400, samesite="lax", httponly=True)
    return response


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def favicon(request: Request) -> Response:
    """Where browsers and crawlers look for an icon whatever the page says;
    pages link the SVG (``static/favicon.svg``, the same drawing)."""
    return FileResponse(
        STATIC_DIR / "favicon.ico",
        media_type="image/vnd.microsoft.icon",
        headers={"cache-control": "public, max-age=86400"},
    )


routes = [
    Route("/", home, methods=["GET"]),
    Route("/privacy", privacy, methods=["GET"]),
    Route("/register", register, methods=["GET", "POST"]),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/rounds/{round_id:id}/start", start, methods=["POST"]),
    Route("/attempts/{attempt_id:id}", attempt_page, methods=["GET"]),
    Route("/attempts/{attempt_id:id}", attempt_post, methods=["POST"]),
    Route("/attempts/{attempt_id:id}/answers/{question_id:id}", attempt_answer, methods=["PUT"]),
    Route("/attempts/{attempt_id:id}/prediction", attempt_prediction, methods=["PUT"]),
    Route("/attempts/{attempt_id:id}/result", result_page, methods=["GET"]),
    Route("/me/attempts", my_attempts, methods=["GET"]),
    Route("/lang/{lang}", set_language, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
]

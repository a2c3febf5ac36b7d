"""The participant's pages, in Vietnamese, working without JavaScript.

Each handler parses the request, calls a service, and renders; forms that
change something carry a CSRF token. The attempt page is one form: without
JavaScript, "Lưu bài" saves every answer and "Nộp bài" submits; with it,
``attempt.js`` saves each answer as it is chosen and keeps the countdown.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from contest.domain import phases, timing
from contest.domain.contests import Listing
from contest.domain.eligibility import describe
from contest.domain.models import MAX_OPTIONS, Attempt, Contest, Round, RoundStatus, User
from contest.domain.numbers import int_or_none, parse_int
from contest.domain.permissions import Capability, can
from contest.domain.publication import mask_phone
from contest.domain.registration import FIELDS, JOIN_FIELDS
from contest.errors import Conflict, ContestError, Invalid, NotFound, TooManyRequests, Unauthorized
from contest.services.accounts import AccountTaken
from contest.services.attempts import BASE_LABEL, REVISIONS, PageForm, Review, RoundAttempts
from contest.services.certificates import Certificate
from contest.services.challenges import FIELD as CHALLENGE_FIELD
from contest.services.challenges import ChallengeInvalid
from contest.services.codes import Unavailable
from contest.services.container import Services
from contest.services.contests import AlreadyJoined, NotJoined
from contest.services.senders import SendFailed
from contest.web.api import saved_answer_response
from contest.web.auth import check_csrf, landing, require_user, session_user, sign_in, sign_out
from contest.web.bodies import read_body
from contest.web.render import LANGUAGES, STATIC_DIR, Renderer
from contest.web.requests import client_address, client_agent

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


async def read_form(request: Request, *, max_fields: int = FORM_LIMITS["max_fields"]) -> FormData:
    """The posted form, CSRF-checked, within :data:`FORM_LIMITS` (``max_fields``
    raised for a form as large as its content: :func:`attempt_form_fields`)."""
    form = await request.form(**(FORM_LIMITS | {"max_fields": max_fields}))
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
    """The contests open now and upcoming, with links to past ones; with
    exactly one contest open, that contest's page itself."""
    s = services(request)
    listing = await s.catalog.contests(s.clock.now())
    if len(listing.open) == 1:
        return await _contest_view(request, listing.open[0], listing=listing)
    return render(request, "public/home.html", listing=listing)


async def contest_page(request: Request) -> Response:
    contest = await services(request).catalog.contest_by_slug(request.path_params["slug"])
    return await _contest_view(request, contest)


async def _contest_view(request: Request, contest: Contest, *, listing: Listing | None = None) -> Response:
    """A contest's page: its description, rounds (with the participant's
    attempts, and whether they have joined it) and rules; ``listing`` adds
    the site's other contests when this page is the home page."""
    s = services(request)
    now = s.clock.now()
    user = session_user(request)
    mine: dict[int, RoundAttempts] = {}
    joined = False
    if user is not None and can(user, Capability.TAKE_PART):
        mine = {r.round.id: r for r in await s.attempts.by_round(user)}
        joined = contest.id in await s.contests.joined(user)
    rounds = []
    every = await s.catalog.rounds(contest.id)
    titles = {r.id: r.title for r in every}
    for r in every:
        current = mine[r.id].in_progress(now) if r.id in mine else None
        used = mine[r.id].used if r.id in mine else 0
        status = timing.round_status(r, now)
        refusal = None
        if joined and user is not None and status is not RoundStatus.CLOSED and current is None:
            refusal = await s.contests.refusal(user, r)
        rounds.append(
            {
                "round": r,
                "status": status.value,
                "used": used,
                "current": current,
                "refusal": refusal,
                "eligibility": []
                if r.rules.eligibility.open_to_all
                else describe(r.rules.eligibility, contest=contest, titles=titles),
            }
        )
    return render(
        request,
        "public/contest.html",
        contest=contest,
        contest_status=timing.contest_status(contest, now).value,
        rounds=rounds,
        joined=joined,
        listing=listing,
        now=now,
    )


async def _contest(request: Request) -> Contest:
    """The contest named by the address (``/contests/{slug}/…``), or the
    current one for the addresses that name none (``/register``, ``/privacy``)."""
    s = services(request)
    slug = request.path_params.get("slug")
    return await (s.catalog.contest_by_slug(slug) if slug else s.catalog.current(s.clock.now()))


async def privacy(request: Request) -> Response:
    return render(request, "public/privacy.html", contest=await _contest(request))


async def register(request: Request) -> Response:
    s = services(request)
    contest = await _contest(request)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    refused: ContestError | None = None
    if request.method == "POST":
        form = await read_form(request)
        values = {name: form.get(name, "") for name in FIELDS}
        try:
            if contest.verify_phone:
                phone = await s.signups.start(
                    contest, values, client=client_address(request), solution=form.get(CHALLENGE_FIELD)
                )
                return render(  # step 2: the code's form (web/one_time.py takes it)
                    request,
                    "public/register_verify.html",
                    action=f"/contests/{contest.slug}/register/verify",
                    phone=phone,
                    masked=mask_phone(phone),
                    values={},
                    errors={},
                )
            user = await s.accounts.register(
                contest, values, client=client_address(request), solution=form.get(CHALLENGE_FIELD)
            )
        except (Invalid, AccountTaken) as exc:
            errors, refused = exc.errors, exc
        except (TooManyRequests, ChallengeInvalid, Unavailable, SendFailed) as exc:
            refused = exc  # shown in the form, what was typed kept
        else:
            await sign_in(request, user)
            return redirect(f"/contests/{contest.slug}?registered=1")
        values.pop("password", None)
    return _answer(
        render(
            request,
            "public/register.html",
            refused.status if refused else 200,
            contest=contest,
            values=values,
            errors=errors,
            error="" if errors or refused is None else refused.message,
            challenge=s.challenges.enabled,
        ),
        refused,
    )


def _answer(response: Response, refused: ContestError | None) -> Response:
    """``response``, with Retry-After when it refuses for a while (429)."""
    if isinstance(refused, TooManyRequests):
        response.headers["retry-after"] = str(refused.retry_after)
    return response


@signed_in
async def join(request: Request, user: User) -> Response:
    """The "Tham gia cuộc thi" form: the area and unit a participant gives the
    first time they take part in a contest; once joined, back to the contest."""
    s = services(request)
    contest = await s.catalog.contest_by_slug(request.path_params["slug"])
    back = f"/contests/{contest.slug}"
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await read_form(request)
        values = {name: form.get(name, "") for name in JOIN_FIELDS}
        try:
            await s.contests.join(user, contest, values)
        except Invalid as exc:
            errors, status = exc.errors, exc.status
        except AlreadyJoined:
            return redirect(back)
        else:
            return redirect(f"{back}?joined=1")
    elif await s.contests.has_joined(user, contest):
        return redirect(back)
    return render(request, "participant/join.html", status, contest=contest, values=values, errors=errors)


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    login_value = ""
    refused: ContestError | None = None
    if request.method == "POST":
        form = await read_form(request)
        login_value = str(form.get("login", ""))
        next_url = safe_next(form.get("next"))
        try:
            user = await services(request).accounts.authenticate(
                login_value,
                form.get("password", ""),
                client=client_address(request),
                solution=form.get(CHALLENGE_FIELD),
            )
        except (Unauthorized, TooManyRequests, ChallengeInvalid) as exc:
            refused = exc
        else:
            await sign_in(request, user)
            return redirect(landing(user, next_url))
    page = render(
        request,
        "public/login.html",
        refused.status if refused else 200,
        error=refused.message if refused else "",
        login_value=login_value,
        next_url=next_url,
        # After a refusal the next try may need the proof-of-work check: the widget solves it meanwhile.
        challenge=refused is not None and services(request).challenges.enabled,
    )
    return _answer(page, refused)


async def logout(request: Request) -> Response:
    await read_form(request)
    await sign_out(request)
    return redirect("/")


async def start(request: Request) -> Response:
    if session_user(request) is None:
        return redirect("/login?next=/")
    await read_form(request)
    try:
        attempt, created = await services(request).attempts.start(
            require_user(request), request.path_params["round_id"]
        )
    except NotJoined as exc:  # first time in this contest: its area and unit, then back to its rounds
        return redirect(f"/contests/{exc.contest.slug}/join")
    if created:
        await services(request).judging.note_client(attempt.id, client_address(request), client_agent(request))
    return redirect(f"/attempts/{attempt.id}")


@signed_in
async def attempt_page(request: Request, user: User) -> Response:
    attempt = await services(request).attempts.get(user, request.path_params["attempt_id"])
    if attempt.finished:
        return redirect(f"/attempts/{attempt.id}/result")
    stale = [q for q in map(int_or_none, request.query_params.get("stale", "").split(",")) if q is not None]
    return await _attempt_view(request, attempt, notice=request.query_params.get("notice", ""), stale=stale)


async def _attempt_view(
    request: Request,
    attempt: Attempt,
    *,
    status: int = 200,
    notice: str = "",
    stale: list[int] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    s = services(request)
    round_ = await s.catalog.round(attempt.round_id)
    return render(
        request,
        "participant/attempt.html",
        status,
        attempt=attempt,
        round=round_,
        review=Review.of(attempt, round_),
        now=s.clock.now(),
        notice=notice,
        stale=[q for q in dict.fromkeys(stale or ()) if attempt.question(q) is not None],  # each once, at most all
        errors=errors or {},
    )


@signed_in
async def review_page(request: Request, user: User) -> Response:
    """The summary to check before submitting (the page's "Nộp bài" without
    JavaScript): unanswered and flagged questions, the prediction, and the
    button that submits."""
    return await _review_view(request, user, request.path_params["attempt_id"])


async def _review_view(
    request: Request, user: User, attempt_id: int, *, error: str | None = None, typed: object = None
) -> Response:
    """The summary page; with ``error``, a prediction refused on submit, shown
    beside its field with what was ``typed`` kept (422)."""
    s = services(request)
    attempt = await s.attempts.get(user, attempt_id)
    if attempt.finished:
        return redirect(f"/attempts/{attempt.id}/result")
    round_ = await s.catalog.round(attempt.round_id)
    return render(
        request,
        "participant/review.html",
        status=422 if error else 200,
        attempt=attempt,
        round=round_,
        review=Review.of(attempt, round_),
        prediction_error=error,
        typed=typed,
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


def attempt_form_fields(questions: int) -> int:
    """The most fields an attempt page of ``questions`` questions posts: per
    question its revision (``r``), its flag as shown (``fb``) and ticked
    (``f``) and one per option (``q``); then the page's own (CSRF token,
    action, prediction as typed and as shown), with room to spare. Never below
    the default, so a small round's page has the usual limit."""
    return max(FORM_LIMITS["max_fields"], questions * (3 + MAX_OPTIONS) + 10)


def form_page(form: FormData) -> PageForm:
    """An attempt page as posted: ``r<id>`` names each question the page
    showed with the revision of its answer the page was based on (empty:
    unknown), ``q<id>`` the options chosen, ``f<id>`` (checkbox) and
    ``fb<id>`` (as shown) its flag, ``prediction`` as typed and
    ``prediction_shown`` as the page showed it."""
    revisions: dict[int, int | None] = {}
    flags: dict[int, tuple[bool, bool]] = {}
    for key in form:
        if key.startswith("r"):
            question_id = parse_int(key[1:], field="options", label="Số thứ tự câu hỏi", minimum=1)
            value = form.get(key)
            revisions[question_id] = (
                None if value in (None, "") else parse_int(value, field="options", label=BASE_LABEL, **REVISIONS)
            )
            flags[question_id] = (form.get(f"fb{question_id}") == "1", f"f{question_id}" in form)
    return PageForm(
        revisions=revisions,
        answers=form_answers(form),
        flags=flags,
        prediction=form.get("prediction"),
        prediction_shown=form.get("prediction_shown"),
    )


@signed_in
async def attempt_post(request: Request, user: User) -> Response:
    """The attempt page posted, by one of its buttons (``action``):

    - ``save`` ("Lưu bài"): save the page and come back to that button;
    - ``review`` ("Nộp bài" without JavaScript): save, then the summary to
      check before submitting;
    - ``submit`` (the summary's button, or the script's after its dialog):
      save and submit; without the prediction, back to the summary;
    - ``timeout`` (the countdown at zero): save what can be saved and submit
      whatever happens, prediction or not.

    A page older than answers saved elsewhere does not overwrite them and
    comes back naming those questions, unsubmitted (unless time is up)."""
    attempt_id = request.path_params["attempt_id"]
    attempts = services(request).attempts
    attempt = await attempts.get(user, attempt_id)
    form = await read_form(request, max_fields=attempt_form_fields(len(attempt.questions)))
    action = form.get("action")
    back = f"/attempts/{attempt_id}"
    try:
        saved = await attempts.save_form(user, attempt_id, form_page(form))
    except Conflict:  # time is up or already submitted: the result page says which
        return redirect(f"{back}/result")
    if action == "timeout":
        await attempts.submit(user, attempt_id, None, time_up=True)
        return redirect(f"{back}/result")
    if saved.stale:
        return redirect(f"{back}?notice=saved&stale={','.join(map(str, saved.stale))}#actions")
    if saved.prediction_error and action == "submit":  # the summary's field, or the dialog's page: the summary says why
        return await _review_view(request, user, attempt_id, error=saved.prediction_error, typed=form.get("prediction"))
    if saved.prediction_error:
        errors = {"prediction": saved.prediction_error}
        return await _attempt_view(request, await attempts.get(user, attempt_id), status=422, errors=errors)
    if action == "review":
        return redirect(f"{back}/review")
    if action == "submit":
        try:
            await attempts.submit(user, attempt_id, None)
        except Invalid:  # the prediction is missing: the summary asks for it
            return redirect(f"{back}/review")
        return redirect(f"{back}/result")
    return redirect(f"{back}?notice=saved#actions")


async def attempt_answer(request: Request) -> Response:
    """Autosave of one answer from the attempt page's script, based on the
    revision the page has seen (409 ``stale_answer`` when it is older)."""
    user = require_user(request)
    check_csrf(request, None)
    body = await read_body(request, path="/api/v1/attempts/{attempt_id}/answers/{question_id}")
    question_id = request.path_params["question_id"]
    saved = await services(request).attempts.save_answer(
        user, request.path_params["attempt_id"], question_id, body.get("options"), body.get("base_revision")
    )
    return saved_answer_response(question_id, saved)


async def attempt_flag(request: Request) -> Response:
    """The page's script flags a question "Xem lại sau" (or clears it)."""
    user = require_user(request)
    check_csrf(request, None)
    body = await read_body(request, path="/api/v1/attempts/{attempt_id}/flags/{question_id}")
    question_id = request.path_params["question_id"]
    flagged = await services(request).attempts.set_flag(
        user, request.path_params["attempt_id"], question_id, body.get("flagged")
    )
    return JSONResponse({"question_id": question_id, "flagged": flagged})


async def attempt_prediction(request: Request) -> Response:
    user = require_user(request)
    check_csrf(request, None)
    body = await read_body(request, path="/api/v1/attempts/{attempt_id}/prediction")
    value = await services(request).attempts.save_prediction(
        user, request.path_params["attempt_id"], body.get("prediction")
    )
    return JSONResponse({"prediction": value, "saved": True})


@signed_in
async def result_page(request: Request, user: User) -> Response:
    return await _result(request, user, request.path_params["attempt_id"])


async def _result(
    request: Request,
    user: User,
    attempt_id: int,
    *,
    status: int = 200,
    error: str = "",
    form: Mapping[str, str] | None = None,
) -> Response:
    """The result of one of the participant's attempts, with the complaints
    about it and their answers, and while the window is open the complaint
    form (``error`` and ``form``: a refused complaint, shown again)."""
    s = services(request)
    attempt = await s.attempts.get(user, attempt_id)
    if not attempt.finished:
        return redirect(f"/attempts/{attempt.id}")
    round_ = await s.catalog.round(attempt.round_id)
    mine = next(r for r in await s.attempts.by_round(user) if r.round.id == round_.id)
    clock = timing.round_status(round_, s.clock.now())
    shown = phases.scores_shown(round_, s.clock.now())
    window = await s.judging.complaint_window(round_.id)
    return render(
        request,
        "participant/result.html",
        status,
        attempt=attempt,
        round=round_,
        mine=mine,
        shown=shown,
        reveal=shown and clock is RoundStatus.CLOSED,
        can_retry=clock is RoundStatus.OPEN and mine.used < round_.rules.attempts_allowed,
        complaints=await s.judging.my_complaints(user, attempt.id),
        certificate=await _certificate(s, user, round_),
        complaints_open=window.window_open(s.clock.now()),
        window_closes=window.window_closes,
        complaint_error=error,
        complaint_form=form or {},
        notice=request.query_params.get("notice") == "complained",
    )


async def _certificate(s: Services, user: User, round_: Round) -> Certificate | None:
    """The participant's certificate for the round, once its results are
    final (the stored standings say so, read now) and only if they won a prize."""
    if timing.round_status(round_, s.clock.now()) is not RoundStatus.CLOSED:
        return None
    try:
        return await s.certificates.mine(user, round_.id)
    except NotFound:
        return None


@signed_in
async def complain(request: Request, user: User) -> Response:
    """A complaint from the result page: back to it, or the page again with
    the refusal beside the form."""
    form = await read_form(request)
    attempt_id = request.path_params["attempt_id"]
    fields = {k: str(form.get(k) or "") for k in ("question_id", "text")}
    try:
        await services(request).judging.file_complaint(user, attempt_id, fields["question_id"], fields["text"])
    except ContestError as exc:
        message = " ".join([exc.message, *getattr(exc, "errors", {}).values()])
        return await _result(request, user, attempt_id, status=exc.status, error=message, form=fields)
    return redirect(f"/attempts/{attempt_id}/result?notice=complained#complaints")


@signed_in
async def my_attempts(request: Request, user: User) -> Response:
    """The participant's attempts in every round of the contests they joined,
    each round named with its contest when there are several, and their rank
    in each round whose results are published."""
    s = services(request)
    now = s.clock.now()
    joined = await s.contests.joined(user)
    rounds = [
        (r, timing.round_status(r.round, now).value)
        for r in await s.attempts.by_round(user)
        if r.round.contest_id in joined or r.attempts
    ]
    contests = {c: await s.catalog.contest(c) for c in {r.round.contest_id for r, _status in rounds}}
    places = {r.round.id: r for r in await s.leaderboards.mine(user)}
    shown = {r.round.id for r, _status in rounds if phases.scores_shown(r.round, now)}
    return render(
        request, "participant/attempts.html", rounds=rounds, contests=contests, places=places, shown=shown, now=now
    )


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
    Route("/contests/{slug:slug}", contest_page, methods=["GET"]),
    Route("/contests/{slug:slug}/privacy", privacy, methods=["GET"]),
    Route("/contests/{slug:slug}/register", register, methods=["GET", "POST"]),
    Route("/contests/{slug:slug}/join", join, methods=["GET", "POST"]),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/rounds/{round_id:id}/start", start, methods=["POST"]),
    Route("/attempts/{attempt_id:id}", attempt_page, methods=["GET"]),
    Route("/attempts/{attempt_id:id}", attempt_post, methods=["POST"]),
    Route("/attempts/{attempt_id:id}/answers/{question_id:id}", attempt_answer, methods=["PUT"]),
    Route("/attempts/{attempt_id:id}/flags/{question_id:id}", attempt_flag, methods=["PUT"]),
    Route("/attempts/{attempt_id:id}/prediction", attempt_prediction, methods=["PUT"]),
    Route("/attempts/{attempt_id:id}/review", review_page, methods=["GET"]),
    Route("/attempts/{attempt_id:id}/result", result_page, methods=["GET"]),
    Route("/attempts/{attempt_id:id}/complaints", complain, methods=["POST"]),
    Route("/me/attempts", my_attempts, methods=["GET"]),
    Route("/lang/{lang}", set_language, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
]

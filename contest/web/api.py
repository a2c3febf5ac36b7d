"""The JSON API for the citizen app (``/api/v1``): bearer tokens, JSON in and
out. Handlers parse, call one service, and shape the answer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contest.domain import phases, timing
from contest.domain.eligibility import describe
from contest.domain.models import Attempt, AttemptSummary, Contest, Round, RoundStatus, SavedAnswer, User
from contest.domain.publication import mask_phone
from contest.services.attempts import STALE
from contest.services.challenges import FIELD
from contest.services.container import Services
from contest.services.leaderboards import rule_of
from contest.web.auth import api_user
from contest.web.bodies import read_body
from contest.web.openapi import spec
from contest.web.render import TIMEZONE
from contest.web.requests import client_address, client_agent


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the Vietnam offset, e.g. 2026-11-27T10:00:00+07:00."""
    return None if moment is None else moment.astimezone(TIMEZONE).isoformat()


def services(request: Request) -> Services:
    result: Services = request.app.state.services
    return result


def result_json(summary: AttemptSummary) -> dict[str, Any] | None:
    if summary.result is None:
        return None
    return {
        "correct": summary.result.correct,
        "total": summary.result.total,
        "score": summary.result.score,
        "duration_seconds": round(summary.result.duration_ms / 1000, 3),
    }


def attempt_json(attempt: Attempt, *, prediction_question: str, reveal: bool, shown: bool) -> dict[str, Any]:
    """An attempt as a participant may see it; keys and explanations only
    when ``reveal`` (the round has closed and scores are shown), the result
    only when ``shown`` (:func:`contest.domain.phases.scores_shown`)."""
    questions = []
    for q in attempt.questions:
        item: dict[str, Any] = {
            "id": q.id,
            "text": q.text,
            "multiple": q.multiple,
            "options": [{"id": o.id, "text": o.text} for o in q.options],
        }
        if reveal:
            item.update(correct=sorted(q.correct), explanation=q.explanation, source=q.citation)
        questions.append(item)
    return {
        "id": attempt.id,
        "round_id": attempt.round_id,
        "number": attempt.number,
        "status": attempt.status.value,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline),
        "submitted_at": iso(attempt.submitted_at),
        "prediction_question": prediction_question or None,
        "prediction": attempt.prediction,
        "questions": questions,
        "answers": {str(k): sorted(v) for k, v in sorted(attempt.answers.items()) if v},
        "revisions": {str(k): v for k, v in sorted(attempt.revisions.items()) if v},
        "flagged": sorted(attempt.flagged),
        "result": result_json(attempt) if shown else None,
        "score_shown": shown,
    }


async def _attempt_response(request: Request, attempt: Attempt, status: int = 200) -> JSONResponse:
    s = services(request)
    round_ = await s.catalog.round(attempt.round_id)
    now = s.clock.now()
    shown = phases.scores_shown(round_, now)
    reveal = shown and timing.round_status(round_, now) is RoundStatus.CLOSED
    return JSONResponse(
        attempt_json(attempt, prediction_question=round_.rules.prediction_question, reveal=reveal, shown=shown),
        status_code=status,
    )


def _areas_response(contest: Contest) -> Response:
    return JSONResponse([{"id": a.id, "name": a.name} for a in contest.areas])


async def areas(request: Request) -> Response:
    """The current contest's areas (the one ``POST /v1/register`` registers under)."""
    s = services(request)
    return _areas_response(await s.catalog.current(s.clock.now()))


async def contest_areas(request: Request) -> Response:
    return _areas_response(await services(request).catalog.contest(request.path_params["contest_id"]))


async def contest_units(request: Request) -> Response:
    """The contest's list of work units (empty: the unit is typed freely)."""
    contest = await services(request).catalog.contest(request.path_params["contest_id"])
    return JSONResponse([{"id": u.id, "name": u.name} for u in contest.units])


async def challenge(request: Request) -> Response:
    """A new proof-of-work challenge (:meth:`Challenges.issue`), never cached."""
    return JSONResponse(services(request).challenges.issue(), headers={"cache-control": "no-store"})


async def register(request: Request) -> Response:
    """Register under the current contest (``POST /v1/register``)."""
    s = services(request)
    return await _register(request, await s.catalog.current(s.clock.now()))


async def contest_register(request: Request) -> Response:
    """Register under the contest in the address (``POST /v1/contests/{id}/register``)."""
    return await _register(request, await services(request).catalog.contest(request.path_params["contest_id"]))


async def _register(request: Request, contest: Contest) -> Response:
    """201 with the account, or 202 when ``contest`` verifies phones (a code was sent)."""
    s = services(request)
    body = await read_body(request)
    if contest.verify_phone:
        phone = await s.signups.start(contest, body, client=client_address(request), solution=body.get(FIELD))
        sent = {"verification": "sent", "phone": mask_phone(phone), "expires_in": s.settings.code_ttl_seconds}
        return JSONResponse(sent, status_code=202)
    user = await s.accounts.register(contest, body, client=client_address(request), solution=body.get(FIELD))
    return _registered(user)


def _registered(user: User) -> Response:
    return JSONResponse({"id": user.id, "full_name": user.full_name, "phone": user.phone}, status_code=201)


async def register_verify(request: Request) -> Response:
    """Step 2 of a registration with a verified phone: ``{"phone", "code"}``."""
    body = await read_body(request)
    return _registered((await services(request).signups.finish(body.get("phone"), body.get("code"))).user)


async def password_reset(request: Request) -> Response:
    """A code by SMS or a link by email, the same answer for every phone or email: ``{"login"}``."""
    body = await read_body(request)
    sent = await services(request).resets.request(body.get("login"), client=client_address(request))
    return JSONResponse({"sent": sent.channel, "to": sent.to}, status_code=202)


async def password_reset_confirm(request: Request) -> Response:
    """A new password with ``{"phone", "code"}`` or ``{"token"}`` (an emailed link's): every session and token ends."""
    s = services(request)
    body = await read_body(request)
    if "token" in body:
        await s.resets.confirm_link(body.get("token"), body.get("password"))
    else:
        await s.resets.confirm_code(body.get("phone"), body.get("code"), body.get("password"))
    return Response(status_code=204)


async def token(request: Request) -> Response:
    s = services(request)
    body = await read_body(request)
    user = await s.accounts.authenticate(
        body.get("login"), body.get("password"), client=client_address(request), solution=body.get(FIELD)
    )
    opened = await s.sessions.open(user, kind="token", agent=client_agent(request))
    return JSONResponse(
        {
            "access_token": request.app.state.tokens.issue(user, opened),
            "token_type": "bearer",
            "expires_in": s.settings.token_ttl_seconds,
        }
    )


async def _rounds_response(request: Request, rounds: Iterable[Round]) -> Response:
    """Rounds as the API lists them, a round not open to all with who may
    enter it in words; with a bearer token, each with the attempts this
    participant used and, for such a round, why they may not enter (or null)."""
    s = services(request)
    used: dict[int, int] | None = None
    user = None
    if "authorization" in request.headers:
        user = await api_user(request)
        used = {r.round.id: r.used for r in await s.attempts.by_round(user)}
    now = s.clock.now()
    titles = {r.id: r.title for r in await s.catalog.rounds()}
    items = []
    for round_ in rounds:
        rule = round_.rules.eligibility
        item: dict[str, Any] = {
            "id": round_.id,
            "contest_id": round_.contest_id,
            "title": round_.title,
            "description": round_.description,
            "opens_at": iso(round_.opens_at),
            "closes_at": iso(round_.closes_at),
            "status": timing.round_status(round_, now).value,
            "phase": phases.effective(round_, now).value,
            "duration_seconds": round_.rules.duration_seconds,
            "question_count": round_.rules.question_count,
            "attempts_allowed": round_.rules.attempts_allowed,
            "prediction_question": round_.rules.prediction_question or None,
            "prediction_figure": round_.rules.true_figure.value,
            "ranking_rule": rule_of(round_).describe(),
        }
        if not rule.open_to_all:
            contest = await s.catalog.contest(round_.contest_id)
            item["eligibility"] = describe(rule, contest=contest, titles=titles)
        if used is not None:
            item["attempts_used"] = used.get(round_.id, 0)
        if user is not None and not rule.open_to_all:
            refusal = await s.contests.refusal(user, round_)
            item["refusal"] = None if refusal is None else {"code": refusal.code, "message": refusal.message}
        items.append(item)
    return JSONResponse(items)


async def rounds(request: Request) -> Response:
    """The rounds of the contests open now (what this address always meant:
    the current contest's rounds)."""
    s = services(request)
    open_now = {c.id for c in (await s.catalog.contests(s.clock.now())).open}
    return await _rounds_response(request, (r for r in await s.catalog.rounds() if r.contest_id in open_now))


async def contests(request: Request) -> Response:
    """Every contest of the site: open ones, then upcoming, then past."""
    s = services(request)
    now = s.clock.now()
    listing = await s.catalog.contests(now)
    return JSONResponse(
        [
            {
                "id": c.id,
                "slug": c.slug,
                "title": c.title,
                "starts_at": iso(c.starts_at),
                "ends_at": iso(c.ends_at),
                "status": timing.contest_status(c, now).value,
            }
            for c in listing.open + listing.upcoming + listing.past
        ]
    )


async def contest_rounds(request: Request) -> Response:
    contest = await services(request).catalog.contest(request.path_params["contest_id"])
    return await _rounds_response(request, await services(request).catalog.rounds(contest.id))


async def join(request: Request) -> Response:
    user = await api_user(request)
    s = services(request)
    contest = await s.catalog.contest(request.path_params["contest_id"])
    body = await read_body(request)
    participation = await s.contests.join(user, contest, body)
    return JSONResponse(
        {"contest_id": contest.id, "area": participation.area_id, "unit": participation.unit}, status_code=201
    )


async def start(request: Request) -> Response:
    user = await api_user(request)
    attempt, created = await services(request).attempts.start(user, request.path_params["round_id"])
    if created:
        await services(request).judging.note_client(attempt.id, client_address(request), client_agent(request))
    return await _attempt_response(request, attempt, 201 if created else 200)


async def attempt(request: Request) -> Response:
    user = await api_user(request)
    found = await services(request).attempts.get(user, request.path_params["attempt_id"])
    return await _attempt_response(request, found)


def saved_answer_response(question_id: int, saved: SavedAnswer) -> JSONResponse:
    """A save of one answer as JSON, for the API and the attempt page alike:
    200 with the new revision, or 409 ``stale_answer`` with the answer stored,
    which the client had not seen."""
    body: dict[str, Any] = {"question_id": question_id, "options": sorted(saved.options), "revision": saved.revision}
    if saved.applied:
        return JSONResponse({**body, "saved": True})
    return JSONResponse(
        {"error": "stale_answer", "message": STALE.format(question=question_id), **body, "saved": False},
        status_code=409,
    )


async def answer(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    question_id = request.path_params["question_id"]
    saved = await services(request).attempts.save_answer(
        user, request.path_params["attempt_id"], question_id, body.get("options"), body.get("base_revision")
    )
    return saved_answer_response(question_id, saved)


async def flag(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    question_id = request.path_params["question_id"]
    flagged = await services(request).attempts.set_flag(
        user, request.path_params["attempt_id"], question_id, body.get("flagged")
    )
    return JSONResponse({"question_id": question_id, "flagged": flagged})


async def prediction(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    value = await services(request).attempts.save_prediction(
        user, request.path_params["attempt_id"], body.get("prediction")
    )
    return JSONResponse({"prediction": value, "saved": True})


async def submit(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    s = services(request)
    summary = await s.attempts.submit(user, request.path_params["attempt_id"], body.get("prediction"))
    shown = phases.scores_shown(await s.catalog.round(summary.round_id), s.clock.now())
    return JSONResponse(
        {
            "id": summary.id,
            "status": summary.status.value,
            "submitted_at": iso(summary.submitted_at),
            "score_shown": shown,
            **((result_json(summary) or {}) if shown else {}),
        }
    )


async def openapi(request: Request) -> Response:
    return JSONResponse(spec())


routes = [
    Route("/v1/areas", areas, methods=["GET"]),
    Route("/v1/challenge", challenge, methods=["GET"]),
    Route("/v1/register", register, methods=["POST"]),
    Route("/v1/register/verify", register_verify, methods=["POST"]),
    Route("/v1/password-reset", password_reset, methods=["POST"]),
    Route("/v1/password-reset/confirm", password_reset_confirm, methods=["POST"]),
    Route("/v1/token", token, methods=["POST"]),
    Route("/v1/rounds", rounds, methods=["GET"]),
    Route("/v1/contests", contests, methods=["GET"]),
    Route("/v1/contests/{contest_id:id}/rounds", contest_rounds, methods=["GET"]),
    Route("/v1/contests/{contest_id:id}/areas", contest_areas, methods=["GET"]),
    Route("/v1/contests/{contest_id:id}/units", contest_units, methods=["GET"]),
    Route("/v1/contests/{contest_id:id}/register", contest_register, methods=["POST"]),
    Route("/v1/contests/{contest_id:id}/join", join, methods=["POST"]),
    Route("/v1/rounds/{round_id:id}/attempts", start, methods=["POST"]),
    Route("/v1/attempts/{attempt_id:id}", attempt, methods=["GET"]),
    Route("/v1/attempts/{attempt_id:id}/answers/{question_id:id}", answer, methods=["PUT"]),
    Route("/v1/attempts/{attempt_id:id}/flags/{question_id:id}", flag, methods=["PUT"]),
    Route("/v1/attempts/{attempt_id:id}/prediction", prediction, methods=["PUT"]),
    Route("/v1/attempts/{attempt_id:id}/submit", submit, methods=["POST"]),
    Route("/openapi.json", openapi, methods=["GET"]),
]

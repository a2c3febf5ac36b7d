"""The staff's JSON API (``/api/v1/staff``), for a province's own tools:
banks to draw from, making contests and rounds, changing a round. A staff
member's bearer token comes from ``POST /api/v1/token`` like anyone's; each
call asks the services, which check the same capabilities as the console."""

from __future__ import annotations

from collections import Counter

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contest.domain.permissions import Capability, require
from contest.services.contests import add_contest, add_rounds, change_round
from contest.web.api import services
from contest.web.auth import api_user
from contest.web.bodies import read_body, read_changes


async def banks(request: Request) -> Response:
    """Each bank with its current version's number, size, and counts by
    topic and by difficulty (what a round's draw may ask for)."""
    user = await api_user(request)
    s = services(request)
    items = []
    for bank in await s.banks.all(user):
        questions = await s.banks.questions(user, bank.id) if bank.current else ()
        items.append(
            {
                "id": bank.id,
                "name": bank.name,
                "version": bank.current.number if bank.current else None,
                "question_count": len(questions),
                "topics": dict(sorted(Counter(q.topic for q in questions).items())),
                "difficulties": dict(sorted(Counter(q.difficulty.value for q in questions).items())),
            }
        )
    return JSONResponse(items)


async def create_contest(request: Request) -> Response:
    user = await api_user(request)
    require(user, Capability.MANAGE_CONTESTS)
    s = services(request)
    contest = await add_contest(s.storage, actor=user, fields=await read_body(request), now=s.clock.now())
    return JSONResponse({"id": contest.id, "slug": contest.slug}, status_code=201)


async def create_round(request: Request) -> Response:
    user = await api_user(request)
    require(user, Capability.MANAGE_ROUNDS)
    s = services(request)
    contest = await s.catalog.contest(request.path_params["contest_id"])
    fields = await read_body(request)
    ids = await add_rounds(s.storage, actor=user, contest=contest, fields=fields, now=s.clock.now())
    return JSONResponse({"id": ids[0], "ids": ids}, status_code=201)


async def change(request: Request) -> Response:
    user = await api_user(request)
    require(user, Capability.MANAGE_ROUNDS)
    s = services(request)
    round_ = await s.catalog.round(request.path_params["round_id"])
    contest = await s.catalog.contest(round_.contest_id)
    fields = await read_changes(request)
    changed = await change_round(
        s.storage, actor=user, contest=contest, round_=round_, fields=fields, now=s.clock.now()
    )
    return JSONResponse({"id": changed.id})


routes = [
    Route("/v1/staff/banks", banks, methods=["GET"]),
    Route("/v1/staff/contests", create_contest, methods=["POST"]),
    Route("/v1/staff/contests/{contest_id:id}/rounds", create_round, methods=["POST"]),
    Route("/v1/staff/rounds/{round_id:id}", change, methods=["PATCH"]),
]

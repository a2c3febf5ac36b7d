"""Public leaderboards: a published round's page, its signed copy, the
site's public key, and the same through the API (``/api/v1``). Handlers
parse, call ``services.leaderboards`` and shape the answer; every figure
comes from the stored standings."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from contest.domain.models import Contest
from contest.errors import NotFound
from contest.services.container import Services
from contest.services.leaderboards import LeaderboardPage
from contest.services.overall import OverallPage
from contest.web.auth import api_user


def services(request: Request) -> Services:
    result: Services = request.app.state.services
    return result


def page_json(board: LeaderboardPage) -> dict[str, Any]:
    """The API's leaderboard answer (``docs/api.md``)."""
    return {
        "round_id": board.round.id,
        "phase": board.head.phase.value,
        "rule": board.head.rule,
        "true_figure": board.head.true_figure,
        "entries": [e.as_dict() for e in board.entries],
        "page": board.page,
        "pages": board.pages,
        "digest": board.head.digest,
        "signature": board.head.signature,
    }


async def api_leaderboard(request: Request) -> Response:
    board = await services(request).leaderboards.page(request.path_params["round_id"], request.query_params.get("page"))
    return JSONResponse(page_json(board))


async def api_my_results(request: Request) -> Response:
    user = await api_user(request)
    mine = await services(request).leaderboards.mine(user)
    return JSONResponse(
        {
            "results": [
                {
                    "round_id": r.round.id,
                    "phase": r.phase.value,
                    "rank": r.rank,
                    "of": r.size,
                    "score": r.score,
                    "prize": None if r.prize is None else r.prize.value,
                }
                for r in mine
            ]
        }
    )


async def leaderboard_page(request: Request) -> Response:
    board = await services(request).leaderboards.page(request.path_params["round_id"], request.query_params.get("page"))
    contest = await services(request).catalog.contest(board.round.contest_id)
    renderer = request.app.state.renderer
    response: Response = renderer.page(request, "public/leaderboard.html", {"board": board, "contest": contest})
    return response


async def leaderboard_copy(request: Request) -> Response:
    """The published leaderboard as signed, to download and check with
    ``contest verify``."""
    round_id = request.path_params["round_id"]
    copy = await services(request).leaderboards.export(round_id)
    return JSONResponse(
        copy, headers={"content-disposition": f'attachment; filename="bang-xep-hang-vong-{round_id}.json"'}
    )


async def _contest(request: Request) -> Contest:
    """The contest the API's path names by id or by address (an id first)."""
    catalog = services(request).catalog
    ref: str = request.path_params["contest"]
    if ref.isdigit() and len(ref) <= 18:
        try:
            return await catalog.contest(int(ref))
        except NotFound:
            pass
    return await catalog.contest_by_slug(ref)


def overall_json(board: OverallPage) -> dict[str, Any]:
    """The API's overall leaderboard answer (``docs/api.md``)."""
    return {
        "contest_id": board.contest.id,
        "provisional": board.provisional,
        "rule": board.head.rule,
        "rounds": [{"round_id": r.id, "title": r.title, "phase": phase.value} for r, phase in board.rounds],
        "entries": [
            {
                "rank": e.rank,
                "name": e.name,
                "phone": e.phone,
                "area": e.area,
                "unit": e.unit,
                "rounds": e.rounds,
                "score": e.score,
                "prediction_error": e.error,
                "duration_seconds": e.duration_ms / 1000,
            }
            for e in board.entries
        ],
        "page": board.page,
        "pages": board.pages,
    }


async def api_overall(request: Request) -> Response:
    board = await services(request).overall.page(await _contest(request), request.query_params.get("page"))
    return JSONResponse(overall_json(board))


async def overall_page(request: Request) -> Response:
    s = services(request)
    contest = await s.catalog.contest_by_slug(request.path_params["slug"])
    board = await s.overall.page(contest, request.query_params.get("page"))
    renderer = request.app.state.renderer
    response: Response = renderer.page(request, "public/overall.html", {"board": board})
    return response


async def public_key_page(request: Request) -> Response:
    key = await services(request).leaderboards.public_key()
    renderer = request.app.state.renderer
    response: Response = renderer.page(request, "public/public_key.html", {"key": key})
    return response


async def public_key_pem(request: Request) -> Response:
    return PlainTextResponse(await services(request).leaderboards.public_key(), media_type="application/x-pem-file")


api_routes = [
    Route("/v1/rounds/{round_id:id}/leaderboard", api_leaderboard, methods=["GET"]),
    Route("/v1/me/results", api_my_results, methods=["GET"]),
    Route("/v1/contests/{contest:slug}/leaderboard", api_overall, methods=["GET"]),
]

page_routes = [
    Route("/rounds/{round_id:id}/leaderboard", leaderboard_page, methods=["GET"]),
    Route("/rounds/{round_id:id}/leaderboard.json", leaderboard_copy, methods=["GET"]),
    Route("/contests/{slug:slug}/leaderboard", overall_page, methods=["GET"]),
    Route("/public-key", public_key_page, methods=["GET"]),
    Route("/public-key.pem", public_key_pem, methods=["GET"]),
]

"""Public leaderboards: a published round's page, its signed copy, the
site's public key, and the same through the API (``/api/v1``). Handlers
parse, call ``services.leaderboards`` and shape the answer; every figure
comes from the stored standings."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from contest.services.container import Services
from contest.services.leaderboards import LeaderboardPage
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
                    "prize": None,
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
]

page_routes = [
    Route("/rounds/{round_id:id}/leaderboard", leaderboard_page, methods=["GET"]),
    Route("/rounds/{round_id:id}/leaderboard.json", leaderboard_copy, methods=["GET"]),
    Route("/public-key", public_key_page, methods=["GET"]),
    Route("/public-key.pem", public_key_pem, methods=["GET"]),
]

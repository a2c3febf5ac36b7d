"""Collective prizes (``services/collective.py``): the public page and the
API once results are published, and the staff's page and xlsx at any time.
Handlers parse, call one service, and shape the answer."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from contest.domain.exports import Column, XlsxWriter
from contest.domain.models import User
from contest.domain.permissions import Capability
from contest.domain.prizes import Collective
from contest.services.collective import CollectiveBoard
from contest.services.container import Services
from contest.web.leaderboards import _contest
from contest.web.organiser import staff_page
from contest.web.pages import render

stats_page = staff_page(Capability.VIEW_STATISTICS)


def services(request: Request) -> Services:
    result: Services = request.app.state.services
    return result


def percent(c: Collective) -> float | None:
    """The participation rate in percent, one decimal (None: no headcount)."""
    return None if c.rate is None else round(float(c.rate) * 100, 1)


COLUMNS: list[Column[tuple[str, Collective]]] = [
    Column("Xét theo", lambda r: r[0]),
    Column("Hạng", lambda r: r[1].rank),
    Column("Tên", lambda r: r[1].name),
    Column("Thí sinh", lambda r: r[1].participants),
    Column("Số người của đơn vị", lambda r: r[1].headcount),
    Column("Tỉ lệ tham gia (%)", lambda r: percent(r[1])),
]


def _places(rows: tuple[Collective, ...]) -> list[dict[str, Any]]:
    return [
        {"rank": c.rank, "name": c.name, "participants": c.participants, "headcount": c.headcount, "rate": percent(c)}
        for c in rows
    ]


def board_json(board: CollectiveBoard) -> dict[str, Any]:
    """The API's answer (``docs/api.md``)."""
    return {
        "contest_id": board.contest.id,
        "round_id": board.round.id if board.round else None,
        "by": board.by.value,
        "units": _places(board.units),
        "areas": _places(board.areas),
    }


async def api_collective(request: Request) -> Response:
    contest = await _contest(request)
    board = await services(request).collective.public(contest, request.query_params.get("round"))
    return JSONResponse(board_json(board))


async def collective_page(request: Request) -> Response:
    s = services(request)
    contest = await s.catalog.contest_by_slug(request.path_params["slug"])
    board = await s.collective.public(contest, request.query_params.get("round"))
    return render(request, "public/collective.html", board=board, staff=False)


@stats_page
async def staff_collective(request: Request, user: User) -> Response:
    board = await services(request).collective.staff(
        user, request.path_params["contest_id"], request.query_params.get("round")
    )
    return render(request, "public/collective.html", board=board, staff=True)


@stats_page
async def staff_collective_xlsx(request: Request, user: User) -> Response:
    board = await services(request).collective.staff(
        user, request.path_params["contest_id"], request.query_params.get("round")
    )
    writer: XlsxWriter[tuple[str, Collective]] = XlsxWriter(COLUMNS, sheet="Giải tập thể")
    writer.add([("Đơn vị: " + board.by.label, c) for c in board.units] + [("Nơi cư trú", c) for c in board.areas])
    writer.finish()
    scope = f"vong-{board.round.id}" if board.round else "cuoc-thi"
    return StreamingResponse(
        writer.chunks(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="giai-tap-the-{board.contest.id}-{scope}.xlsx"'},
    )


api_routes = [Route("/v1/contests/{contest:slug}/collective-prizes", api_collective, methods=["GET"])]

page_routes = [
    Route("/contests/{slug:slug}/collective-prizes", collective_page, methods=["GET"]),
    Route("/organiser/contests/{contest_id:id}/collective-prizes", staff_collective, methods=["GET"]),
    Route("/organiser/contests/{contest_id:id}/collective-prizes.xlsx", staff_collective_xlsx, methods=["GET"]),
]

"""Staff API for what a committee reports (``/api/v1/staff/…``): a round's
live figures with its participation, a contest's participation over all its
rounds, and a round's attempts as a spreadsheet. Bearer tokens of staff
accounts (``POST /api/v1/token`` with a username); the service checks the
same capabilities as the console."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from contest.services.container import Services
from contest.services.statistics import Export, Participation
from contest.web.auth import api_user


def services(request: Request) -> Services:
    result: Services = request.app.state.services
    return result


def participation_json(participation: Participation) -> dict[str, Any]:
    return {
        "by_day": [{"date": day.isoformat(), "participants": n} for day, n in participation.days],
        "by_area": [{"name": c.label, "participants": c.participants} for c in participation.areas],
        "by_unit": [
            {"name": c.label, "participants": c.participants, "headcount": c.headcount, "rate": c.rate}
            for c in participation.units
        ],
    }


async def stats(request: Request) -> Response:
    user = await api_user(request)
    round_, figures, participation = await services(request).statistics.live(user, request.path_params["round_id"])
    return JSONResponse(
        {
            "round_id": round_.id,
            "title": round_.title,
            "attempts": {
                "started": figures.started,
                "in_progress": figures.in_progress,
                "submitted": figures.submitted,
                "expired": figures.expired,
            },
            "participants": figures.participants,
            "seconds_left": figures.seconds_left,
            "participation": participation_json(participation),
        },
        headers={"cache-control": "no-store"},
    )


async def contest_stats(request: Request) -> Response:
    user = await api_user(request)
    report = await services(request).statistics.contest(user, request.path_params["contest_id"])
    return JSONResponse(
        {
            "contest_id": report.contest.id,
            "title": report.contest.title,
            "participants": report.participants,
            "participation": participation_json(report.participation),
        },
        headers={"cache-control": "no-store"},
    )


def download(export: Export) -> Response:
    """An export streamed as an attachment, never cached."""
    return StreamingResponse(
        export.body,
        media_type=export.media_type,
        headers={"content-disposition": f'attachment; filename="{export.filename}"', "cache-control": "no-store"},
    )


async def export(request: Request) -> Response:
    user = await api_user(request)
    s = services(request)
    fmt = request.query_params.get("format", "xlsx")
    return download(await s.statistics.export_attempts(user, request.path_params["round_id"], fmt))


routes = [
    Route("/v1/staff/rounds/{round_id:id}/stats", stats, methods=["GET"]),
    Route("/v1/staff/contests/{contest_id:id}/stats", contest_stats, methods=["GET"]),
    Route("/v1/staff/rounds/{round_id:id}/export", export, methods=["GET"]),
]

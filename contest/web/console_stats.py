"""The console's statistics of a round (figures, participation, item
analysis, distributions, each chart beside its table) and of a contest (its
participation over all rounds), and the downloads: the round's attempts and
results, the contest's participants, as xlsx or CSV."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain.models import User
from contest.domain.permissions import Capability
from contest.domain.statistics import Bin
from contest.services.statistics import TIME_BIN_SECONDS, Participation
from contest.web import charts
from contest.web.api_statistics import download
from contest.web.organiser import services, staff_page
from contest.web.pages import render

TOP = 15
"""Areas and units charted (the table lists them all)."""


@dataclass(frozen=True, slots=True)
class ChartRows:
    """A participation's figures as the charts take them: days as dd/mm,
    the :data:`TOP` areas and units."""

    days: list[tuple[str, int]]
    areas: list[tuple[str, int]]
    units: list[tuple[str, int]]


def _rows(p: Participation) -> ChartRows:
    return ChartRows(
        days=[(day.strftime("%d/%m"), n) for day, n in p.days],
        areas=[(c.label, c.participants) for c in p.areas[:TOP]],
        units=[(c.label, c.participants) for c in p.units[:TOP]],
    )


def _bins(bins: list[Bin], *, per: int = 1) -> list[tuple[str, int]]:
    return [(str(b.low // per), b.count) for b in bins]


@staff_page(Capability.VIEW_STATISTICS)
async def stats(request: Request, user: User) -> Response:
    report = await services(request).statistics.report(user, request.path_params["round_id"])
    return render(
        request,
        "organiser/stats.html",
        report=report,
        bars=charts.bars,
        columns=charts.columns,
        round_rows=_rows(report.round_participation),
        contest_rows=_rows(report.contest_participation),
        score_rows=_bins(report.scores),
        time_rows=_bins(report.durations, per=TIME_BIN_SECONDS),
    )


@staff_page(Capability.VIEW_STATISTICS)
async def contest_stats(request: Request, user: User) -> Response:
    report = await services(request).statistics.contest(user, request.path_params["contest_id"])
    return render(
        request,
        "organiser/contest_stats.html",
        report=report,
        bars=charts.bars,
        columns=charts.columns,
        rows=_rows(report.participation),
    )


@staff_page(Capability.VIEW_STATISTICS)
async def export_attempts(request: Request, user: User) -> Response:
    s = services(request)
    return download(
        await s.statistics.export_attempts(user, request.path_params["round_id"], request.path_params["fmt"])
    )


@staff_page(Capability.VIEW_STATISTICS)
async def export_results(request: Request, user: User) -> Response:
    s = services(request)
    round_id, fmt = request.path_params["round_id"], request.path_params["fmt"]
    return download(await s.statistics.export_results(user, round_id, fmt))


@staff_page(Capability.VIEW_PERSONAL_DATA)
async def export_participants(request: Request, user: User) -> Response:
    s = services(request)
    contest_id, fmt = request.path_params["contest_id"], request.path_params["fmt"]
    return download(await s.statistics.export_participants(user, contest_id, fmt))


routes = [
    Route("/organiser/rounds/{round_id:id}/stats", stats, methods=["GET"]),
    Route("/organiser/contests/{contest_id:id}/stats", contest_stats, methods=["GET"]),
    Route("/organiser/rounds/{round_id:id}/attempts/{fmt}", export_attempts, methods=["GET"]),
    Route("/organiser/rounds/{round_id:id}/results/{fmt}", export_results, methods=["GET"]),
    Route("/organiser/contests/{contest_id:id}/participants/{fmt}", export_participants, methods=["GET"]),
]

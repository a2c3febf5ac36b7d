"""The winners list for organisers, with what they need to contact and pay
each winner: a printable page and an xlsx file."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from contest.domain.exports import AREA, CCCD, EMAIL, UNIT, Column, XlsxWriter
from contest.domain.models import User
from contest.domain.permissions import Capability
from contest.services.container import Services
from contest.services.records import Winner
from contest.web.organiser import staff_page
from contest.web.pages import render

personal_page = staff_page(Capability.VIEW_PERSONAL_DATA)

COLUMNS: list[Column[tuple[Winner, User]]] = [
    Column("Giải", lambda r: r[0].prize),
    Column("Hạng", lambda r: r[0].entry.rank),
    Column("Họ và tên", lambda r: r[1].full_name),
    Column("Số điện thoại", lambda r: r[1].phone),
    Column(EMAIL, lambda r: r[1].email),
    Column(CCCD, lambda r: r[1].cccd),
    Column(UNIT, lambda r: r[0].entry.unit),
    Column(AREA, lambda r: r[0].entry.area),
    Column("Điểm", lambda r: r[0].entry.score),
    Column("Quyết định của Ban Giám khảo", lambda r: r[0].decision),
]


def services(request: Request) -> Services:
    result: Services = request.app.state.services
    return result


@personal_page
async def winners_page(request: Request, user: User) -> Response:
    round_id = request.path_params["round_id"]
    found = await services(request).records.winners(user, round_id)
    round_ = await services(request).catalog.round(round_id)
    return render(request, "organiser/winners.html", round=round_, winners=found, columns=COLUMNS)


@personal_page
async def winners_xlsx(request: Request, user: User) -> Response:
    round_id = request.path_params["round_id"]
    found = await services(request).records.winners(user, round_id)
    writer: XlsxWriter[tuple[Winner, User]] = XlsxWriter(COLUMNS, sheet="Đạt giải")
    writer.add(found)
    writer.finish()
    return StreamingResponse(
        writer.chunks(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="dat-giai-vong-{round_id}.xlsx"'},
    )


routes = [
    Route("/organiser/rounds/{round_id:id}/winners", winners_page, methods=["GET"]),
    Route("/organiser/rounds/{round_id:id}/winners.xlsx", winners_xlsx, methods=["GET"]),
]

"""Certificates: a winner downloads theirs as a PDF; anyone holding its code
(the QR code on it) opens the public verification page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain.models import User
from contest.services.container import Services
from contest.web.pages import render, signed_in
from contest.web.pdf import certificate


def services(request: Request) -> Services:
    result: Services = request.app.state.services
    return result


def verification_url(request: Request, code: str) -> str:
    return f"{request.base_url}certificates/{code}"


@signed_in
async def download(request: Request, user: User) -> Response:
    found = await services(request).certificates.mine(user, request.path_params["round_id"])
    return Response(
        certificate(found, url=verification_url(request, found.code)),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="giay-chung-nhan-{found.code}.pdf"'},
    )


async def verify(request: Request) -> Response:
    found = await services(request).certificates.verify(request.path_params["code"])
    return render(request, "public/certificate.html", certificate=found)


routes = [
    Route("/rounds/{round_id:id}/certificate.pdf", download, methods=["GET"]),
    Route("/certificates/{code}", verify, methods=["GET"]),
]

"""A bank's day-to-day care in the console: rolling it back to an earlier
version, saved again as the next version (``Banks.restore``); archiving a
bank no round uses, and bringing it back (``Banks.archive``); excluding from
a round the questions citing a document not in force on its dates
(``Banks.exclude_outdated``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain.models import User
from contest.domain.permissions import Capability
from contest.web.organiser import number, services, staff_page
from contest.web.pages import read_form, redirect


@staff_page(Capability.MANAGE_BANKS)
async def restore(request: Request, user: User) -> Response:
    """POST ``version``: the number to roll back to; back to the bank's page.
    A version that cannot be restored is a 4xx page saying why."""
    bank_id: int = request.path_params["bank_id"]
    form = await read_form(request)
    version = number(form.get("version"), field="version", label="Phiên bản", maximum=1_000_000)
    await services(request).banks.restore(user, bank_id, version)
    return redirect(f"/organiser/banks/{bank_id}")


@staff_page(Capability.MANAGE_BANKS)
async def archive(request: Request, user: User) -> Response:
    """POST ``/archive`` or ``/unarchive``; back to the bank's page, or a 409
    page naming the round that uses it."""
    bank_id: int = request.path_params["bank_id"]
    await read_form(request)
    archived = request.url.path.endswith("/archive")
    await services(request).banks.archive(user, bank_id, archived=archived)
    return redirect(f"/organiser/banks/{bank_id}")


@staff_page(Capability.MANAGE_ROUNDS)
async def exclude_outdated(request: Request, user: User) -> Response:
    """POST: exclude from the round every question citing a document not in
    force on its dates; back to the console, or a 409 page saying why not."""
    await read_form(request)
    await services(request).banks.exclude_outdated(user, request.path_params["round_id"])
    return redirect("/organiser")


routes = [
    Route("/organiser/rounds/{round_id:id}/exclude-outdated", exclude_outdated, methods=["POST"]),
    Route("/organiser/banks/{bank_id:id}/restore", restore, methods=["POST"]),
    Route("/organiser/banks/{bank_id:id}/archive", archive, methods=["POST"]),
    Route("/organiser/banks/{bank_id:id}/unarchive", archive, methods=["POST"]),
]

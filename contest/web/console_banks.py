"""A bank's day-to-day care in the console: rolling it back to an earlier
version, saved again as the next version (``Banks.restore``)."""

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


routes = [Route("/organiser/banks/{bank_id:id}/restore", restore, methods=["POST"])]

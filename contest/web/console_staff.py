"""Staff accounts in the console, for admins (MANAGE_STAFF): make one (its
password shown once), disable with a written reason, enable, change a role,
set a new password (shown once). ``services/staff.py`` checks, logs, and
ends the account's sessions on every node."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain.models import Role, User
from contest.domain.permissions import ROLE_NAMES, Capability
from contest.errors import Conflict, Invalid, NotFound
from contest.web.auth import hold_once, take_once
from contest.web.organiser import services, staff_page
from contest.web.pages import read_form, redirect, render

staff_admin = staff_page(Capability.MANAGE_STAFF)

PAGE = "/organiser/staff"
NOTICES = {
    "disable": "Đã khoá tài khoản.",
    "enable": "Đã mở khoá tài khoản.",
    "role": "Đã đổi vai trò.",
}


async def _page(
    request: Request,
    user: User,
    *,
    status: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    failed: int | None = None,
    error: str = "",
    shown: tuple[User, str] | None = None,
) -> Response:
    """The staff page; ``failed`` is the account whose form ``errors`` are
    about (None: the new account's form); ``shown`` an account and the
    password shown this once."""
    response = render(
        request,
        "organiser/staff.html",
        status,
        accounts=await services(request).staff.accounts(user),
        roles={r: ROLE_NAMES[r] for r in Role if r.is_staff},
        values=values or {},
        errors=errors or {},
        failed=failed,
        error=error,
        shown=shown,
        notice=NOTICES.get(request.query_params.get("notice", ""), ""),
    )
    response.headers["cache-control"] = "no-store"
    return response


@staff_admin
async def staff_list(request: Request, user: User) -> Response:
    """The staff page (with a password just set the once, :func:`hold_once`),
    or a new account made from its form."""
    if request.method == "GET":
        held = take_once(request, PAGE)
        found = [a for a, _ in await services(request).staff.accounts(user) if held and a.id == held[0]]
        return await _page(request, user, shown=(found[0], held[1]) if found and held else None)
    form = await read_form(request)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        made, password = await services(request).staff.create(user, values)
    except Invalid as exc:
        return await _page(request, user, status=exc.status, values=values, errors=exc.errors)
    hold_once(request, PAGE, account_id=made.id, password=password)
    return redirect(PAGE)


async def _account(request: Request, user: User) -> tuple[User, dict[str, Any]]:
    """The account the address names (NotFound unless it is a staff account)
    and the form posted about it."""
    form = await read_form(request)
    user_id = request.path_params["user_id"]
    account = next((a for a, _ in await services(request).staff.accounts(user) if a.id == user_id), None)
    if account is None:
        raise NotFound("Không tìm thấy tài khoản cán bộ này.")
    return account, {k: v for k, v in form.items() if k != "csrf_token"}


async def _change(request: Request, user: User, action: str) -> Response:
    """One change to the account the address names: ``disable`` (with the
    form's reason), ``enable``, ``role`` (the form's role) or ``password``
    (shown once)."""
    account, form = await _account(request, user)
    staff = services(request).staff
    try:
        if action == "disable":
            await staff.disable_with_reason(user, account.id, form.get("reason"))
        elif action == "enable":
            await staff.enable(user, account.id)
        elif action == "role":
            await staff.change_role(user, account.id, form.get("role"))
        else:
            hold_once(request, PAGE, account_id=account.id, password=await staff.reset_password(user, account.id))
            return redirect(PAGE)
    except Invalid as exc:
        return await _page(request, user, status=exc.status, errors=exc.errors, failed=account.id)
    except Conflict as exc:
        return await _page(request, user, status=exc.status, error=exc.message)
    return redirect(f"{PAGE}?notice={action}")


@staff_admin
async def disable(request: Request, user: User) -> Response:
    return await _change(request, user, "disable")


@staff_admin
async def enable(request: Request, user: User) -> Response:
    return await _change(request, user, "enable")


@staff_admin
async def role(request: Request, user: User) -> Response:
    return await _change(request, user, "role")


@staff_admin
async def password(request: Request, user: User) -> Response:
    return await _change(request, user, "password")


routes = [
    Route("/organiser/staff", staff_list, methods=["GET", "POST"]),
    Route("/organiser/staff/{user_id:id}/disable", disable, methods=["POST"]),
    Route("/organiser/staff/{user_id:id}/enable", enable, methods=["POST"]),
    Route("/organiser/staff/{user_id:id}/role", role, methods=["POST"]),
    Route("/organiser/staff/{user_id:id}/password", password, methods=["POST"]),
]

"""The account page (``/me/account``) for everyone signed in: a participant's
own details (``services/profiles.py``) and the area and unit given for each
contest joined, changing one's password, and the
sessions open on other browsers and apps, each of which can be ended, or all
at once. Every form works without JavaScript."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain.models import Role, User
from contest.domain.registration import DETAIL_FIELDS
from contest.errors import Conflict, Invalid, TooManyRequests
from contest.services.accounts import AccountTaken
from contest.web.auth import session_id, sign_out
from contest.web.pages import _answer, read_form, redirect, render, services, signed_in
from contest.web.requests import client_address

PAGE = "/me/account"
NOTICES = {
    "profile": "Đã lưu thông tin của bạn.",
    "password": "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.",
    "ended": "Đã kết thúc phiên đăng nhập.",
    "phone": "Đã đổi số điện thoại.",
    "joined": "Đã lưu nơi cư trú và đơn vị công tác.",
}
_BROWSERS: tuple[tuple[str, str], ...] = (
    ("Edg/", "Edge"),
    ("coc_coc", "Cốc Cốc"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS: tuple[tuple[str, str], ...] = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS", "macOS"),
    ("Linux", "Linux"),
)
"""Marks in a User-Agent, in the order to look for them (Edge's names Chrome
and Safari too, Android's Linux, an iPhone's Mac OS)."""


def device(agent: str) -> str:
    """A browser's User-Agent as people name it ("Chrome, Android"), or an
    empty string when it names none we know (the page then says what kind
    of session it is only)."""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in agent), "")
    return ", ".join(part for part in (browser, system) if part)


async def _page(
    request: Request,
    user: User,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    new_phone: str = "",
) -> Response:
    """The page; ``new_phone`` the phone a code was just sent to (the page
    then asks for the code)."""
    s = services(request)
    profile = await s.profiles.profile(user) if user.role is Role.PARTICIPANT else None
    shown = (
        values if values is not None else ({n: getattr(profile.details, n) for n in DETAIL_FIELDS} if profile else {})
    )
    return render(
        request,
        "participant/account.html",
        status,
        profile=profile,
        sessions=await s.sessions.mine(user),
        current=session_id(request),
        device=device,
        errors=errors or {},
        values={k: "" if v is None else v for k, v in shown.items()},
        notice=NOTICES.get(request.query_params.get("notice", ""), ""),
        new_phone=new_phone,
    )


@signed_in
async def account(request: Request, user: User) -> Response:
    return await _page(request, user)


@signed_in
async def profile(request: Request, user: User) -> Response:
    """The participant's corrected details: back to the page, or the page
    again with each refusal beside its field."""
    form = await read_form(request)
    values = {name: str(form.get(name, "")) for name in DETAIL_FIELDS if name in form}
    try:
        await services(request).profiles.update(user, values, client=client_address(request))
    except (Invalid, AccountTaken) as exc:
        return await _page(request, user, status=exc.status, errors=dict(exc.errors), values=values)
    return redirect(f"{PAGE}?notice=profile")


@signed_in
async def joined(request: Request, user: User) -> Response:
    """The area and unit given for a contest joined (before any attempt in
    it): back to the page, or the page again with the refusal beside the
    contest's field (ids ``area-{id}``, ``unit-{id}``)."""
    form = await read_form(request)
    contest_id = request.path_params["contest_id"]
    fields = {name: str(form[name]) for name in ("area", "unit", "unit_id") if name in form}
    try:
        await services(request).profiles.change_joined(user, contest_id, fields)
    except Invalid as exc:
        errors = {("unit" if n == "unit_id" else n) + f"-{contest_id}": text for n, text in exc.errors.items()}
        return await _page(request, user, status=exc.status, errors=errors)
    except Conflict as exc:
        return await _page(request, user, status=exc.status, errors={f"area-{contest_id}": exc.message})
    return redirect(f"{PAGE}?notice=joined")


@signed_in
async def phone(request: Request, user: User) -> Response:
    """«Đổi số điện thoại», where a contest verifies phones: a code goes to
    the new phone and the page asks for it."""
    form = await read_form(request)
    try:
        sent = await services(request).profiles.send_phone_code(user, form.get("phone"), client=client_address(request))
    except Invalid as exc:
        return await _page(request, user, status=exc.status, errors=dict(exc.errors))
    except TooManyRequests as exc:
        return _answer(await _page(request, user, status=exc.status, errors={"phone": exc.message}), exc)
    return await _page(request, user, new_phone=sent)


@signed_in
async def phone_confirm(request: Request, user: User) -> Response:
    form = await read_form(request)
    new_phone = str(form.get("phone", ""))
    try:
        await services(request).profiles.confirm_phone(user, new_phone, form.get("code"))
    except (Invalid, AccountTaken) as exc:
        return await _page(request, user, status=exc.status, errors=dict(exc.errors), new_phone=new_phone)
    return redirect(f"{PAGE}?notice=phone")


@signed_in
async def password(request: Request, user: User) -> Response:
    form = await read_form(request)
    current = session_id(request)
    assert current is not None  # signed in: the session check let it through
    try:
        await services(request).accounts.change_password(
            user, form.get("current_password"), form.get("password"), session_id=current
        )
    except Invalid as exc:
        return await _page(request, user, status=exc.status, errors=dict(exc.errors))
    except TooManyRequests as exc:
        return _answer(await _page(request, user, status=exc.status, errors={"current_password": exc.message}), exc)
    return redirect(f"{PAGE}?notice=password")


@signed_in
async def end_session(request: Request, user: User) -> Response:
    """«Kết thúc phiên»: one of the account's sessions ends; this browser's
    own signs it out."""
    await read_form(request)
    ended = request.path_params["session_id"]
    if ended == session_id(request):
        await sign_out(request)
        return redirect("/")
    await services(request).sessions.end(user, ended)
    return redirect(f"{PAGE}?notice=ended")


@signed_in
async def end_all(request: Request, user: User) -> Response:
    """«Đăng xuất khỏi mọi nơi»: every session and token of the account
    ends, this browser's too."""
    await read_form(request)
    await services(request).sessions.end_all(user)
    await sign_out(request)
    return redirect("/login")


routes = [
    Route(PAGE, account, methods=["GET"]),
    Route(f"{PAGE}/profile", profile, methods=["POST"]),
    Route(f"{PAGE}/contests/{{contest_id:id}}", joined, methods=["POST"]),
    Route(f"{PAGE}/password", password, methods=["POST"]),
    Route(f"{PAGE}/phone", phone, methods=["POST"]),
    Route(f"{PAGE}/phone/confirm", phone_confirm, methods=["POST"]),
    Route("/me/sessions/end-all", end_all, methods=["POST"]),
    Route("/me/sessions/{session_id:token}/end", end_session, methods=["POST"]),
]

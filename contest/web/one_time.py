"""Pages that take a one-time code or link, without JavaScript: finishing a
registration with a verified phone (its first step is the registration form,
``pages.register``), and "Quên mật khẩu?": ask for a code or a link, then
set a new password, which ends every session and token of the account. Each
code's form has "Gửi lại mã", within the send limits and the wait between
sends.

The pages answer the same whether or not an account has the phone or email
given (``services/resets.py``, ``services/signups.py``). Phones travel from
step to step in the form's hidden field or, for a reset, in the signed session
(its code form has its own address, kept on reload and back), never in an
address (addresses end up in logs).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain.publication import mask_phone
from contest.errors import BadRequest, Conflict, ContestError, Invalid, TooManyRequests
from contest.services.accounts import AccountTaken
from contest.services.codes import Unavailable
from contest.services.senders import SendFailed
from contest.web.auth import sign_in
from contest.web.pages import _contest, read_form, redirect, render, services
from contest.web.requests import client_address


def _page(
    request: Request, name: str, refused: ContestError | None = None, *, notice: str = "", **context: Any
) -> Response:
    """``name`` rendered, with ``refused``'s status and message (Retry-After
    for a 429), or 200 with ``notice`` shown as its message."""
    page = render(
        request,
        name,
        refused.status if refused else 200,
        errors=refused.errors if isinstance(refused, Invalid | AccountTaken) else {},
        error=notice if refused is None or isinstance(refused, Invalid) else refused.message,
        values={},
        **context,
    )
    if isinstance(refused, TooManyRequests):
        page.headers["retry-after"] = str(refused.retry_after)
    return page


async def _code_form(request: Request, phone: str) -> dict[str, Any]:
    """What the code's form shows for ``phone``: its action under the
    contest of the phone's live step 1 (else the address's contest), so the
    form goes on under the contest registered for whatever address it came
    from."""
    contest = await services(request).signups.pending_contest(phone) or await _contest(request)
    return {"action": f"/contests/{contest.slug}/register/verify", "phone": phone, "masked": mask_phone(phone)}


async def register_verify(request: Request) -> Response:
    """Step 2: the new account signed in, on its contest's page."""
    s = services(request)
    form = await read_form(request)
    phone = str(form.get("phone", ""))
    try:
        done = await s.signups.finish(phone, form.get("code", ""))
    except (Invalid, AccountTaken) as exc:
        return _page(request, "public/register_verify.html", exc, **await _code_form(request, phone))
    await sign_in(request, done.user)
    return redirect(f"/contests/{done.contest.slug}?registered=1")


async def register_resend(request: Request) -> Response:
    """ "Gửi lại mã" on the code's form: step 1's message again, the code's
    form shown again with what happened (the same whether or not the phone
    has an account)."""
    s = services(request)
    form = await read_form(request)
    phone = str(form.get("phone", ""))
    shown = await _code_form(request, phone)
    try:
        await s.signups.resend(phone, client=client_address(request))
    except (Invalid, Conflict, TooManyRequests, Unavailable, SendFailed) as exc:
        return _page(request, "public/register_verify.html", exc, **shown)
    return _page(request, "public/register_verify.html", resent=True, **shown)


RESET_PHONE = "reset_phone"
"""The session key of the phone a reset code was asked for (``/password-reset/code``)."""


async def reset(request: Request) -> Response:
    """Ask for a code (phone) or a link (email)."""
    s = services(request)
    if request.method == "GET":
        notice = "" if s.codes.sms or s.resets.by_email else Unavailable.message  # said before anyone types
        return _page(
            request, "public/password_reset.html", notice=notice, step="ask", login_value="", by_email=s.resets.by_email
        )
    form = await read_form(request)
    login_value = str(form.get("login", ""))
    try:
        sent = await s.resets.request(login_value, client=client_address(request))
    except (Invalid, TooManyRequests, Unavailable, SendFailed) as exc:
        return _page(
            request, "public/password_reset.html", exc, step="ask", login_value=login_value, by_email=s.resets.by_email
        )
    if sent.channel == "phone":
        request.session[RESET_PHONE] = sent.phone
        return redirect("/password-reset/code")
    return _page(request, "public/password_reset.html", step=sent.channel, to=sent.to)


async def reset_code(request: Request) -> Response:
    """Step 2 by phone, its own address: the code's form for the phone kept in
    the session (step 1 again when there is none)."""
    phone = request.session.get(RESET_PHONE)
    if not isinstance(phone, str):
        return redirect("/password-reset")
    return _page(request, "public/password_reset.html", step="phone", to=mask_phone(phone))


async def reset_resend(request: Request) -> Response:
    """ "Gửi lại mã" on step 2 by phone: a new code to the phone kept in the
    session, then step 2 again saying so; a refusal (the wait between sends,
    a limit) is said on step 2, whose code still works."""
    phone = request.session.get(RESET_PHONE)
    if not isinstance(phone, str):
        return redirect("/password-reset")
    await read_form(request)
    try:
        await services(request).resets.request(phone, client=client_address(request))
    except (TooManyRequests, Unavailable, SendFailed) as exc:
        return _page(request, "public/password_reset.html", exc, step="phone", to=mask_phone(phone))
    return redirect("/password-reset/code?resent=1")


async def reset_confirm(request: Request) -> Response:
    """A new password with the code sent to the phone kept in the session."""
    phone = request.session.get(RESET_PHONE)
    if not isinstance(phone, str):
        return redirect("/password-reset")
    form = await read_form(request)
    try:
        await services(request).resets.confirm_code(phone, form.get("code", ""), form.get("password", ""))
    except Invalid as exc:
        return _page(request, "public/password_reset.html", exc, step="phone", to=mask_phone(phone))
    del request.session[RESET_PHONE]
    return _page(request, "public/password_reset.html", step="done")


async def reset_link(request: Request) -> Response:
    """A new password with an emailed link (its token in the address, then in the form)."""
    s = services(request)
    token = request.query_params.get("token", "")
    try:
        if request.method == "GET":
            await s.resets.check_link(token)
            return _page(request, "public/password_reset.html", step="link", token=token)
        form = await read_form(request)
        token = str(form.get("token", ""))
        await s.resets.confirm_link(token, form.get("password", ""))
    except Invalid as exc:
        if "token" in exc.errors:
            refused = BadRequest(exc.errors["token"], code="reset_link_invalid")
            return _page(request, "public/password_reset.html", refused, step="bad_link")
        return _page(request, "public/password_reset.html", exc, step="link", token=token)
    return _page(request, "public/password_reset.html", step="done")


routes = [
    Route("/register/verify", register_verify, methods=["POST"]),
    Route("/contests/{slug:slug}/register/verify", register_verify, methods=["POST"]),
    Route("/register/verify/resend", register_resend, methods=["POST"]),
    Route("/contests/{slug:slug}/register/verify/resend", register_resend, methods=["POST"]),
    Route("/password-reset", reset, methods=["GET", "POST"]),
    Route("/password-reset/code", reset_code, methods=["GET"]),
    Route("/password-reset/resend", reset_resend, methods=["POST"]),
    Route("/password-reset/confirm", reset_confirm, methods=["POST"]),
    Route("/password-reset/link", reset_link, methods=["GET", "POST"]),
]

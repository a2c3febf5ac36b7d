"""The organiser's console: question banks (upload, preview, confirm, browse,
edit, versions, exports) and re-scoring a round. Each page names the
capability it needs (``domain/permissions.py``); services check it again."""

from __future__ import annotations

import functools
import math
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain import timing
from contest.domain.banks.search import matching
from contest.domain.models import Difficulty, User
from contest.domain.numbers import parse_int
from contest.domain.permissions import Capability, require
from contest.errors import BadRequest, Conflict, Invalid, PayloadTooLarge
from contest.services.banks import COLUMN_TITLES, EXPORT_LABELS
from contest.services.container import Services
from contest.web.auth import CONSOLE_CAPABILITY, check_csrf
from contest.web.pages import Page, read_form, redirect, render, signed_in

PAGE_SIZE = 50
LOG_SIZE = 20

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "gift": "text/plain; charset=utf-8",
}


def services(request: Request) -> Services:
    result: Services = request.app.state.services
    return result


def number(raw: object, *, field: str, label: str, maximum: int | None = None) -> int:
    """A whole number from the console's URLs and forms, 1 or more; anything
    else is a 422 page that says which number (``label``) is wrong and why."""
    return parse_int(raw, field=field, label=label, minimum=1, maximum=maximum)


def optional_number(raw: str | None, *, field: str, label: str, maximum: int | None = None) -> int | None:
    """Like :func:`number`, for a parameter that may be left out or empty."""
    return None if raw is None or raw == "" else number(raw, field=field, label=label, maximum=maximum)


def staff_page(capability: Capability) -> Callable[[Page], Callable[[Request], Awaitable[Response]]]:
    """A console page for those whose role grants ``capability``: anyone
    signed out goes to the login page, any other role gets 403 (the services
    check again)."""

    def decorate(handler: Page) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request, user: User) -> Response:
            require(user, capability)
            return await handler(request, user)

        return signed_in(endpoint)

    return decorate


banks_page = staff_page(Capability.MANAGE_BANKS)


@staff_page(CONSOLE_CAPABILITY)
async def console(request: Request, user: User) -> Response:
    return await _console(request, user)


async def _console(request: Request, user: User, *, status: int = 200, error: str = "") -> Response:
    s = services(request)
    now = s.clock.now()
    banks = await s.banks.all(user)
    names = {b.id: b.name for b in banks}
    rounds = [(r, timing.round_status(r, now).value, names.get(r.bank_id, "")) for r in await s.catalog.rounds()]
    outdated = {w.round.id: len(w.outdated) for w in await s.banks.warnings(user)}
    log = await s.journal.lines(user, limit=LOG_SIZE)
    return render(
        request,
        "organiser/console.html",
        status,
        banks=banks,
        rounds=rounds,
        outdated=outdated,
        log=log,
        error=error,
        now=now,
    )


@banks_page
async def upload(request: Request, user: User) -> Response:
    s = services(request)
    limit = s.settings.max_upload_bytes
    async with request.form(max_files=1, max_fields=10, max_part_size=limit) as form:
        check_csrf(request, form.get("csrf_token", ""))
        file = form.get("file")
        raw_bank = form.get("bank_id")
        bank_id = optional_number(
            raw_bank if isinstance(raw_bank, str) else None, field="bank_id", label="Mã ngân hàng câu hỏi"
        )
        filename = file.filename or "" if isinstance(file, UploadFile) else ""
        data = await file.read(limit + 1) if isinstance(file, UploadFile) else b""
    try:
        if len(data) > limit:
            raise PayloadTooLarge(f"Tệp lớn hơn giới hạn {limit // (1024 * 1024)} MB.")
        preview = await s.banks.upload(user, filename=filename, data=data, bank_id=bank_id)
    except (Invalid, BadRequest, PayloadTooLarge) as exc:
        message = next(iter(exc.errors.values())) if isinstance(exc, Invalid) else exc.message
        if bank_id is not None:
            return await _bank_page(request, user, bank_id, status=exc.status, error=message)
        return await _console(request, user, status=exc.status, error=message)
    return redirect(f"/organiser/uploads/{preview.upload_id}")


@banks_page
async def preview(request: Request, user: User) -> Response:
    return await _preview(request, user, request.path_params["upload_id"])


async def _preview(
    request: Request, user: User, upload_id: int, *, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    result = await services(request).banks.preview(user, upload_id)
    bank = await services(request).banks.get(user, result.bank_id) if result.bank_id else None
    return render(
        request,
        "organiser/preview.html",
        status,
        preview=result,
        bank=bank,
        difficulties=list(Difficulty),
        errors=errors or {},
        column_titles=COLUMN_TITLES,
    )


@banks_page
async def confirm(request: Request, user: User) -> Response:
    form = await read_form(request)
    upload_id = request.path_params["upload_id"]
    try:
        bank_id = await services(request).banks.confirm(
            user,
            upload_id,
            content=str(form.get("content", "")),
            name=str(form.get("name", "")),
            accept_warnings=form.get("accept_warnings") == "on",
            accept_overwrite=form.get("accept_overwrite") == "on",
        )
    except (Invalid, Conflict) as exc:
        if exc.code in ("upload_gone", "upload_changed"):
            raise  # the preview shown would be another file's, or none
        errors = exc.errors if isinstance(exc, Invalid) else {"confirm": exc.message}
        return await _preview(request, user, upload_id, status=exc.status, errors=errors)
    return redirect(f"/organiser/banks/{bank_id}?notice=confirmed")


@banks_page
async def discard(request: Request, user: User) -> Response:
    form = await read_form(request)
    bank_id = await services(request).banks.discard(
        user, request.path_params["upload_id"], content=str(form.get("content", ""))
    )
    return redirect(f"/organiser/banks/{bank_id}" if bank_id else "/organiser")


@banks_page
async def bank_page(request: Request, user: User) -> Response:
    return await _bank_page(request, user, request.path_params["bank_id"])


async def _bank_page(request: Request, user: User, bank_id: int, *, status: int = 200, error: str = "") -> Response:
    s = services(request)
    params = request.query_params
    text, topic, difficulty = params.get("q", ""), params.get("topic", ""), params.get("difficulty", "")
    everything = await s.banks.questions(user, bank_id)
    found = matching(everything, text=text, topic=topic, difficulty=difficulty)
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = optional_number(params.get("page"), field="page", label="Số trang", maximum=pages) or 1
    notice = params.get("notice", "")
    offers = await s.banks.rescore_offers(user, bank_id, await s.banks.latest_changes(user, bank_id)) if notice else ()
    query = "&".join(f"{k}={quote(v)}" for k, v in (("q", text), ("topic", topic), ("difficulty", difficulty)) if v)
    return render(
        request,
        "organiser/bank.html",
        status,
        bank=await s.banks.get(user, bank_id),
        questions=found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        found=len(found),
        total=len(everything),
        topics=sorted({q.topic for q in everything if q.topic}),
        difficulties=list(Difficulty),
        filters={"q": text, "topic": topic, "difficulty": difficulty},
        page=page,
        pages=pages,
        query=query,
        versions=await s.banks.versions(user, bank_id),
        warnings=await s.banks.warnings(user, bank_id),
        formats=EXPORT_LABELS,
        notice=notice,
        offers=offers,
        error=error,
    )


EDIT_FIELD = {
    "question": "text",
    "options": "option_A",
    **{letter: f"option_{letter}" for letter in "ABCDEF"},
    **{part: f"source_{part}" for part in ("citation", "url", "document", "issued", "expired", "replaced_by")},
    "source": "source_citation",
}
"""The question editor's field for each column a bank problem names (the
others are called the same), so each error shows beside its field."""


@banks_page
async def question_page(request: Request, user: User) -> Response:
    s = services(request)
    bank_id = request.path_params["bank_id"]
    code = request.query_params.get("code", "")
    question = await s.banks.question(user, bank_id, code)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        form = await read_form(request)
        values = {k: v for k, v in form.items() if k != "csrf_token"}
        try:
            await s.banks.edit_question(user, bank_id, code, values)
        except Invalid as exc:
            errors = {EDIT_FIELD.get(column, column): message for column, message in exc.errors.items()}
            status = exc.status
        else:
            return redirect(f"/organiser/banks/{bank_id}?notice=saved")
    bank = await s.banks.get(user, bank_id)
    return render(
        request,
        "organiser/question.html",
        status,
        bank=bank,
        question=question,
        values=values,
        errors=errors,
        difficulties=list(Difficulty),
    )


@banks_page
async def retire(request: Request, user: User) -> Response:
    """GET asks "bỏ câu này?" with the question shown; only the POST from that
    page (with its CSRF token) retires it."""
    s = services(request)
    bank_id = request.path_params["bank_id"]
    if request.method == "POST":
        form = await read_form(request)
        await s.banks.retire_question(user, bank_id, str(form.get("code", "")))
        return redirect(f"/organiser/banks/{bank_id}?notice=retired")
    question = await s.banks.question(user, bank_id, request.query_params.get("code", ""))
    return render(request, "organiser/retire.html", bank=await s.banks.get(user, bank_id), q=question)


@banks_page
async def diff_page(request: Request, user: User) -> Response:
    s = services(request)
    bank_id = request.path_params["bank_id"]
    params = request.query_params
    old = number(params.get("old"), field="old", label="Phiên bản cũ")
    new = number(params.get("new"), field="new", label="Phiên bản mới")
    changes = await s.banks.diff(user, bank_id, old, new)
    versions = {v.number: v for v in await s.banks.versions(user, bank_id)}
    return render(
        request,
        "organiser/diff.html",
        bank=await s.banks.get(user, bank_id),
        old=versions[old],
        new=versions[new],
        changes=changes,
    )


@banks_page
async def export(request: Request, user: User) -> Response:
    s = services(request)
    bank_id, fmt = request.path_params["bank_id"], request.path_params["fmt"]
    version = optional_number(request.query_params.get("version"), field="version", label="Phiên bản")
    filename, data = await s.banks.export(user, bank_id, fmt, version=version)
    return Response(
        data,
        media_type=CONTENT_TYPES[fmt],
        headers={"content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"},
    )


@banks_page
async def template(request: Request, user: User) -> Response:
    return Response(
        services(request).banks.template(user),
        media_type=CONTENT_TYPES["xlsx"],
        headers={"content-disposition": 'attachment; filename="mau-ngan-hang-cau-hoi.xlsx"'},
    )


@staff_page(Capability.MANAGE_ROUNDS)
async def rescore(request: Request, user: User) -> Response:
    s = services(request)
    round_id = request.path_params["round_id"]
    round_ = await s.catalog.round(round_id)
    applied = request.method == "POST"
    if applied:
        form = await request.form(max_files=0, max_fields=5)
        check_csrf(request, form.get("csrf_token", ""))
    report = await s.banks.rescore(user, round_id, apply=applied)
    return render(request, "organiser/rescore.html", round=round_, report=report, applied=applied)


routes = [
    Route("/organiser", console, methods=["GET"]),
    Route("/organiser/uploads", upload, methods=["POST"]),
    Route("/organiser/uploads/{upload_id:id}", preview, methods=["GET"]),
    Route("/organiser/uploads/{upload_id:id}/confirm", confirm, methods=["POST"]),
    Route("/organiser/uploads/{upload_id:id}/discard", discard, methods=["POST"]),
    Route("/organiser/template.xlsx", template, methods=["GET"]),
    Route("/organiser/banks/{bank_id:id}", bank_page, methods=["GET"]),
    Route("/organiser/banks/{bank_id:id}/question", question_page, methods=["GET", "POST"]),
    Route("/organiser/banks/{bank_id:id}/retire", retire, methods=["GET", "POST"]),
    Route("/organiser/banks/{bank_id:id}/diff", diff_page, methods=["GET"]),
    Route("/organiser/banks/{bank_id:id}/export/{fmt}", export, methods=["GET"]),
    Route("/organiser/rounds/{round_id:id}/rescore", rescore, methods=["GET", "POST"]),
]

"""The console's participants and audit log: search participants of a
contest, open one with their attempts, disable or enable their account, mark
it a duplicate; read and filter the log of staff actions. Personal data is
for those with ``Capability.VIEW_PERSONAL_DATA`` (never judges)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain.models import User
from contest.domain.permissions import Capability
from contest.errors import Conflict, Invalid
from contest.services.journal import KINDS, read_day
from contest.services.participants import Participants
from contest.web.auth import hold_once, take_once
from contest.web.organiser import optional_number, services, staff_page
from contest.web.pages import read_form, redirect, render

LOG_PAGE_SIZE = 200
ID_LIMIT = 10**18 - 1
"""Ids in query strings have at most 18 digits, as in paths (``requests.IdConvertor``)."""
ACTIONS = ("disable", "enable", "duplicate", "unduplicate")
"""What the participant's page posts, each to its own address."""

people_page = staff_page(Capability.VIEW_PERSONAL_DATA)
people_change = staff_page(Capability.MANAGE_PARTICIPANTS)


def _participants(request: Request) -> Participants:
    return services(request).participants


@people_page
async def search(request: Request, user: User) -> Response:
    """``?contest=&q=&area=``: the contest chosen (the current one by
    default), and the participants matching the words and the area."""
    s = services(request)
    params = request.query_params
    listing = await s.catalog.contests(s.clock.now())
    contest_id = optional_number(params.get("contest"), field="contest", label="Cuộc thi", maximum=ID_LIMIT)
    contest = await s.catalog.contest(contest_id) if contest_id is not None else await s.catalog.current(s.clock.now())
    area_id = optional_number(params.get("area"), field="area", label="Nơi cư trú", maximum=ID_LIMIT)
    query = params.get("q", "")[:200]
    found = await _participants(request).search(user, contest_id=contest.id, query=query, area_id=area_id)
    return render(
        request,
        "organiser/participants.html",
        contests=listing.open + listing.upcoming + listing.past,
        contest=contest,
        query=query,
        area_id=area_id,
        found=found,
    )


async def _profile(
    request: Request,
    user: User,
    user_id: int,
    *,
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    password: str = "",
) -> Response:
    """The participant's page; ``password`` a new one, shown this once."""
    profile = await _participants(request).profile(user, user_id)
    form = await request.form() if request.method == "POST" else {}
    response = render(
        request,
        "organiser/participant.html",
        status,
        profile=profile,
        errors=dict(errors or {}),
        values={k: v for k, v in form.items() if k != "csrf_token" and isinstance(v, str)},
        password=password,
    )
    if password:
        response.headers["cache-control"] = "no-store"
    return response


@people_page
async def participant(request: Request, user: User) -> Response:
    """The participant's page, with the password just set for them (:func:`reset_password`) the once."""
    user_id: int = request.path_params["user_id"]
    held = take_once(request, request.url.path)
    return await _profile(request, user, user_id, password=held[1] if held and held[0] == user_id else "")


@people_change
async def change(request: Request, user: User) -> Response:
    """POST ``/organiser/participants/{id}/{action}``: disable (with a
    reason), enable, duplicate (of another's phone or email, with a note),
    unduplicate; back to the participant's page, or that page with the
    error beside its field (422) or on top (409)."""
    user_id: int = request.path_params["user_id"]
    form = await read_form(request)
    people = _participants(request)
    action = request.url.path.rsplit("/", 1)[1]
    try:
        if action == "disable":
            await people.disable(user, user_id, form.get("reason"))
        elif action == "enable":
            await people.enable(user, user_id)
        elif action == "duplicate":
            await people.mark_duplicate(user, user_id, of_login=form.get("of_login"), note=form.get("note"))
        else:
            await people.unmark_duplicate(user, user_id)
    except Invalid as exc:
        return await _profile(request, user, user_id, status=exc.status, errors=exc.errors)
    except Conflict as exc:
        return await _profile(request, user, user_id, status=exc.status, errors={"of_login": exc.message})
    return redirect(f"/organiser/participants/{user_id}")


@people_change
async def reset_password(request: Request, user: User) -> Response:
    """POST ``/organiser/participants/{id}/password``: a new password for the
    participant, shown once on their page (after a redirect: refreshing it
    sets no other password); their sessions and tokens end
    (``Staff.reset_password``, logged without the password)."""
    await read_form(request)
    user_id: int = request.path_params["user_id"]
    await _participants(request).profile(user, user_id)  # NotFound unless a participant
    password = await services(request).staff.reset_password(user, user_id)
    page = f"/organiser/participants/{user_id}"
    hold_once(request, page, account_id=user_id, password=password)
    return redirect(page)


@staff_page(Capability.VIEW_AUDIT_LOG)
async def log(request: Request, user: User) -> Response:
    """``?kind=&actor=&from=&to=`` (days, Vietnam dates, ``to`` included):
    the latest entries matching, newest first; a filter that cannot be read
    is a 422 page with its message beside it."""
    s = services(request)
    params = request.query_params
    values = {k: params.get(k, "") for k in ("kind", "actor", "from", "to")}
    try:
        if values["kind"] and values["kind"] not in KINDS:
            raise Invalid({"kind": "Chọn một loại thao tác trong danh sách."})
        lines = await s.journal.lines(
            user,
            kind=values["kind"] or None,
            actor_id=optional_number(values["actor"], field="actor", label="Người thao tác", maximum=ID_LIMIT),
            since=read_day(values["from"], field="from", label="Từ ngày", end=False),
            until=read_day(values["to"], field="to", label="Đến ngày", end=True),
            limit=LOG_PAGE_SIZE,
        )
        errors: dict[str, str] = {}
    except Invalid as exc:
        lines, errors = [], dict(exc.errors)
    return render(
        request,
        "organiser/log.html",
        422 if errors else 200,
        lines=lines,
        kinds=KINDS,
        actors=await s.journal.actors(user),
        values=values,
        errors=errors,
        limit=LOG_PAGE_SIZE,
    )


routes = [
    Route("/organiser/participants", search, methods=["GET"]),
    Route("/organiser/participants/{user_id:id}", participant, methods=["GET"]),
    *(
        Route(f"/organiser/participants/{{user_id:id}}/{action}", change, methods=["POST"], name=action)
        for action in ACTIONS
    ),
    Route("/organiser/participants/{user_id:id}/password", reset_password, methods=["POST"]),
    Route("/organiser/log", log, methods=["GET"]),
]

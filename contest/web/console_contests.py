"""The console's contests and rounds: make a contest (its lists typed in or
imported from a file), make and change its rounds in Vietnam time, and watch
a round's live figures. Each page names its capability; the services
(``services/contests.py``) check it again, validate and log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain import phases, timing
from contest.domain.contests import (
    COUNTING_LABELS,
    PRIZE_LABELS,
    SHOW_SCORE_LABELS,
    TIE_BREAK_LABELS,
    TRUE_FIGURE_LABELS,
    VIETNAM,
    time_left,
)
from contest.domain.eligibility import OPEN_TO, QUALIFY_BY, describe
from contest.domain.models import Contest, Difficulty, Eligibility, Round, RoundRules, User
from contest.domain.name_lists import MAX_BYTES, MAX_ROWS, read_name_list
from contest.domain.permissions import Capability
from contest.errors import Conflict, Invalid
from contest.services.contests import (
    RoundJudged,
    add_contest,
    add_rounds,
    change_contest,
    change_round,
    has_attempts,
    qualified_count,
    round_figures,
)
from contest.services.leaderboards import rule_of
from contest.web.auth import check_csrf
from contest.web.organiser import services, staff_page
from contest.web.pages import redirect, render

contests_page = staff_page(Capability.MANAGE_CONTESTS)
rounds_page = staff_page(Capability.MANAGE_ROUNDS)

LIST_FILES = {"areas_file": "areas", "units_file": "units"}
"""A file field of the contest form, and the list it fills."""


def local_input(moment: datetime) -> str:
    """A moment as a page's date-and-time field shows it: Vietnam time, to the minute."""
    return moment.astimezone(VIETNAM).strftime("%Y-%m-%dT%H:%M")


async def _contest_form(request: Request) -> dict[str, Any]:
    """The contest form's fields; a list file given replaces the list typed
    in (:func:`~contest.domain.name_lists.read_name_list`, Invalid beside
    the file's field)."""
    async with request.form(max_files=len(LIST_FILES), max_fields=20, max_part_size=MAX_BYTES + 1) as form:
        check_csrf(request, form.get("csrf_token", ""))
        fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        files = {name: await _file(form, name) for name in LIST_FILES}
    errors: dict[str, str] = {}
    for name, (filename, data) in files.items():
        if not data:
            continue
        try:
            listed = read_name_list(filename, data, field=name)
        except Invalid as exc:
            errors.update(exc.errors)
            continue
        fields[LIST_FILES[name]] = "\n".join(
            f"{item.name} | {item.headcount}" if item.headcount else item.name for item in listed
        )
    if errors:
        raise Invalid(errors)
    return fields


async def _file(form: FormData, name: str) -> tuple[str, bytes]:
    file = form.get(name)
    if not isinstance(file, UploadFile):
        return "", b""
    return file.filename or "", await file.read(MAX_BYTES + 1)


@contests_page
async def contests(request: Request, user: User) -> Response:
    s = services(request)
    await s.catalog.up_to_date()
    now = s.clock.now()
    listing = await s.catalog.contests(now)
    return render(request, "organiser/contests.html", contests=listing.open + listing.upcoming + listing.past, now=now)


@contests_page
async def new_contest(request: Request, user: User) -> Response:
    s = services(request)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            values = await _contest_form(request)
            contest = await add_contest(s.storage, actor=user, fields=values, now=s.clock.now())
        except Invalid as exc:
            errors = exc.errors
        else:
            return redirect(f"/organiser/contests/{contest.id}")
    return render(
        request, "organiser/contest_form.html", 422 if errors else 200, values=values, errors=errors, contest=None
    )


@contests_page
async def edit_contest(request: Request, user: User) -> Response:
    s = services(request)
    await s.catalog.up_to_date()
    contest = await s.catalog.contest(request.path_params["contest_id"])
    values: dict[str, Any] = {
        "title": contest.title,
        "description": contest.description,
        "rules": contest.rules,
        "privacy_notice": contest.privacy_notice,
        "min_age": contest.min_age or "",
        "verify_phone": contest.verify_phone,
        "collective_by": contest.collective_by.value,
        "starts_at": local_input(contest.starts_at),
        "ends_at": local_input(contest.ends_at),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            values = await _contest_form(request)
            rounds = await s.catalog.rounds(contest.id)
            await change_contest(
                s.storage, actor=user, contest=contest, rounds=rounds, fields=values, now=s.clock.now()
            )
        except Invalid as exc:
            errors = exc.errors
        else:
            return redirect(f"/organiser/contests/{contest.id}")
    return render(
        request, "organiser/contest_form.html", 422 if errors else 200, values=values, errors=errors, contest=contest
    )


@contests_page
async def contest_page(request: Request, user: User) -> Response:
    s = services(request)
    await s.catalog.up_to_date()
    contest = await s.catalog.contest(request.path_params["contest_id"])
    now = s.clock.now()
    rounds = await s.catalog.rounds(contest.id)
    figures = {r.id: await round_figures(s.storage, actor=user, round_id=r.id) for r in rounds}
    return render(request, "organiser/contest.html", contest=contest, rounds=rounds, figures=figures, now=now)


def _round_values(round_: Round) -> dict[str, Any]:
    """A round's settings as its form shows them."""
    rules = round_.rules
    return {
        "title": round_.title,
        "description": round_.description,
        "opens_at": local_input(round_.opens_at),
        "closes_at": local_input(round_.closes_at),
        "bank_id": round_.bank_id,
        "question_count": rules.question_count,
        "duration_minutes": "" if rules.duration_seconds % 60 else rules.duration_seconds // 60,
        "duration_seconds": rules.duration_seconds if rules.duration_seconds % 60 else "",
        "attempts_allowed": rules.attempts_allowed,
        "topic_quota": "\n".join(f"{topic}: {n}" for topic, n in rules.topic_quota),
        **{f"difficulty_{level.value}": n for level, n in rules.difficulty_quota},
        "prediction_question": rules.prediction_question,
        "counting": rules.counting.value,
        "tie_break": rules.tie_break.value,
        "true_figure": rules.true_figure.value,
        "show_score": rules.show_score.value,
        "complaint_window_hours": rules.complaint_window_hours,
        **{f"prize_{kind}": getattr(rules.prizes, kind) for kind in PRIZE_LABELS},
        **_eligibility_values(rules.eligibility),
    }


def _eligibility_values(rule: Eligibility) -> dict[str, Any]:
    """Who may enter, as the round form's choices show it."""
    return {
        "open_to": "units" if rule.units else "areas" if rule.areas else "everyone",
        "eligible_units": [str(i) for i in sorted(rule.units)],
        "eligible_areas": [str(i) for i in sorted(rule.areas)],
        "qualify_by": "top" if rule.top is not None else "score" if rule.min_score is not None else "none",
        "qualify_from": [str(i) for i in rule.rounds],
        "qualify_top": "" if rule.top is None else rule.top,
        "qualify_min_score": "" if rule.min_score is None else rule.min_score,
    }


async def _round_form(
    request: Request,
    user: User,
    *,
    contest: Contest,
    round_: Round | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    refusal: str = "",
) -> Response:
    s = services(request)
    banks = await s.banks.all(user)
    judged = round_ is not None and round_.stored_phase in phases.DECIDED
    locked = round_ is not None and await has_attempts(s.storage, actor=user, round_id=round_.id)
    return render(
        request,
        "organiser/round_form.html",
        status,
        contest=contest,
        round=round_,
        banks=banks,
        values=values,
        errors=errors,
        refusal=refusal,
        judged=judged,
        locked=locked,
        counting=COUNTING_LABELS,
        tie_break=TIE_BREAK_LABELS,
        true_figure=TRUE_FIGURE_LABELS,
        show_score=SHOW_SCORE_LABELS,
        prizes=PRIZE_LABELS,
        difficulties=list(Difficulty),
        open_to=OPEN_TO,
        qualify_by=QUALIFY_BY,
        other_rounds=[r for r in await s.catalog.rounds(contest.id) if round_ is None or r.id != round_.id],
    )


MULTIPLE = ("eligible_units", "eligible_areas", "qualify_from")
"""The round form's lists of ticked choices (each value a field of its own)."""
MAX_LISTED = MAX_ROWS + 1_000
"""Ticked choices a round form may carry: a whole list (an imported one has
at most ``MAX_ROWS``) and the contest's rounds."""


async def _posted(request: Request) -> dict[str, Any]:
    async with request.form(max_files=0, max_fields=40 + MAX_LISTED) as form:
        check_csrf(request, form.get("csrf_token", ""))
        fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        fields.update({name: form.getlist(name) for name in MULTIPLE if name in form})
        return fields


@rounds_page
async def new_round(request: Request, user: User) -> Response:
    s = services(request)
    await s.catalog.up_to_date()
    contest = await s.catalog.contest(request.path_params["contest_id"])
    # The contest's rules state its ranking once: a new round starts from its latest round's.
    earlier = await s.catalog.rounds(contest.id)
    ranked = earlier[-1].rules if earlier else RoundRules(1, 1, 1)
    values: dict[str, Any] = {
        "attempts_allowed": 1,
        "counting": ranked.counting.value,
        "tie_break": ranked.tie_break.value,
        "true_figure": ranked.true_figure.value,
        "show_score": "immediately",
    }
    if request.method == "POST":
        values = await _posted(request)
        try:
            ids = await add_rounds(s.storage, actor=user, contest=contest, fields=values, now=s.clock.now())
        except Invalid as exc:
            return await _round_form(
                request, user, contest=contest, round_=None, values=values, errors=exc.errors, status=exc.status
            )
        return redirect(f"/organiser/rounds/{ids[0]}" if len(ids) == 1 else f"/organiser/contests/{contest.id}")
    return await _round_form(request, user, contest=contest, round_=None, values=values, errors={})


@rounds_page
async def edit_round(request: Request, user: User) -> Response:
    s = services(request)
    await s.catalog.up_to_date()
    round_ = await s.catalog.round(request.path_params["round_id"])
    contest = await s.catalog.contest(round_.contest_id)
    if request.method == "POST":
        posted = await _posted(request)
        # Once locked a setting's field is disabled, so not sent: it stays as it is, and is shown so again.
        locked = round_.stored_phase in phases.DECIDED or await has_attempts(s.storage, actor=user, round_id=round_.id)
        values = {**_round_values(round_), **posted} if locked else posted
        try:
            await change_round(s.storage, actor=user, contest=contest, round_=round_, fields=posted, now=s.clock.now())
        except (Invalid, RoundJudged) as exc:
            return await _round_form(
                request, user, contest=contest, round_=round_, values=values, errors=exc.errors, status=exc.status
            )
        except Conflict as exc:
            return await _round_form(
                request,
                user,
                contest=contest,
                round_=round_,
                values=values,
                errors={},
                status=exc.status,
                refusal=exc.message,
            )
        return redirect(f"/organiser/rounds/{round_.id}")
    return await _round_form(request, user, contest=contest, round_=round_, values=_round_values(round_), errors={})


@rounds_page
async def round_page(request: Request, user: User) -> Response:
    s = services(request)
    await s.catalog.up_to_date()
    round_ = await s.catalog.round(request.path_params["round_id"])
    contest = await s.catalog.contest(round_.contest_id)
    now = s.clock.now()
    rule = round_.rules.eligibility
    titles = {r.id: r.title for r in await s.catalog.rounds(contest.id)}
    return render(
        request,
        "organiser/round.html",
        round=round_,
        ranked=rule_of(round_),
        contest=contest,
        eligibility=describe(rule, contest=contest, titles=titles),
        qualified=await qualified_count(s.storage, actor=user, rule=rule) if rule.rounds else None,
        bank=await s.banks.get(user, round_.bank_id),
        figures=await round_figures(s.storage, actor=user, round_id=round_.id),
        round_status=timing.round_status(round_, now).value,
        left=time_left(round_.closes_at, now),
        now=now,
        counting=COUNTING_LABELS,
        tie_break=TIE_BREAK_LABELS,
        true_figure=TRUE_FIGURE_LABELS,
        show_score=SHOW_SCORE_LABELS,
        prizes=PRIZE_LABELS,
    )


routes = [
    Route("/organiser/contests", contests, methods=["GET"]),
    Route("/organiser/contests/new", new_contest, methods=["GET", "POST"]),
    Route("/organiser/contests/{contest_id:id}", contest_page, methods=["GET"]),
    Route("/organiser/contests/{contest_id:id}/edit", edit_contest, methods=["GET", "POST"]),
    Route("/organiser/contests/{contest_id:id}/rounds/new", new_round, methods=["GET", "POST"]),
    Route("/organiser/rounds/{round_id:id}", round_page, methods=["GET"]),
    Route("/organiser/rounds/{round_id:id}/edit", edit_round, methods=["GET", "POST"]),
]

"""The judges' pages (``/judging``): the rounds to review, and for each its
phase moves, the complaints with their answers, and disqualifications.
Handlers parse, call one service, and render or go back to the round."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain import phases
from contest.domain.models import Phase, Round, User
from contest.domain.numbers import int_or_none
from contest.domain.permissions import Capability, can
from contest.errors import ContestError, Invalid
from contest.services import records
from contest.services.container import Services
from contest.services.judging import DECIDING, ID_MAX
from contest.services.key_corrections import CORRECTING
from contest.web import pdf
from contest.web.organiser import staff_page
from contest.web.pages import read_form, redirect, render

judge_page = staff_page(Capability.JUDGE_ROUND)

NOTICES = {
    "phase": "Đã chuyển giai đoạn của vòng thi.",
    "answered": "Đã gửi câu trả lời khiếu nại.",
    "disqualified": "Đã loại và ghi vào nhật ký thao tác.",
    "reinstated": "Đã khôi phục và ghi vào nhật ký thao tác.",
    "decided": "Đã ghi quyết định của Ban Giám khảo về đồng hạng ở ranh giới giải.",
    "key": "Đã sửa đáp án, chấm lại vòng thi và ghi vào nhật ký thao tác.",
}
"""What a judge reads after each action (``?notice=…``)."""


def services(request: Request) -> Services:
    result: Services = request.app.state.services
    return result


@judge_page
async def rounds(request: Request, user: User) -> Response:
    """Every round with the phase it is in, grouped by contest: in each
    contest those a judge acts on first, the contest with the round most in
    need of a judge first."""
    s = services(request)
    now = s.clock.now()
    listed = [(r, phases.effective(r, now)) for r in await s.catalog.rounds()]
    listed.sort(key=lambda rp: (rp[1] not in phases.MOVES, -rp[0].closes_at.timestamp()))
    grouped: dict[int, list[tuple[Round, Phase]]] = {}
    for r, phase in listed:
        grouped.setdefault(r.contest_id, []).append((r, phase))
    contests = [(await s.catalog.contest(contest_id), found) for contest_id, found in grouped.items()]
    return render(request, "judge/rounds.html", contests=contests, labels=phases.LABELS, movable=phases.MOVES)


async def _round_page(request: Request, user: User, round_id: int, *, status: int = 200, error: str = "") -> Response:
    s = services(request)
    round_ = await s.catalog.round(round_id)
    review = await s.judging.complaint_window(round_id)
    found = await s.rounds.phase_moves(user, round_id)  # each move with why it is refused now, as the POST says
    current = found.phase
    notice = NOTICES.get(request.query_params.get("notice", ""), "")
    query = request.query_params.get("q", "")
    ranking = None
    if current in phases.DECIDED:  # ranked when it moved under review
        ranking = await s.judging.review_ranking(user, round_id, request.query_params.get("page"), query)
    return render(
        request,
        "judge/round.html",
        status,
        round=round_,
        phase=current,
        labels=phases.LABELS,
        moves=[m.phase for m in found.moves],
        refused={m.phase: m.reason for m in found.moves if m.reason},
        review=review,
        window_open=review.window_open(s.clock.now()),
        complaints=await s.judging.complaints(user, round_id),
        disqualifications=await s.judging.disqualifications(user, round_id),
        changes=await s.rounds.phase_changes(user, round_id),
        ranking=ranking,
        ties=await s.records.prize_ties(user, round_id) if ranking else None,
        deciding=current in DECIDING,
        query=query,
        notice=notice,
        error=error,
    )


@judge_page
async def round_page(request: Request, user: User) -> Response:
    return await _round_page(request, user, request.path_params["round_id"])


async def _act(
    request: Request, user: User, round_id: int, action: Callable[[], Awaitable[object]], notice: str
) -> Response:
    """Do ``action``; back to the round with ``notice``, or the round's page
    again with the refusal beside the forms (its status)."""
    try:
        await action()
    except ContestError as exc:
        errors = getattr(exc, "errors", {})
        message = " ".join([exc.message, *errors.values()]) if errors else exc.message
        return await _round_page(request, user, round_id, status=exc.status, error=message)
    return redirect(f"/judging/rounds/{round_id}?notice={quote(notice)}")


@judge_page
async def move(request: Request, user: User) -> Response:
    form = await read_form(request)
    round_id = request.path_params["round_id"]
    s = services(request)
    return await _act(
        request,
        user,
        round_id,
        lambda: s.rounds.move_phase(user, round_id, form.get("phase"), form.get("note")),
        "phase",
    )


@judge_page
async def answer(request: Request, user: User) -> Response:
    form = await read_form(request)
    s = services(request)
    complaint_id = request.path_params["complaint_id"]
    round_id = await s.judging.complaint_round(user, complaint_id)
    return await _act(
        request, user, round_id, lambda: s.judging.answer(user, complaint_id, form.get("text")), "answered"
    )


@judge_page
async def disqualify(request: Request, user: User) -> Response:
    form = await read_form(request)
    s = services(request)
    round_id = request.path_params["round_id"]

    def act() -> Awaitable[object]:
        return s.judging.disqualify(
            user,
            round_id,
            user_id=form.get("user_id") or None,
            attempt_id=form.get("attempt_id") or None,
            reason=form.get("reason"),
        )

    return await _act(request, user, round_id, act, "disqualified")


@judge_page
async def reinstate(request: Request, user: User) -> Response:
    form = await read_form(request)
    s = services(request)
    found_id = request.path_params["disqualification_id"]
    round_id = await s.judging.disqualification_round(user, found_id)
    return await _act(
        request, user, round_id, lambda: s.judging.reinstate(user, found_id, form.get("reason")), "reinstated"
    )


@judge_page
async def decide_prize(request: Request, user: User) -> Response:
    """The judges' decision on a tie across a prize boundary: the prize, the
    participants it goes to (ticked) and the reason."""
    form = await read_form(request)
    s = services(request)
    round_id = request.path_params["round_id"]
    chosen = [int_or_none(v, minimum=1, maximum=ID_MAX) for v in form.getlist("user_id")]

    def act() -> Awaitable[object]:
        return s.judging.decide_prize(
            user, round_id, prize=form.get("prize"), user_ids=chosen, reason=form.get("reason")
        )

    return await _act(request, user, round_id, act, "decided")


@judge_page
async def record(request: Request, user: User) -> Response:
    """The sign-off record, printable (the browser's print makes paper)."""
    found = await services(request).records.sign_off(user, request.path_params["round_id"])
    return render(request, "judge/record.html", record=found, lines=records.lines(found))


@judge_page
async def record_pdf(request: Request, user: User) -> Response:
    found = await services(request).records.sign_off(user, request.path_params["round_id"])
    return Response(
        pdf.sign_off(found, records.lines(found)),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="bien-ban-vong-{found.round.id}.pdf"'},
    )


@judge_page
async def attempt_page(request: Request, user: User) -> Response:
    """One attempt as judges review it: each answer against the key, when it
    was saved, its flags, and the participant's personal data only when a
    flag was raised (or for an admin, who may see it anyway)."""
    s = services(request)
    found = await s.judging.open_attempt(user, request.path_params["attempt_id"])
    review = await s.judging.complaint_window(found.attempt.round_id)
    correcting = review.phase in CORRECTING and can(user, Capability.CORRECT_KEYS)
    round_ = await s.catalog.round(found.attempt.round_id)
    disqualifying = review.phase is Phase.UNDER_REVIEW
    return render(
        request, "judge/attempt.html", found=found, round=round_, correcting=correcting, disqualifying=disqualifying
    )


@judge_page
async def key_preview(request: Request, user: User) -> Response:
    """What correcting a question's key would change (who moves from which
    score and rank to which), with the form that confirms it."""
    s = services(request)
    round_id, code = request.path_params["round_id"], request.path_params["code"]
    shown = await s.keys.preview(user, round_id, code, request.query_params.getlist("answer"))
    return render(request, "judge/key.html", preview=shown, error="")


@judge_page
async def key_correct(request: Request, user: User) -> Response:
    form = await read_form(request)
    s = services(request)
    round_id, code = request.path_params["round_id"], request.path_params["code"]
    answer = form.getlist("answer")
    try:
        await s.keys.apply(user, round_id, code, answer, form.get("reason"))
    except Invalid as exc:
        shown = await s.keys.preview(user, round_id, code, answer)
        return render(request, "judge/key.html", 422, preview=shown, error=" ".join(exc.errors.values()))
    return redirect(f"/judging/rounds/{round_id}?notice=key")


routes = [
    Route("/judging", rounds, methods=["GET"]),
    Route("/judging/attempts/{attempt_id:id}", attempt_page, methods=["GET"]),
    Route("/judging/rounds/{round_id:id}", round_page, methods=["GET"]),
    Route("/judging/rounds/{round_id:id}/phase", move, methods=["POST"]),
    Route("/judging/rounds/{round_id:id}/record", record, methods=["GET"]),
    Route("/judging/rounds/{round_id:id}/record.pdf", record_pdf, methods=["GET"]),
    Route("/judging/rounds/{round_id:id}/disqualifications", disqualify, methods=["POST"]),
    Route("/judging/rounds/{round_id:id}/prize-decisions", decide_prize, methods=["POST"]),
    Route("/judging/rounds/{round_id:id}/keys/{code:str}", key_preview, methods=["GET"]),
    Route("/judging/rounds/{round_id:id}/keys/{code:str}", key_correct, methods=["POST"]),
    Route("/judging/complaints/{complaint_id:id}/answer", answer, methods=["POST"]),
    Route("/judging/disqualifications/{disqualification_id:id}/reinstate", reinstate, methods=["POST"]),
]

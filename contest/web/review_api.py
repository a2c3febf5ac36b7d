"""The judges' review in the JSON API (``/api/v1``): participants' complaints,
and with a judge's or admin's bearer token, phase moves (and why one would be
refused), the complaint queue and its answers, disqualifications and
reinstatements, and key corrections. Handlers parse, call one service, and
shape the answer."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contest.services.judging import ReviewRow
from contest.services.key_corrections import KeyPreview
from contest.storage.judging import Complaint, Disqualification, PrizeDecision
from contest.web.api import iso, result_json, services
from contest.web.auth import api_user
from contest.web.bodies import read_body


def complaint_json(complaint: Complaint, *, staff: bool) -> dict[str, Any]:
    """A complaint as the API shows it; the participant's id and name only
    to ``staff``."""
    item: dict[str, Any] = {
        "id": complaint.id,
        "round_id": complaint.round_id,
        "attempt_id": complaint.attempt_id,
        "question_id": complaint.question_id,
        "text": complaint.body,
        "filed_at": iso(complaint.filed_at),
        "answer": complaint.answer,
        "answered_at": iso(complaint.answered_at),
    }
    if staff:
        item.update(user_id=complaint.user_id, participant=complaint.participant, answered_by=complaint.answered_by)
    return item


def disqualification_json(found: Disqualification) -> dict[str, Any]:
    return {
        "id": found.id,
        "round_id": found.round_id,
        "user_id": found.user_id,
        "participant": found.participant,
        "attempt_id": found.attempt_id,
        "reason": found.reason,
        "decided_by": found.decided_by,
        "decided_at": iso(found.decided_at),
        "active": found.active,
        "reinstated_by": found.reinstated_by or None,
        "reinstated_at": iso(found.reinstated_at),
        "reinstate_reason": found.reinstate_reason or None,
    }


def prize_decision_json(made: PrizeDecision) -> dict[str, Any]:
    d = made.decision
    return {
        "id": made.id,
        "rank": d.rank,
        "tied": list(d.tied),
        "prize": d.prize.value,
        "user_ids": list(d.winners),
        "reason": d.reason,
        "decided_by": made.decided_by,
        "decided_at": iso(made.decided_at),
    }


def review_row_json(row: ReviewRow) -> dict[str, Any]:
    e = row.entry
    return {
        "rank": e.rank,
        "user_id": e.user_id,
        "attempt_id": e.attempt_id,
        "name": e.name,
        "phone": e.phone,
        "area": e.area,
        "unit": e.unit,
        "score": e.score,
        "correct": e.correct,
        "total": e.total,
        "prediction": e.prediction,
        "duration_seconds": e.duration_ms / 1000,
        "flags": [{"kind": f.kind, "reason": f.reason} for f in row.flags],
        "attempts": [
            {
                "id": a.id,
                "number": a.number,
                "status": a.status.value,
                "counting": a.id == e.attempt_id,
                "submitted_at": iso(a.submitted_at),
                **(result_json(a) or {}),
            }
            for a in row.attempts
        ],
    }


async def review_ranking(request: Request) -> Response:
    user = await api_user(request)
    found = await services(request).judging.review_ranking(
        user, request.path_params["round_id"], request.query_params.get("page"), request.query_params.get("q", "")
    )
    return JSONResponse(
        {
            "round_id": found.head.round_id,
            "phase": found.head.phase.value,
            "rule": found.head.rule,
            "true_figure": found.head.true_figure,
            "found": found.found,
            "page": found.page,
            "pages": found.pages,
            "entries": [review_row_json(r) for r in found.rows],
        }
    )


async def open_attempt(request: Request) -> Response:
    user = await api_user(request)
    found = await services(request).judging.open_attempt(user, request.path_params["attempt_id"])
    a = found.attempt
    body: dict[str, Any] = {
        "id": a.id,
        "round_id": a.round_id,
        "user_id": a.user_id,
        "number": a.number,
        "status": a.status.value,
        "started_at": iso(a.started_at),
        "submitted_at": iso(a.submitted_at),
        "prediction": a.prediction,
        "result": result_json(a),
        "questions": [
            {
                "id": q.id,
                "code": q.code,
                "text": q.text,
                "options": [{"id": o.id, "letter": o.letter, "text": o.text} for o in q.options],
                "chosen": sorted(a.answers.get(q.id, ())),
                "correct": sorted(q.correct),
                "saved_at": iso(found.saved_at.get(q.id)),
            }
            for q in a.questions
        ],
        "flags": [{"kind": f.kind, "reason": f.reason} for f in found.flags],
        "address": found.client[0] if found.client else None,
        "browser": found.client[1] if found.client else None,
        "account": None,
    }
    if found.account is not None:
        p = found.account
        body["account"] = {
            "full_name": p.full_name,
            "phone": p.phone,
            "email": p.email,
            "cccd": p.cccd,
            "birth_year": p.birth_year,
        }
    return JSONResponse(body)


async def file_complaint(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    complaint = await services(request).judging.file_complaint(
        user, request.path_params["attempt_id"], body.get("question_id"), body.get("text")
    )
    return JSONResponse(complaint_json(complaint, staff=False), status_code=201)


async def my_complaints(request: Request) -> Response:
    user = await api_user(request)
    found = await services(request).judging.my_complaints(user, request.path_params["attempt_id"])
    return JSONResponse([complaint_json(c, staff=False) for c in found])


async def move_phase(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    round_id = request.path_params["round_id"]
    phase = await services(request).rounds.move_phase(user, round_id, body.get("phase"), body.get("note"))
    return JSONResponse({"round_id": round_id, "phase": phase.value})


async def phase_moves(request: Request) -> Response:
    """The round's phase and every move from it, each with why it would be
    refused now (the reason the POST's 409 gives) or null."""
    user = await api_user(request)
    found = await services(request).rounds.phase_moves(user, request.path_params["round_id"])
    moves = [{"phase": m.phase.value, "allowed": m.reason is None, "reason": m.reason} for m in found.moves]
    return JSONResponse({"phase": found.phase.value, "moves": moves})


def key_json(shown: KeyPreview) -> dict[str, Any]:
    """A key correction as previewed or applied: the key before and after
    (bank letters), how many attempts it re-keys and whose results change,
    and who moves from which score and rank to which."""
    return {
        "round_id": shown.round.id,
        "code": shown.question.code,
        "before": shown.before,
        "after": shown.answer,
        "attempts_rekeyed": shown.report.attempts_rekeyed,
        "results_changed": shown.report.results_changed,
        "skipped": list(shown.report.skipped),
        "changes": [
            {
                "name": c.name,
                "score_before": c.score_before,
                "score_after": c.score_after,
                "rank_before": c.rank_before,
                "rank_after": c.rank_after,
            }
            for c in shown.changes
        ],
    }


async def key_preview(request: Request) -> Response:
    user = await api_user(request)
    answer = ",".join(request.query_params.getlist("answer"))  # ?answer=B, ?answer=A,C or ?answer=A&answer=C
    shown = await services(request).keys.preview(
        user, request.path_params["round_id"], request.path_params["code"], answer
    )
    return JSONResponse(key_json(shown))


async def key_correct(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    shown = await services(request).keys.apply(
        user, request.path_params["round_id"], request.path_params["code"], body.get("answer"), body.get("reason")
    )
    return JSONResponse(key_json(shown))


async def complaints(request: Request) -> Response:
    user = await api_user(request)
    found = await services(request).judging.complaints(user, request.path_params["round_id"])
    return JSONResponse([complaint_json(c, staff=True) for c in found])


async def answer(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    complaint = await services(request).judging.answer(user, request.path_params["complaint_id"], body.get("text"))
    return JSONResponse(complaint_json(complaint, staff=True))


async def disqualify(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    found = await services(request).judging.disqualify(
        user,
        request.path_params["round_id"],
        user_id=body.get("user_id"),
        attempt_id=body.get("attempt_id"),
        reason=body.get("reason"),
    )
    return JSONResponse(disqualification_json(found), status_code=201)


async def disqualifications(request: Request) -> Response:
    user = await api_user(request)
    found = await services(request).judging.disqualifications(user, request.path_params["round_id"])
    return JSONResponse([disqualification_json(d) for d in found])


async def reinstate(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    found = await services(request).judging.reinstate(
        user, request.path_params["disqualification_id"], body.get("reason")
    )
    return JSONResponse(disqualification_json(found))


async def prize_ties(request: Request) -> Response:
    user = await api_user(request)
    found = await services(request).records.prize_ties(user, request.path_params["round_id"])
    ties = [
        {
            "rank": t.rank,
            "user_ids": [e.user_id for e in t.entries],
            "names": [e.name for e in t.entries],
            "places": t.places,
            "prizes": [k.value for k in t.kinds],
            "decision": None if t.decided is None else prize_decision_json(t.decided),
        }
        for t in found.ties
    ]
    return JSONResponse({"ties": ties, "stale": [prize_decision_json(d) for d in found.stale]})


async def decide_prize(request: Request) -> Response:
    user = await api_user(request)
    body = await read_body(request)
    made = await services(request).judging.decide_prize(
        user,
        request.path_params["round_id"],
        prize=body.get("prize"),
        user_ids=body.get("user_ids"),
        reason=body.get("reason"),
    )
    return JSONResponse(prize_decision_json(made), status_code=201)


routes = [
    Route("/v1/attempts/{attempt_id:id}/complaints", file_complaint, methods=["POST"]),
    Route("/v1/attempts/{attempt_id:id}/complaints", my_complaints, methods=["GET"]),
    Route("/v1/staff/rounds/{round_id:id}/phase", move_phase, methods=["POST"]),
    Route("/v1/staff/rounds/{round_id:id}/phase", phase_moves, methods=["GET"]),
    Route("/v1/staff/rounds/{round_id:id}/keys/{code:str}", key_preview, methods=["GET"]),
    Route("/v1/staff/rounds/{round_id:id}/keys/{code:str}", key_correct, methods=["POST"]),
    Route("/v1/staff/rounds/{round_id:id}/complaints", complaints, methods=["GET"]),
    Route("/v1/staff/rounds/{round_id:id}/ranking", review_ranking, methods=["GET"]),
    Route("/v1/staff/attempts/{attempt_id:id}", open_attempt, methods=["GET"]),
    Route("/v1/staff/complaints/{complaint_id:id}/answer", answer, methods=["POST"]),
    Route("/v1/staff/rounds/{round_id:id}/disqualifications", disqualify, methods=["POST"]),
    Route("/v1/staff/rounds/{round_id:id}/disqualifications", disqualifications, methods=["GET"]),
    Route("/v1/staff/disqualifications/{disqualification_id:id}/reinstate", reinstate, methods=["POST"]),
    Route("/v1/staff/rounds/{round_id:id}/prize-decisions", decide_prize, methods=["POST"]),
    Route("/v1/staff/rounds/{round_id:id}/prize-decisions", prize_ties, methods=["GET"]),
]

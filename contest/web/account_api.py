"""The account in the JSON API, for the token's owner: their details
(``GET/PATCH /v1/me``, the area and unit given for a contest:
``PATCH /v1/me/contests/{id}``, a new phone proved by a code: ``POST
/v1/me/phone``, ``/v1/me/phone/confirm``), a new password (``POST /v1/me/password``), their
sessions (``GET/DELETE /v1/me/sessions``, ``DELETE /v1/me/sessions/{id}``),
and withdrawing the calling token (``DELETE /v1/token``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contest.domain.registration import DETAIL_FIELDS
from contest.services.profiles import LOCKED_FIELDS, Profile
from contest.storage.sessions import Session
from contest.web.account import device
from contest.web.api import iso, services
from contest.web.auth import api_session, api_user
from contest.web.bodies import read_body, read_changes
from contest.web.requests import client_address


def _profile_json(profile: Profile) -> dict[str, Any]:
    return {
        **{name: getattr(profile.details, name) for name in DETAIL_FIELDS},
        "locked": list(LOCKED_FIELDS) if profile.locked else [],
        "phone_needs_code": profile.phone_needs_code,
        "contests": [
            {"contest_id": contest.id, "area_id": joined.area_id, "unit": joined.unit}
            for contest, joined in profile.joined
        ],
    }


def _session_json(session: Session, current: str) -> dict[str, Any]:
    return {
        "id": session.id,
        "kind": "browser" if session.kind == "cookie" else "app",
        "device": device(session.agent),
        "created_at": iso(session.created_at),
        "last_used_at": iso(session.seen_at),
        "current": session.id == current,
    }


async def me(request: Request) -> Response:
    """The participant's details, and which of them are locked."""
    return JSONResponse(_profile_json(await services(request).profiles.profile(await api_user(request))))


async def update_me(request: Request) -> Response:
    """Correct the details given in the body (the others stay)."""
    user = await api_user(request)
    body = await read_changes(request)
    updated = await services(request).profiles.update(user, body, client=client_address(request))
    return JSONResponse(_profile_json(updated))


async def change_joined(request: Request) -> Response:
    """Change the area and unit given for a contest joined, before any attempt in it."""
    user = await api_user(request)
    body = await read_changes(request)
    contest_id = request.path_params["contest_id"]
    joined = await services(request).profiles.change_joined(user, contest_id, body)
    return JSONResponse({"contest_id": joined.contest_id, "area_id": joined.area_id, "unit": joined.unit})


async def phone(request: Request) -> Response:
    """``{"phone"}``: a code sent to the new phone (contests that verify phones)."""
    user = await api_user(request)
    body = await read_body(request)
    sent = await services(request).profiles.send_phone_code(user, body.get("phone"), client=client_address(request))
    return JSONResponse({"phone": sent}, status_code=202)


async def phone_confirm(request: Request) -> Response:
    """``{"phone", "code"}``: the new phone is the participant's."""
    user = await api_user(request)
    body = await read_body(request)
    return JSONResponse(
        _profile_json(await services(request).profiles.confirm_phone(user, body.get("phone"), body.get("code")))
    )


async def password(request: Request) -> Response:
    """``{"current_password", "password"}``: the new password; every other
    session and token ends, the calling token stays."""
    user, current = await api_session(request)
    body = await read_body(request)
    await services(request).accounts.change_password(
        user, body.get("current_password"), body.get("password"), session_id=current
    )
    return Response(status_code=204)


async def sessions(request: Request) -> Response:
    user, current = await api_session(request)
    return JSONResponse([_session_json(s, current) for s in await services(request).sessions.mine(user)])


async def end_all(request: Request) -> Response:
    """Sign out everywhere: every session and token of the account ends, the calling token too."""
    user = await api_user(request)
    ended = await services(request).sessions.end_all(user)
    return JSONResponse({"ended": ended})


async def end_one(request: Request) -> Response:
    user = await api_user(request)
    await services(request).sessions.end(user, request.path_params["session_id"])
    return Response(status_code=204)


async def withdraw(request: Request) -> Response:
    """The calling token stops working at once, on every node within
    ``CONTEST_SESSION_CHECK_SECONDS``."""
    user, current = await api_session(request)
    await services(request).sessions.end(user, current)
    return Response(status_code=204)


routes = [
    Route("/v1/token", withdraw, methods=["DELETE"]),
    Route("/v1/me", me, methods=["GET"]),
    Route("/v1/me", update_me, methods=["PATCH"]),
    Route("/v1/me/contests/{contest_id:id}", change_joined, methods=["PATCH"]),
    Route("/v1/me/password", password, methods=["POST"]),
    Route("/v1/me/phone", phone, methods=["POST"]),
    Route("/v1/me/phone/confirm", phone_confirm, methods=["POST"]),
    Route("/v1/me/sessions", sessions, methods=["GET"]),
    Route("/v1/me/sessions", end_all, methods=["DELETE"]),
    Route("/v1/me/sessions/{session_id:token}", end_one, methods=["DELETE"]),
]

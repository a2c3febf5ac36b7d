"""Every route of the app, read from the running app's own route table (the
API included), asked by someone signed out, a participant, a judge, an
organiser and an admin: each answer's status is the one this table expects.

The table is the permissions as people meet them. A route added later without
an entry fails the test with a message naming it: add its row, saying what
each role should get. Each request is made with ids that exist (the
participant's attempt in progress, the bank, the staff member's own upload
waiting, the open round), a valid CSRF token and an empty form or JSON body, so what varies
from column to column is who asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from contest.domain.banks.export import write_bank
from contest.domain.models import Role
from tests.conftest import PASSWORD, World, make_bank
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf, register

WHO = ("anonymous", "participant", "judge", "organiser", "admin")
LOGIN = "login"
"""303 to the sign-in page, which brings them back afterwards."""

PATH_VALUES = {
    "id": "1",
    "slug": "thu",
    "fmt": "xlsx",
    "lang": "en",
    "path": "app.css",
    "code": "1-1-0",
    "str": "1",
    "token": "1",
}

# Reading the table: staff asking for a participant's attempt get 404 (someone
# else's attempt does not exist for them); 4xx other than 401/403 and 303s to
# elsewhere are what the empty body or the state (already joined, an upload
# just confirmed) gives once the permission check has let the request through.

# fmt: off
EXPECTED: dict[tuple[str, str], tuple[int | str, ...]] = {
    #                                                            anonymous participant judge organiser admin
    ("GET", "/"):                                               (200, 200, 200, 200, 200),
    ("GET", "/privacy"):                                        (200, 200, 200, 200, 200),
    ("GET", "/register"):                                       (200, 200, 200, 200, 200),
    ("POST", "/register"):                                      (422, 422, 422, 422, 422),
    ("GET", "/contests/{slug}"):                                (200, 200, 200, 200, 200),
    ("GET", "/contests/{slug}/privacy"):                        (200, 200, 200, 200, 200),
    ("GET", "/contests/{slug}/register"):                       (200, 200, 200, 200, 200),
    ("POST", "/contests/{slug}/register"):                      (422, 422, 422, 422, 422),
    ("GET", "/contests/{slug}/join"):                           (LOGIN, 303, 403, 403, 403),
    ("POST", "/contests/{slug}/join"):                          (LOGIN, 303, 403, 403, 403),
    ("GET", "/login"):                                          (200, 200, 200, 200, 200),
    ("POST", "/login"):                                         (401, 401, 401, 401, 401),
    ("POST", "/register/verify"):                               (422, 422, 422, 422, 422),
    ("POST", "/contests/{slug}/register/verify"):               (422, 422, 422, 422, 422),
    ("POST", "/register/verify/resend"):                        (422, 422, 422, 422, 422),
    ("POST", "/contests/{slug}/register/verify/resend"):        (422, 422, 422, 422, 422),
    ("GET", "/password-reset"):                                 (200, 200, 200, 200, 200),
    ("POST", "/password-reset"):                                (422, 422, 422, 422, 422),
    ("GET", "/password-reset/code"):                            (303, 303, 303, 303, 303),
    ("POST", "/password-reset/resend"):                         (303, 303, 303, 303, 303),
    ("POST", "/password-reset/confirm"):                        (303, 303, 303, 303, 303),
    ("GET", "/password-reset/link"):                            (400, 400, 400, 400, 400),
    ("POST", "/password-reset/link"):                           (400, 400, 400, 400, 400),
    ("POST", "/logout"):                                        (303, 303, 303, 303, 303),
    ("POST", "/rounds/{id}/start"):                             (LOGIN, 303, 403, 403, 403),
    ("GET", "/attempts/{id}"):                                  (LOGIN, 200, 404, 404, 404),
    ("POST", "/attempts/{id}"):                                 (LOGIN, 303, 404, 404, 404),
    ("PUT", "/attempts/{id}/answers/{id}"):                     (401, 422, 404, 404, 404),
    ("PUT", "/attempts/{id}/flags/{id}"):                       (401, 422, 404, 404, 404),
    ("PUT", "/attempts/{id}/prediction"):                       (401, 422, 404, 404, 404),
    ("GET", "/attempts/{id}/review"):                           (LOGIN, 200, 404, 404, 404),
    ("GET", "/attempts/{id}/result"):                           (LOGIN, 303, 404, 404, 404),
    ("POST", "/attempts/{id}/complaints"):                      (LOGIN, 303, 404, 404, 404),
    ("GET", "/me/attempts"):                                    (LOGIN, 200, 200, 200, 200),
    ("GET", "/me/account"):                                     (LOGIN, 200, 200, 200, 200),
    ("POST", "/me/account/profile"):                            (LOGIN, 303, 403, 403, 403),
    ("POST", "/me/account/contests/{id}"):                      (LOGIN, 409, 403, 403, 403),
    ("POST", "/me/account/password"):                           (LOGIN, 422, 422, 422, 422),
    ("POST", "/me/account/phone"):                              (LOGIN, 422, 403, 403, 403),
    ("POST", "/me/account/phone/confirm"):                      (LOGIN, 422, 403, 403, 403),
    ("POST", "/me/sessions/end-all"):                           (LOGIN, 303, 303, 303, 303),
    ("POST", "/me/sessions/{token}/end"):                       (LOGIN, 404, 404, 404, 404),
    ("GET", "/lang/{lang}"):                                    (303, 303, 303, 303, 303),
    ("GET", "/healthz"):                                        (200, 200, 200, 200, 200),
    ("GET", "/favicon.ico"):                                    (200, 200, 200, 200, 200),
    ("GET", "/organiser"):                                      (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/uploads"):                             (LOGIN, 403, 403, 422, 422),
    ("GET", "/organiser/uploads/{id}"):                         (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/uploads/{id}/confirm"):                (LOGIN, 403, 403, 409, 409),
    ("POST", "/organiser/uploads/{id}/discard"):                (LOGIN, 403, 403, 409, 409),
    ("GET", "/organiser/template.xlsx"):                        (LOGIN, 403, 403, 200, 200),
    ("GET", "/organiser/banks/{id}"):                           (LOGIN, 403, 403, 200, 200),
    ("GET", "/organiser/banks/{id}/question"):                  (LOGIN, 403, 403, 404, 404),
    ("POST", "/organiser/banks/{id}/question"):                 (LOGIN, 403, 403, 404, 404),
    ("GET", "/organiser/banks/{id}/retire"):                    (LOGIN, 403, 403, 404, 404),
    ("POST", "/organiser/banks/{id}/retire"):                   (LOGIN, 403, 403, 404, 404),
    ("GET", "/organiser/banks/{id}/diff"):                      (LOGIN, 403, 403, 422, 422),
    ("GET", "/organiser/banks/{id}/export/{fmt}"):              (LOGIN, 403, 403, 200, 200),
    ("GET", "/organiser/rounds/{id}/rescore"):                  (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/rounds/{id}/rescore"):                 (LOGIN, 403, 403, 200, 200),
    ("GET", "/organiser/contests"):                             (LOGIN, 403, 403, 200, 200),
    ("GET", "/organiser/contests/new"):                         (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/contests/new"):                        (LOGIN, 403, 403, 422, 422),
    ("GET", "/organiser/contests/{id}"):                        (LOGIN, 403, 403, 200, 200),
    ("GET", "/organiser/contests/{id}/edit"):                   (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/contests/{id}/edit"):                  (LOGIN, 403, 403, 422, 422),
    ("GET", "/organiser/contests/{id}/rounds/new"):             (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/contests/{id}/rounds/new"):            (LOGIN, 403, 403, 422, 422),
    ("GET", "/organiser/rounds/{id}"):                          (LOGIN, 403, 403, 200, 200),
    ("GET", "/organiser/rounds/{id}/edit"):                     (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/rounds/{id}/edit"):                    (LOGIN, 403, 403, 303, 303),
    ("GET", "/organiser/staff"):                                (LOGIN, 403, 403, 403, 200),
    ("POST", "/organiser/staff"):                               (LOGIN, 403, 403, 403, 422),
    ("POST", "/organiser/staff/{id}/disable"):                  (LOGIN, 403, 403, 403, 404),
    ("POST", "/organiser/staff/{id}/enable"):                   (LOGIN, 403, 403, 403, 404),
    ("POST", "/organiser/staff/{id}/role"):                     (LOGIN, 403, 403, 403, 404),
    ("POST", "/organiser/staff/{id}/password"):                 (LOGIN, 403, 403, 403, 404),
    ("GET", "/rounds/{id}/certificate.pdf"):                    (LOGIN, 404, 403, 403, 403),
    ("GET", "/certificates/{code}"):                            (404, 404, 404, 404, 404),
    ("GET", "/judging"):                                        (LOGIN, 403, 200, 403, 200),
    ("GET", "/judging/rounds/{id}"):                            (LOGIN, 403, 200, 403, 200),
    ("GET", "/judging/rounds/{id}/record"):                     (LOGIN, 403, 409, 403, 409),
    ("GET", "/judging/rounds/{id}/record.pdf"):                 (LOGIN, 403, 409, 403, 409),
    ("GET", "/judging/attempts/{id}"):                          (LOGIN, 403, 200, 403, 200),
    ("GET", "/organiser/rounds/{id}/winners"):                  (LOGIN, 403, 403, 409, 409),
    ("GET", "/organiser/rounds/{id}/winners.xlsx"):             (LOGIN, 403, 403, 409, 409),
    ("POST", "/judging/rounds/{id}/phase"):                     (LOGIN, 403, 422, 403, 422),
    ("POST", "/judging/rounds/{id}/disqualifications"):         (LOGIN, 403, 422, 403, 422),
    ("POST", "/judging/rounds/{id}/prize-decisions"):           (LOGIN, 403, 422, 403, 422),
    ("GET", "/judging/rounds/{id}/keys/{str}"):                 (LOGIN, 403, 409, 403, 409),
    ("POST", "/judging/rounds/{id}/keys/{str}"):                (LOGIN, 403, 409, 403, 409),
    ("POST", "/judging/complaints/{id}/answer"):                (LOGIN, 403, 404, 403, 404),
    ("POST", "/judging/disqualifications/{id}/reinstate"):      (LOGIN, 403, 404, 403, 404),
    ("GET", "/organiser/participants"):                         (LOGIN, 403, 403, 200, 200),
    ("GET", "/organiser/participants/{id}"):                    (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/participants/{id}/disable"):           (LOGIN, 403, 403, 422, 422),
    ("POST", "/organiser/participants/{id}/enable"):            (LOGIN, 403, 403, 303, 303),
    ("POST", "/organiser/participants/{id}/duplicate"):         (LOGIN, 403, 403, 422, 422),
    ("POST", "/organiser/participants/{id}/unduplicate"):       (LOGIN, 403, 403, 303, 303),
    ("POST", "/organiser/participants/{id}/password"):          (LOGIN, 403, 403, 303, 303),
    ("GET", "/organiser/log"):                                  (LOGIN, 403, 403, 200, 200),
    ("GET", "/contests/{slug}/news"):                           (200, 200, 200, 200, 200),
    ("GET", "/contests/{slug}/documents/{id}"):                 (404, 404, 404, 404, 404),
    ("GET", "/organiser/publications"):                         (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/publications/{id}/announcements"):     (LOGIN, 403, 403, 422, 422),
    ("POST", "/organiser/publications/{id}/documents"):         (LOGIN, 403, 403, 422, 422),
    ("POST", "/organiser/publications/{id}/announcements/{id}/delete"): (LOGIN, 403, 403, 404, 404),
    ("POST", "/organiser/publications/{id}/documents/{id}/delete"):     (LOGIN, 403, 403, 404, 404),
    ("GET", "/organiser/rounds/{id}/preview"):                  (LOGIN, 403, 403, 200, 200),
    ("POST", "/organiser/banks/{id}/restore"):                  (LOGIN, 403, 403, 422, 422),
    ("POST", "/organiser/banks/{id}/archive"):                  (LOGIN, 403, 403, 409, 409),
    ("POST", "/organiser/banks/{id}/unarchive"):                (LOGIN, 403, 403, 303, 303),
    ("POST", "/organiser/rounds/{id}/exclude-outdated"):        (LOGIN, 403, 403, 409, 409),
    ("GET", "/organiser/rounds/{id}/stats"):                    (LOGIN, 403, 200, 200, 200),
    ("GET", "/organiser/contests/{id}/stats"):                  (LOGIN, 403, 200, 200, 200),
    ("GET", "/organiser/contests/{id}/collective-prizes"):      (LOGIN, 403, 200, 200, 200),
    ("GET", "/organiser/contests/{id}/collective-prizes.xlsx"): (LOGIN, 403, 200, 200, 200),
    ("GET", "/organiser/rounds/{id}/attempts/{fmt}"):           (LOGIN, 403, 200, 200, 200),
    ("GET", "/organiser/rounds/{id}/results/{fmt}"):            (LOGIN, 403, 409, 409, 409),
    ("GET", "/organiser/contests/{id}/participants/{fmt}"):     (LOGIN, 403, 403, 200, 200),
    ("GET", "/static/{path}"):                                  (200, 200, 200, 200, 200),
    ("GET", "/api/v1/areas"):                                   (200, 200, 200, 200, 200),
    ("GET", "/api/v1/challenge"):                               (200, 200, 200, 200, 200),
    ("POST", "/api/v1/register"):                               (422, 422, 422, 422, 422),
    ("POST", "/api/v1/register/verify"):                        (422, 422, 422, 422, 422),
    ("POST", "/api/v1/contests/{id}/register"):                 (422, 422, 422, 422, 422),
    ("POST", "/api/v1/password-reset"):                         (422, 422, 422, 422, 422),
    ("POST", "/api/v1/password-reset/confirm"):                 (422, 422, 422, 422, 422),
    ("POST", "/api/v1/token"):                                  (401, 401, 401, 401, 401),
    ("DELETE", "/api/v1/token"):                                (401, 204, 204, 204, 204),
    ("GET", "/api/v1/me"):                                      (401, 200, 403, 403, 403),
    ("PATCH", "/api/v1/me"):                                    (401, 400, 400, 400, 400),
    ("PATCH", "/api/v1/me/contests/{id}"):                      (401, 400, 400, 400, 400),
    ("POST", "/api/v1/me/password"):                            (401, 422, 422, 422, 422),
    ("POST", "/api/v1/me/phone"):                               (401, 422, 403, 403, 403),
    ("POST", "/api/v1/me/phone/confirm"):                       (401, 422, 403, 403, 403),
    ("GET", "/api/v1/me/sessions"):                             (401, 200, 200, 200, 200),
    ("DELETE", "/api/v1/me/sessions"):                          (401, 200, 200, 200, 200),
    ("DELETE", "/api/v1/me/sessions/{token}"):                  (401, 404, 404, 404, 404),
    ("GET", "/api/v1/rounds"):                                  (200, 200, 200, 200, 200),
    ("GET", "/api/v1/contests"):                                (200, 200, 200, 200, 200),
    ("GET", "/api/v1/contests/{id}/rounds"):                    (200, 200, 200, 200, 200),
    ("GET", "/api/v1/contests/{id}/areas"):                     (200, 200, 200, 200, 200),
    ("GET", "/api/v1/contests/{id}/units"):                     (200, 200, 200, 200, 200),
    ("POST", "/api/v1/contests/{id}/join"):                     (401, 409, 403, 403, 403),
    ("POST", "/api/v1/rounds/{id}/attempts"):                   (401, 200, 403, 403, 403),
    ("GET", "/api/v1/attempts/{id}"):                           (401, 200, 404, 404, 404),
    ("PUT", "/api/v1/attempts/{id}/answers/{id}"):              (401, 422, 404, 404, 404),
    ("PUT", "/api/v1/attempts/{id}/flags/{id}"):                (401, 422, 404, 404, 404),
    ("PUT", "/api/v1/attempts/{id}/prediction"):                (401, 422, 404, 404, 404),
    ("POST", "/api/v1/attempts/{id}/submit"):                   (401, 422, 404, 404, 404),
    ("POST", "/api/v1/attempts/{id}/complaints"):               (401, 409, 403, 403, 403),
    ("GET", "/api/v1/attempts/{id}/complaints"):                (401, 200, 404, 404, 404),
    ("POST", "/api/v1/staff/rounds/{id}/phase"):                (401, 403, 422, 403, 422),
    ("GET", "/api/v1/staff/rounds/{id}/phase"):                 (401, 403, 200, 403, 200),
    ("GET", "/api/v1/staff/rounds/{id}/keys/{str}"):            (401, 403, 409, 403, 409),
    ("POST", "/api/v1/staff/rounds/{id}/keys/{str}"):           (401, 403, 422, 403, 422),
    ("GET", "/api/v1/staff/rounds/{id}/complaints"):            (401, 403, 200, 403, 200),
    ("GET", "/api/v1/staff/rounds/{id}/ranking"):               (401, 403, 404, 403, 404),
    ("GET", "/api/v1/staff/attempts/{id}"):                     (401, 403, 200, 403, 200),
    ("POST", "/api/v1/staff/complaints/{id}/answer"):           (401, 403, 404, 403, 404),
    ("POST", "/api/v1/staff/rounds/{id}/disqualifications"):    (401, 403, 422, 403, 422),
    ("POST", "/api/v1/staff/rounds/{id}/prize-decisions"):      (401, 403, 422, 403, 422),
    ("GET", "/api/v1/staff/rounds/{id}/prize-decisions"):       (401, 403, 200, 403, 200),
    ("GET", "/api/v1/staff/rounds/{id}/disqualifications"):     (401, 403, 200, 403, 200),
    ("POST", "/api/v1/staff/disqualifications/{id}/reinstate"): (401, 403, 404, 403, 404),
    ("GET", "/api/v1/staff/rounds/{id}/stats"):                 (401, 403, 200, 200, 200),
    ("GET", "/api/v1/staff/contests/{id}/stats"):               (401, 403, 200, 200, 200),
    ("GET", "/api/v1/staff/rounds/{id}/export"):                (401, 403, 200, 200, 200),
    ("GET", "/api/openapi.json"):                               (200, 200, 200, 200, 200),
    ("GET", "/api/v1/rounds/{id}/leaderboard"):                 (404, 404, 404, 404, 404),
    ("GET", "/api/v1/me/results"):                              (401, 200, 200, 200, 200),
    ("GET", "/rounds/{id}/leaderboard"):                        (404, 404, 404, 404, 404),
    ("GET", "/rounds/{id}/leaderboard.json"):                   (404, 404, 404, 404, 404),
    ("GET", "/api/v1/contests/{slug}/leaderboard"):             (404, 404, 404, 404, 404),
    ("GET", "/contests/{slug}/leaderboard"):                    (404, 404, 404, 404, 404),
    ("GET", "/api/v1/contests/{slug}/collective-prizes"):       (404, 404, 404, 404, 404),
    ("GET", "/contests/{slug}/collective-prizes"):              (404, 404, 404, 404, 404),
    ("GET", "/public-key"):                                     (200, 200, 200, 200, 200),
    ("GET", "/public-key.pem"):                                 (200, 200, 200, 200, 200),
    ("GET", "/api/v1/staff/banks"):                             (401, 403, 403, 200, 200),
    ("POST", "/api/v1/staff/contests"):                         (401, 403, 403, 422, 422),
    ("POST", "/api/v1/staff/contests/{id}/rounds"):             (401, 403, 403, 422, 422),
    ("PATCH", "/api/v1/staff/rounds/{id}"):                     (401, 403, 403, 400, 400),
}
# fmt: on


def app_routes(client: TestClient) -> Iterator[tuple[str, str]]:
    """(method, path with parameters named by kind) for every route the app
    serves, read from the app itself: its mounts, and each mounted app's
    routes."""
    app: Any = client.app
    while not isinstance(app, Starlette):
        app = app.app
    for mount in app.routes:
        assert isinstance(mount, Mount), mount
        if not isinstance(mount.app, Starlette):  # static files
            yield "GET", mount.path + "/{path}"
            continue
        for route in mount.app.routes:
            assert isinstance(route, Route), route
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, mount.path + re.sub(r"{(\w+):(\w+)}", r"{\2}", route.path)


def concrete(template: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: PATH_VALUES[m.group(1)], template)


def test_every_route_has_an_entry(client: TestClient) -> None:
    served = set(app_routes(client))
    missing = [f"{method} {path}" for method, path in sorted(served - set(EXPECTED))]
    assert not missing, (
        "These routes have no row in tests/web/test_route_permissions.py EXPECTED; add one saying what "
        "someone signed out, a participant, a judge, an organiser and an admin should get:\n" + "\n".join(missing)
    )
    assert not set(EXPECTED) - served, f"rows for routes the app no longer serves: {sorted(set(EXPECTED) - served)}"


def prepare(client: TestClient, world: World) -> str:
    """Attempt 1: a participant's, in progress. Returns their login."""
    fields = register(client, world)
    client.cookies.clear()
    token = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD}).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=bearer).status_code == 201
    return str(fields["phone"])


ENDS_SESSION = {
    ("POST", "/logout"),
    ("POST", "/me/sessions/end-all"),
    ("DELETE", "/api/v1/token"),
    ("DELETE", "/api/v1/me/sessions"),
}
"""Routes that end the asker's session on the server (every session, for the
last two): the asker signs in again after each."""


def again(client: TestClient, login: str) -> dict[str, str]:
    """Sign the account in again, in the browser and the app (its bearer headers)."""
    form = {"csrf_token": csrf(client.get("/login").text), "login": login, "password": PASSWORD}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    token = client.post("/api/v1/token", json={"login": login, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def sign_in_as(client: TestClient, world: World, who: str, participant: str) -> dict[str, str]:
    """Sign ``who`` in on the client (the participant: the owner of attempt
    1; organisers and admins with upload 1 of their own waiting); returns the
    bearer headers of the same account."""
    if who == "anonymous":
        return {}
    if who == "participant":
        login = participant
        form = {"csrf_token": csrf(client.get("/login").text), "login": login, "password": PASSWORD}
        assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    else:
        login = f"tk-{who}"
        sign_in_staff(client, world, Role(who), login)
    if who in ("organiser", "admin"):
        form = {"csrf_token": csrf(client.get("/organiser").text), "bank_id": str(world.bank_id)}
        files = {"file": ("nh.xlsx", write_bank(make_bank(12), "xlsx"))}
        assert client.post("/organiser/uploads", data=form, files=files).status_code == 200
    token = client.post("/api/v1/token", json={"login": login, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def ask(client: TestClient, method: str, path: str, bearer: dict[str, str]) -> tuple[int, str]:
    token = csrf(client.get("/login").text)
    body: dict[str, Any] = {}
    if path.startswith("/api/"):
        body = {"json": {}} if method != "GET" else {}
        headers = bearer
    elif method == "PUT":
        body, headers = {"json": {}}, {"x-csrf-token": token}
    else:
        body = {"data": {"csrf_token": token}} if method == "POST" else {}
        headers = {}
    response = client.request(method, path, headers=headers, follow_redirects=False, **body)
    return response.status_code, response.headers.get("location", "")


@pytest.mark.parametrize("who", WHO)
def test_each_route_answers_each_role_as_the_table_says(client: TestClient, world: World, who: str) -> None:
    participant = prepare(client, world)
    bearer = sign_in_as(client, world, who, participant)
    cookies = dict(client.cookies)
    column = WHO.index(who)
    wrong = []
    for method, template in app_routes(client):
        if (method, template) not in EXPECTED:
            continue  # test_every_route_has_an_entry names it
        client.cookies.clear()
        client.cookies.update(cookies)  # the same identity for every request
        path = concrete(template)
        status, location = ask(client, method, path, bearer)
        if (method, template) in ENDS_SESSION and who != "anonymous":
            client.cookies.clear()
            bearer = again(client, participant if who == "participant" else f"tk-{who}")
            cookies = dict(client.cookies)
        expected = EXPECTED[method, template][column]
        got: int | str = LOGIN if status == 303 and location.startswith("/login?next=") else status
        if got != expected:
            wrong.append(f"{method} {path}: expected {expected}, got {got} {location}")
    assert not wrong, f"as {who}:\n" + "\n".join(wrong)

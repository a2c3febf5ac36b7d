"""A session ended through a node is refused by that node on its very next
request, whatever CONTEST_SESSION_CHECK_SECONDS says (here an hour): a
password changed from the page or the API, an account disabled by staff.
Every service that ends sessions tells the node's session cache."""

from __future__ import annotations

import dataclasses

import pytest
from starlette.testclient import TestClient

from contest.config import Settings
from tests.conftest import PASSWORD, World
from tests.web.test_account import bearer, post
from tests.web.test_revocation import OPERATOR, participant, sign_in
from tests.web.test_sessions import browser

NEW = "mật-khẩu-mới-an-toàn"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, session_check_seconds=3600)


def test_password_changed_on_the_page_ends_other_sessions_at_once(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    other = browser(client)
    assert sign_in(other, str(user.phone)) == 303
    assert other.get("/me/attempts").status_code == 200  # read into the node's cache
    assert post(client, "/me/account/password", current_password=PASSWORD, password=NEW)[0] == 303
    assert other.get("/me/attempts", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/rounds", headers=auth).status_code == 401
    assert client.get("/me/attempts").status_code == 200


def test_password_changed_through_the_api_ends_other_sessions_at_once(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    other = bearer(client, str(user.phone))
    assert client.get("/api/v1/rounds", headers=other).status_code == 200
    changed = client.post("/api/v1/me/password", headers=auth, json={"current_password": PASSWORD, "password": NEW})
    assert changed.status_code == 204
    assert client.get("/api/v1/rounds", headers=other).status_code == 401
    assert client.get("/me/attempts", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/rounds", headers=auth).status_code == 200


def test_account_disabled_by_staff_is_refused_at_once(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    assert client.get("/api/v1/rounds", headers=auth).status_code == 200
    client.portal.call(world.services.staff.disable, OPERATOR, user.id)
    assert client.get("/api/v1/rounds", headers=auth).status_code == 401


def test_participant_disabled_by_an_organiser_is_refused_at_once(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    assert client.get("/api/v1/rounds", headers=auth).status_code == 200
    client.portal.call(world.services.participants.disable, OPERATOR, user.id, "Tài khoản trùng")
    assert client.get("/api/v1/rounds", headers=auth).status_code == 401

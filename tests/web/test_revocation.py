"""A disabled, demoted or re-passworded account loses its access on its next
request: sessions and bearer tokens carry the account's generation, checked
against the database (here on every request: CONTEST_SESSION_CHECK_SECONDS=0)."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from contest.config import Settings
from contest.domain.models import Role, User
from contest.errors import Conflict, Forbidden
from contest.services.sessions import Sessions
from contest.services.staff import OPERATOR
from contest.storage.standing import Standing
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import CONTEST, environment
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf, register


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, session_check_seconds=0)


def account(client: TestClient, world: World, login: str) -> User:
    return client.portal.call(world.services.staff.account, OPERATOR, login)  # type: ignore[no-any-return]


def participant(client: TestClient, world: World) -> tuple[User, dict[str, str]]:
    """A participant signed in on the web (``client``'s cookie) and in the app
    (the bearer headers returned)."""
    fields = register(client, world)
    token = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD}).json()
    return account(client, world, fields["phone"]), {"Authorization": f"Bearer {token['access_token']}"}


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> int:
    page = client.get("/login")
    form = {"csrf_token": csrf(page.text), "login": login, "password": password}
    return client.post("/login", data=form, follow_redirects=False).status_code


def test_disabled_participant_loses_cookie_and_token(client: TestClient, world: World) -> None:
    user, bearer = participant(client, world)
    assert client.get("/me/attempts").status_code == 200
    assert client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=bearer).status_code == 201

    standing = client.portal.call(world.services.staff.disable, OPERATOR, user.id)
    assert standing == Standing(Role.PARTICIPANT, user.generation + 1, disabled=True)

    page = client.get("/me/attempts", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/login?next=/me/attempts")
    assert "hoithi_session" not in client.cookies  # signed out: the cookie is cleared
    api = client.get(f"/api/v1/attempts/{1}", headers=bearer)
    assert (api.status_code, api.json()["error"]) == (401, "session_revoked")
    refused = client.post("/api/v1/token", json={"login": user.phone, "password": PASSWORD})
    assert (refused.status_code, refused.json()["error"]) == (401, "account_disabled")
    assert (
        "Tài khoản này đã bị khoá"
        in client.post(
            "/login", data={"csrf_token": csrf(client.get("/login").text), "login": user.phone, "password": PASSWORD}
        ).text
    )


def test_enabled_again_needs_a_new_sign_in(client: TestClient, world: World) -> None:
    user, bearer = participant(client, world)
    client.portal.call(world.services.staff.disable, OPERATOR, user.id)
    client.portal.call(world.services.staff.enable, OPERATOR, user.id)
    logged = client.portal.call(lambda: world.services.storage.audit.entries(subject=f"user:{user.id}"))
    assert [(e.action, e.actor, e.details) for e in logged] == [
        ("account.enable", "", {"name": user.full_name, "before": {"disabled": True}, "after": {"disabled": False}}),
        ("account.disable", "", {"name": user.full_name, "before": {"disabled": False}, "after": {"disabled": True}}),
    ]
    assert client.get("/api/v1/rounds", headers=bearer).status_code == 401  # the old token stays revoked
    assert sign_in(client, str(user.phone)) == 303
    assert client.get("/me/attempts").status_code == 200


def test_demoted_organiser_loses_the_console(client: TestClient, world: World) -> None:
    sign_in_staff(client, world)
    assert client.get("/organiser").status_code == 200
    organiser = account(client, world, "btc")
    client.portal.call(world.services.staff.set_role, OPERATOR, organiser.id, Role.JUDGE)
    page = client.get("/organiser", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/login?next=/organiser")
    assert sign_in(client, "btc") == 303
    assert client.get("/organiser").status_code == 403


def test_new_password_ends_sessions(client: TestClient, world: World) -> None:
    user, bearer = participant(client, world)
    client.portal.call(world.services.staff.set_password, OPERATOR, user.id, "mật-khẩu-mới-an-toàn")
    assert client.get("/me/attempts", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/rounds", headers=bearer).status_code == 401
    assert sign_in(client, str(user.phone)) == 401  # the old password no longer signs in
    assert sign_in(client, str(user.phone), "mật-khẩu-mới-an-toàn") == 303


def test_staff_changes_need_manage_staff_and_never_touch_oneself(client: TestClient, world: World) -> None:
    user, _bearer = participant(client, world)
    organiser = dataclasses.replace(OPERATOR, id=99, role=Role.ORGANISER)
    with pytest.raises(Forbidden, match="Chỉ quản trị viên"):
        client.portal.call(world.services.staff.disable, organiser, user.id)
    admin = dataclasses.replace(OPERATOR, id=user.id)
    with pytest.raises(Conflict, match="chính tài khoản của mình"):
        client.portal.call(world.services.staff.disable, admin, user.id)


def test_account_read_is_cached_for_the_check_interval(settings: Settings, client: TestClient, world: World) -> None:
    """With a long interval, what this process read of the account is trusted
    until it passes: the bound every node keeps (CONTEST_SESSION_CHECK_SECONDS)."""
    sessions = Sessions(world.services.storage, dataclasses.replace(settings, session_check_seconds=60), world.clock)
    user, _bearer = participant(client, world)
    opened = client.portal.call(lambda: sessions.open(user, kind="token", agent=""))
    assert client.portal.call(sessions.check, user, opened) == user
    client.portal.call(world.services.staff.disable, OPERATOR, user.id)
    assert client.portal.call(sessions.check, user, opened) == user  # still cached
    assert client.portal.call(world.services.sessions.check, user, opened) is None  # read again at once (interval 0)


def test_cli_disables_and_changes_roles(tmp_path: Path) -> None:
    env = environment(tmp_path / "cli.db")

    def contest(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CONTEST, *args], env=env, capture_output=True, text=True, timeout=120)

    assert contest("staff", "add", "--role", "organiser", "--username", "btc", "--name", "Ban Tổ chức").returncode == 0
    done = contest("staff", "disable", "btc")
    assert (done.returncode, done.stdout) == (0, "btc: đã khoá tài khoản\n")
    done = contest("staff", "role", "btc", "judge")
    assert (done.returncode, done.stdout) == (0, "btc: vai trò mới judge\n")
    done = contest("staff", "disable", "ai-do")
    assert (done.returncode, done.stderr) == (1, "contest: Không có tài khoản «ai-do».\n")

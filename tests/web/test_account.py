"""The account page and its API: withdrawing a token, changing one's
password (other sessions end, this one stays), signing out everywhere,
ending one session, and a participant correcting their details (what is
locked once they have an attempt)."""

from __future__ import annotations

import dataclasses
import logging
import re

import pytest
from starlette.testclient import TestClient

from contest.config import Settings
from contest.domain.models import Role
from tests.backends import rows
from tests.conftest import PASSWORD, World
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf, register, start_round
from tests.web.test_revocation import participant, sign_in
from tests.web.test_sessions import browser, copy_of

NEW = "mật-khẩu-mới-an-toàn"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, session_check_seconds=0, sms_sender="log")


def bearer(client: TestClient, login: str, password: str = PASSWORD) -> dict[str, str]:
    token = client.post("/api/v1/token", json={"login": login, "password": password})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def post(client: TestClient, path: str, **fields: str) -> tuple[int, str]:
    """Post a form of the account page as the browser would; the status (303
    followed by hand) and the page's text."""
    token = csrf(client.get("/me/account").text)
    response = client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)
    return response.status_code, response.text


def test_withdrawn_token_is_refused(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    other = bearer(client, str(user.phone))
    assert client.delete("/api/v1/token", headers=auth).status_code == 204
    refused = client.get("/api/v1/rounds", headers=auth)
    assert (refused.status_code, refused.json()["error"]) == (401, "session_revoked")
    assert client.delete("/api/v1/token", headers=auth).status_code == 401
    assert client.get("/api/v1/rounds", headers=other).status_code == 200  # only that token
    assert client.get("/me/attempts").status_code == 200


def test_password_change_needs_the_current_password(client: TestClient, world: World) -> None:
    _user, auth = participant(client, world)
    status, html = post(client, "/me/account/password", current_password="sai-mật-khẩu", password=NEW)
    assert status == 422
    assert "Mật khẩu hiện tại không đúng." in html
    status, html = post(client, "/me/account/password", current_password=PASSWORD, password="ngắn")
    assert (status, "Mật khẩu cần ít nhất 8 ký tự." in html) == (422, True)
    assert client.get("/api/v1/rounds", headers=auth).status_code == 200  # nothing changed


def test_password_change_ends_other_sessions_and_keeps_this_one(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    other = browser(client)
    assert sign_in(other, str(user.phone)) == 303
    assert post(client, "/me/account/password", current_password=PASSWORD, password=NEW)[0] == 303
    assert other.get("/me/attempts", follow_redirects=False).status_code == 303
    assert client.get("/me/attempts").status_code == 200  # this browser stays signed in
    assert "Đã đổi mật khẩu." in client.get("/me/account?notice=password").text
    assert client.get("/api/v1/rounds", headers=auth).status_code == 401
    assert sign_in(client, str(user.phone), NEW) == 303


def test_password_change_through_the_api_keeps_the_calling_token(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    other = bearer(client, str(user.phone))
    wrong = client.post("/api/v1/me/password", headers=auth, json={"current_password": "sai", "password": NEW})
    assert (wrong.status_code, wrong.json()["errors"]) == (422, {"current_password": "Mật khẩu hiện tại không đúng."})
    done = client.post("/api/v1/me/password", headers=auth, json={"current_password": PASSWORD, "password": NEW})
    assert done.status_code == 204
    assert client.get("/api/v1/rounds", headers=auth).status_code == 200
    assert client.get("/api/v1/rounds", headers=other).status_code == 401
    assert client.get("/me/attempts", follow_redirects=False).status_code == 303


def test_wrong_current_passwords_are_limited(client: TestClient, world: World) -> None:
    _user, auth = participant(client, world)
    wrong = {"current_password": "sai-mật-khẩu", "password": NEW}
    statuses = [client.post("/api/v1/me/password", headers=auth, json=wrong).status_code for _ in range(6)]
    assert statuses[-1] == 429
    right = client.post("/api/v1/me/password", headers=auth, json={"current_password": PASSWORD, "password": NEW})
    assert right.status_code == 429  # until the window passes


def test_wrong_current_passwords_page_says_when_to_try_again(client: TestClient, world: World) -> None:
    participant(client, world)
    window = world.services.settings.login_window_seconds
    for _ in range(world.services.settings.login_max_failures):
        assert post(client, "/me/account/password", current_password="sai-mật-khẩu", password=NEW)[0] == 422
        world.clock.advance(seconds=60)
    page = client.get("/me/account").text
    refused = client.post(
        "/me/account/password", data={"csrf_token": csrf(page), "current_password": PASSWORD, "password": NEW}
    )
    assert (refused.status_code, refused.headers["retry-after"]) == (429, str(window - 60 * 5))
    assert "Nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau 10 phút." in refused.text
    world.clock.advance(seconds=window - 60 * 5)
    assert post(client, "/me/account/password", current_password=PASSWORD, password=NEW)[0] == 303


def test_sessions_are_listed_and_one_can_be_ended(client: TestClient, world: World) -> None:
    _user, auth = participant(client, world)
    listed = client.get("/api/v1/me/sessions", headers=auth).json()
    assert sorted((s["kind"], s["current"]) for s in listed) == [("app", True), ("browser", False)]
    html = client.get(
        "/me/account", headers={"user-agent": "Mozilla/5.0 (Linux; Android 14) Chrome/120 Safari/537"}
    ).text
    assert "27/11/2026 10:00" in html  # signed in at 10:00 Vietnam time
    assert "Phiên này" in html
    app_session = next(s["id"] for s in listed if s["kind"] == "app")
    assert post(client, f"/me/sessions/{app_session}/end")[0] == 303
    assert client.get("/api/v1/rounds", headers=auth).status_code == 401
    assert client.get("/me/attempts").status_code == 200
    assert post(client, "/me/sessions/no-such-session/end")[0] == 404


def test_sign_out_everywhere(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    copied = copy_of(client)
    assert post(client, "/me/sessions/end-all")[0] == 303
    assert client.get("/api/v1/rounds", headers=auth).status_code == 401
    assert browser(client).get("/me/attempts", headers=copied, follow_redirects=False).status_code == 303
    other = bearer(client, str(user.phone))
    ended = client.delete("/api/v1/me/sessions", headers=other)
    assert (ended.status_code, ended.json()) == (200, {"ended": 1})
    assert client.get("/api/v1/rounds", headers=other).status_code == 401


def test_profile_corrected_before_any_attempt(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    me = client.get("/api/v1/me", headers=auth).json()
    assert (me["full_name"], me["locked"], me["contests"][0]["contest_id"]) == ("Nguyễn Văn An", [], world.contest_id)
    changed = client.patch("/api/v1/me", headers=auth, json={"full_name": "Nguyễn  Văn Bình", "email": ""})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["full_name"], changed.json()["email"]) == ("Nguyễn Văn Bình", None)
    wrong = client.patch("/api/v1/me", headers=auth, json={"phone": "12345", "birth_year": 1800})
    assert (wrong.status_code, sorted(wrong.json()["errors"])) == (422, ["birth_year", "phone"])
    status, _html = post(client, "/me/account/profile", full_name="Nguyễn Văn Cường", phone=str(user.phone), email="")
    assert status == 303
    assert "Nguyễn Văn Cường" in client.get("/me/account").text


def test_profile_locks_identity_once_an_attempt_exists(client: TestClient, world: World) -> None:
    _user, auth = participant(client, world)
    start_round(client, world.open_round)
    me = client.get("/api/v1/me", headers=auth).json()
    assert me["locked"] == ["full_name", "birth_year", "cccd"]
    locked = client.patch("/api/v1/me", headers=auth, json={"full_name": "Người Khác"})
    assert (locked.status_code, sorted(locked.json()["errors"])) == (422, ["full_name"])
    assert "Bạn đã làm bài thi" in locked.json()["errors"]["full_name"]
    contact = client.patch("/api/v1/me", headers=auth, json={"phone": "0987654321", "email": "moi@example.vn"})
    assert (contact.status_code, contact.json()["phone"]) == (200, "0987654321")
    status, _html = post(client, "/me/account/profile", phone="0987654321", email="", full_name="Người Khác")
    assert status == 422
    assert 'name="full_name"' not in client.get("/me/account").text  # shown, not editable


def test_profile_refuses_what_another_account_holds(client: TestClient, world: World) -> None:
    taken = register(client, world)
    client.cookies.clear()
    _user, auth = participant(client, world)
    refused = client.patch("/api/v1/me", headers=auth, json={"phone": taken["phone"], "email": taken["email"]})
    assert refused.status_code == 409
    assert refused.json()["errors"] == {
        "phone": "Số điện thoại này đã được đăng ký. Mỗi người chỉ có một tài khoản.",
        "email": "Email này đã được dùng cho tài khoản khác.",
    }
    status, html = post(client, "/me/account/profile", phone=taken["phone"])
    assert status == 409
    assert re.search(r"Số điện thoại này đã được đăng ký", html)


def test_staff_see_password_and_sessions_but_no_profile(client: TestClient, world: World) -> None:
    sign_in_staff(client, world)
    html = client.get("/me/account").text
    assert ("Đổi mật khẩu" in html, "Thông tin cá nhân" in html) == (True, False)
    assert post(client, "/me/account/profile", full_name="Ai Đó")[0] == 403


def test_staff_reset_a_participants_password_shown_once(client: TestClient, world: World) -> None:
    user, auth = participant(client, world)
    copied = copy_of(client)
    client.cookies.clear()
    sign_in_staff(client, world)
    page = f"/organiser/participants/{user.id}"
    reset = client.post(f"{page}/password", data={"csrf_token": csrf(client.get(page).text)}, follow_redirects=False)
    assert (reset.status_code, reset.headers["location"]) == (303, page)  # a refresh re-sends nothing
    shown = client.get(page)
    assert shown.headers["cache-control"] == "no-store"
    match = re.search(r'<code class="whole" id="new-password">([^<]+)</code>', shown.text)
    assert match
    password = match.group(1)
    assert password not in client.get(page).text  # shown once
    assert client.get("/api/v1/rounds", headers=auth).status_code == 401
    assert browser(client).get("/me/attempts", headers=copied, follow_redirects=False).status_code == 303
    assert sign_in(browser(client), str(user.phone)) == 401
    assert sign_in(browser(client), str(user.phone), password) == 303
    logged = client.portal.call(lambda: world.services.storage.audit.entries(subject=f"user:{user.id}"))
    assert [(e.action, e.actor, e.details) for e in logged] == [
        ("account.password", "Nguyễn Ban Tổ Chức", {"name": user.full_name, "before": {}, "after": {}})
    ]
    assert password not in str(logged)


def test_staff_reset_needs_manage_participants(client: TestClient, world: World) -> None:
    user, _auth = participant(client, world)
    client.cookies.clear()
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    page = f"/organiser/participants/{user.id}/password"
    assert client.post(page, data={"csrf_token": csrf(client.get("/me/account").text)}).status_code == 403


def verify_phones(world: World) -> None:
    """The seeded contest asks for verified phones (as its settings page would set)."""
    rows(world.services.settings.database_url, "UPDATE contests SET verify_phone = 1 WHERE id = ?", (world.contest_id,))


def sms_code(caplog: pytest.LogCaptureFixture) -> str:
    sent = [r.getMessage() for r in caplog.records if r.name == "contest.services.senders"]
    found = re.findall(r"\b(\d{6})\b", sent[-1])
    assert found, sent
    return found[0]


def test_new_phone_needs_its_code_where_a_contest_verifies_phones(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="contest.services.senders")
    user, auth = participant(client, world)
    verify_phones(world)
    assert client.get("/api/v1/me", headers=auth).json()["phone_needs_code"] is True
    refused = client.patch("/api/v1/me", headers=auth, json={"phone": "0987654321"})
    assert (refused.status_code, list(refused.json()["errors"])) == (422, ["phone"])
    sent = client.post("/api/v1/me/phone", headers=auth, json={"phone": "+84 987 654 321"})
    assert (sent.status_code, sent.json()) == (202, {"phone": "0987654321"})
    wrong = client.post("/api/v1/me/phone/confirm", headers=auth, json={"phone": "0987654321", "code": "000000"})
    assert (wrong.status_code, list(wrong.json()["errors"])) == (422, ["code"])
    code = sms_code(caplog)
    done = client.post("/api/v1/me/phone/confirm", headers=auth, json={"phone": "0987654321", "code": code})
    assert (done.status_code, done.json()["phone"]) == (200, "0987654321")
    assert sign_in(browser(client), "0987654321") == 303
    assert sign_in(browser(client), str(user.phone)) == 401


def test_new_phone_page_asks_for_the_code(client: TestClient, world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="contest.services.senders")
    participant(client, world)
    verify_phones(world)
    assert 'action="/me/account/phone"' in client.get("/me/account").text
    status, html = post(client, "/me/account/phone", phone="0987654322")
    assert (status, 'name="code"' in html) == (200, True)
    status, _html = post(client, "/me/account/phone/confirm", phone="0987654322", code=sms_code(caplog))
    assert status == 303
    assert "0987654322" in client.get("/me/account?notice=phone").text


def test_taken_phone_is_sent_nothing_and_answered_the_same(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="contest.services.senders")
    taken = register(client, world)
    client.cookies.clear()
    _user, auth = participant(client, world)
    verify_phones(world)
    before = len(caplog.records)
    sent = client.post("/api/v1/me/phone", headers=auth, json={"phone": taken["phone"]})
    assert (sent.status_code, sent.json()) == (202, {"phone": taken["phone"]})
    assert len(caplog.records) == before  # nothing sent
    guess = client.post("/api/v1/me/phone/confirm", headers=auth, json={"phone": taken["phone"], "code": "123456"})
    assert (guess.status_code, list(guess.json()["errors"])) == (422, ["code"])

"""Registration with a verified phone and "Quên mật khẩu?", as pages without
JavaScript and through the API, and the console's switch for verification.
Codes and links are read where the log sender writes them."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.clock import FixedClock
from contest.config import Settings
from contest.domain.models import Role
from contest.services.container import Services
from contest.services.contests import create_contest
from contest.storage import open_storage
from contest.web.app import create_app
from tests.conftest import PASSWORD, World, registration, seed
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf, register
from tests.web.test_staff_api import CONTEST, staff_bearer

NEW_PASSWORD = "mật-khẩu-mới-2026"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        sms_sender="log",
        email_sender="log",
        public_url="https://hoithi.example.vn",
        session_check_seconds=0,  # a session's end is seen at once
    )


@pytest.fixture(autouse=True)
def _log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="contest.services.senders")


def verify_phones(client: TestClient, world: World) -> None:
    client.portal.call(  # type: ignore[union-attr]
        lambda: world.services.storage.db.write(
            lambda c: c.execute("UPDATE contests SET verify_phone = 1 WHERE id = ?", (world.contest_id,))
        )
    )


def last_message(caplog: pytest.LogCaptureFixture) -> str:
    return [r.getMessage() for r in caplog.records if r.name == "contest.services.senders"][-1]


def last_code(caplog: pytest.LogCaptureFixture) -> str:
    return str(re.findall(r"\b(\d{6})\b", last_message(caplog))[0])


def form(fields: dict[str, Any]) -> dict[str, str]:
    return {k: ("on" if v is True else str(v)) for k, v in fields.items() if v is not False}


def start_on_page(client: TestClient, world: World, fields: dict[str, Any]) -> str:
    data = {**form(fields), "csrf_token": csrf(client.get("/contests/thu/register").text)}
    page = client.post("/contests/thu/register", data=data)
    assert page.status_code == 200, page.text
    return page.text


def test_register_page_with_verification_takes_the_code_without_javascript(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    verify_phones(client, world)
    fields = registration(world)
    page = start_on_page(client, world, fields)
    assert f"Chúng tôi đã gửi mã tới số 09xx xxx {fields['phone'][-3:]}" in page
    assert 'action="/contests/thu/register/verify"' in page
    wrong = client.post(
        "/contests/thu/register/verify",
        data={"csrf_token": csrf(page), "phone": fields["phone"], "code": "12345"},
    )
    assert wrong.status_code == 422 and "Mã xác minh gồm 6 chữ số" in wrong.text
    done = client.post(
        "/contests/thu/register/verify",
        data={"csrf_token": csrf(page), "phone": fields["phone"], "code": last_code(caplog)},
        follow_redirects=False,
    )
    assert (done.status_code, done.headers["location"]) == (303, "/contests/thu?registered=1")
    assert client.get("/me/attempts", follow_redirects=False).status_code == 200


def test_register_page_answers_the_same_for_a_taken_phone(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    owner = register(client, world)  # before verification: registered at once
    client.cookies.clear()
    verify_phones(client, world)
    fresh = registration(world)
    taken = registration(world, phone=owner["phone"][:-3] + "000")
    answers = []
    for fields in (fresh, taken):
        page = start_on_page(client, world, fields)
        answers.append(re.sub(r'value="[^"]*"|xxx \d{3}', "", page))
    assert answers[0] == answers[1]
    stranger = registration(world, phone=owner["phone"])
    page = start_on_page(client, world, stranger)
    assert f"Chúng tôi đã gửi mã tới số 09xx xxx {owner['phone'][-3:]}" in page
    assert "da co tai khoan" in last_message(caplog)


def test_api_registration_with_verification(client: TestClient, world: World, caplog: pytest.LogCaptureFixture) -> None:
    verify_phones(client, world)
    fields = registration(world)
    sent = client.post("/api/v1/register", json=fields)
    assert sent.status_code == 202, sent.text
    assert sent.json() == {
        "verification": "sent",
        "phone": f"09xx xxx {fields['phone'][-3:]}",
        "expires_in": world.services.settings.code_ttl_seconds,
    }
    code = last_code(caplog)
    wrong = client.post(
        "/api/v1/register/verify", json={"phone": fields["phone"], "code": f"{(int(code) + 1) % 10**6:06d}"}
    )
    assert wrong.status_code == 422 and wrong.json()["errors"]["code"].startswith("Mã xác minh không đúng.")
    made = client.post("/api/v1/register/verify", json={"phone": fields["phone"], "code": code})
    assert made.status_code == 201, made.text
    assert made.json()["phone"] == fields["phone"]
    token = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD})
    assert token.status_code == 200
    again = client.post("/api/v1/register", json=registration(world, phone=fields["phone"]))
    assert again.status_code == 202 and again.json() == sent.json()


def test_reset_pages_by_phone_end_the_old_sessions(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    fields = register(client, world)
    assert client.get("/me/attempts", follow_redirects=False).status_code == 200
    login = client.get("/login").text
    assert '<a href="/password-reset">Quên mật khẩu?</a>' in login
    signed_in = dict(client.cookies)
    client.cookies.clear()  # someone else, elsewhere
    asked = client.post(
        "/password-reset",
        data={"csrf_token": csrf(client.get("/password-reset").text), "login": fields["phone"]},
        follow_redirects=False,
    )
    assert (asked.status_code, asked.headers["location"]) == (303, "/password-reset/code")  # no phone in it
    reloaded = client.get("/password-reset/code")  # a reload or back keeps the code's form
    assert reloaded.status_code == 200
    assert f"Nếu số 09xx xxx {fields['phone'][-3:]} có tài khoản" in reloaded.text
    assert 'action="/password-reset/confirm"' in reloaded.text and "Gửi lại mã" in reloaded.text
    done = client.post(
        "/password-reset/confirm",
        data={"csrf_token": csrf(reloaded.text), "code": last_code(caplog), "password": NEW_PASSWORD},
    )
    assert done.status_code == 200 and "Đã đặt mật khẩu mới" in done.text
    assert client.get("/password-reset/code", follow_redirects=False).headers["location"] == "/password-reset"
    client.cookies.clear()
    client.cookies.update(signed_in)
    assert client.get("/me/attempts", follow_redirects=False).headers["location"].startswith("/login")
    refused = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD})
    assert refused.status_code == 401
    assert client.post("/api/v1/token", json={"login": fields["phone"], "password": NEW_PASSWORD}).status_code == 200


def test_reset_page_answers_the_same_for_an_unknown_phone(client: TestClient, world: World) -> None:
    fields = register(client, world)
    client.cookies.clear()
    pages = []
    for phone in (fields["phone"], fields["phone"][:-3] + "999"):
        asked = client.post(
            "/password-reset", data={"csrf_token": csrf(client.get("/password-reset").text), "login": phone}
        )
        pages.append(re.sub(r'value="[^"]*"|xxx \d{3}', "", asked.text))
    assert pages[0] == pages[1]


def test_reset_link_pages_work_once(client: TestClient, world: World, caplog: pytest.LogCaptureFixture) -> None:
    fields = register(client, world)
    asked = client.post(
        "/password-reset", data={"csrf_token": csrf(client.get("/password-reset").text), "login": fields["email"]}
    )
    assert "chúng tôi đã gửi tới đó một liên kết" in asked.text
    link = re.findall(r"https://hoithi\.example\.vn(/password-reset/link\?token=\S+)", last_message(caplog))[0]
    page = client.get(link)
    assert page.status_code == 200 and 'name="token"' in page.text
    data = {"csrf_token": csrf(page.text), "token": link.split("=", 1)[1], "password": NEW_PASSWORD}
    assert "Đã đặt mật khẩu mới" in client.post("/password-reset/link", data=data).text
    used = client.post("/password-reset/link", data={**data, "csrf_token": csrf(client.get("/login").text)})
    assert used.status_code == 400 and "đã dùng hoặc đã hết hạn" in used.text
    opened_again = client.get(link)  # the refusal at once, not a form that cannot work
    assert opened_again.status_code == 400 and 'name="password"' not in opened_again.text
    assert "đã dùng hoặc đã hết hạn" in opened_again.text
    assert client.get("/password-reset/link?token=giả").status_code == 400


def test_reset_api_by_phone(client: TestClient, world: World, caplog: pytest.LogCaptureFixture, api_user: Any) -> None:
    fields = registration(world)
    assert client.post("/api/v1/register", json=fields).status_code == 201
    token = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/rounds", headers=headers).status_code == 200
    asked = client.post("/api/v1/password-reset", json={"login": fields["phone"]})
    assert asked.status_code == 202 and asked.json() == {"sent": "phone", "to": f"09xx xxx {fields['phone'][-3:]}"}
    unknown = client.post("/api/v1/password-reset", json={"login": fields["phone"][:-3] + "999"})
    assert unknown.status_code == 202 and unknown.json()["sent"] == "phone"
    confirm = {"phone": fields["phone"], "code": last_code(caplog), "password": NEW_PASSWORD}
    assert client.post("/api/v1/password-reset/confirm", json=confirm).status_code == 204
    assert client.post("/api/v1/password-reset/confirm", json=confirm).status_code == 422
    assert client.get("/api/v1/attempts/1", headers=headers).status_code == 401


def test_console_turns_phone_verification_on(client: TestClient, world: World) -> None:
    sign_in_staff(client, world, Role.ORGANISER)
    path = f"/organiser/contests/{world.contest_id}/edit"
    page = client.get(path)
    assert 'id="verify_phone"' in page.text and "checked" not in page.text.split('id="verify_phone"')[1][:80]
    data = {
        "csrf_token": csrf(page.text),
        "title": "Cuộc thi thử",
        "starts_at": "2026-11-13T10:00",
        "ends_at": "2026-12-31T23:00",
        "verify_phone": "on",
    }
    assert client.post(path, data=data, files={"none": ("", b"")}, follow_redirects=False).status_code == 303
    contest = client.portal.call(world.services.catalog.contest, world.contest_id)  # type: ignore[union-attr]
    assert contest.verify_phone is True
    entries = client.portal.call(  # type: ignore[union-attr]
        lambda: world.services.storage.audit.entries(subject=f"contest:{world.contest_id}")
    )
    assert (entries[0].details["before"]["verify_phone"], entries[0].details["after"]["verify_phone"]) == (False, True)


def test_reset_page_says_when_the_site_cannot_send(client: TestClient, world: World, settings: Settings) -> None:
    bare = dataclasses.replace(settings, sms_sender="", email_sender="")
    app = create_app(Services.build(world.services.storage, bare, world.clock), sweeper=False)
    unsent = TestClient(app, base_url="http://testserver")  # the storage is the running client's
    page = unsent.get("/password-reset")
    assert page.status_code == 200 and "Trang web chưa được cấu hình để gửi tin nhắn" in page.text
    asked = unsent.post("/password-reset", data={"csrf_token": csrf(page.text), "login": "0912345678"})
    assert asked.status_code == 409 and "chưa được cấu hình để gửi tin nhắn SMS" in asked.text
    assert 'name="login"' in asked.text


def test_staff_api_makes_a_contest_that_verifies_phones(client: TestClient, world: World) -> None:
    organiser = staff_bearer(client, world)
    body = {**CONTEST, "slug": "xac-minh", "verify_phone": True}
    made = client.post("/api/v1/staff/contests", json=body, headers=organiser)
    assert made.status_code == 201, made.text
    contest = client.portal.call(world.services.catalog.contest, made.json()["id"])  # type: ignore[union-attr]
    assert contest.verify_phone is True
    refused = client.post("/api/v1/staff/contests", json={**body, "verify_phone": "có"}, headers=organiser)
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"verify_phone": "Mục này chỉ nhận có hoặc không (true/false)."}


def test_register_page_keeps_what_was_typed_when_the_site_cannot_send(
    client: TestClient, world: World, settings: Settings
) -> None:
    verify_phones(client, world)
    bare = dataclasses.replace(settings, sms_sender="")
    unsent = TestClient(create_app(Services.build(world.services.storage, bare, world.clock), sweeper=False))
    fields = registration(world)
    data = {**form(fields), "csrf_token": csrf(unsent.get("/contests/thu/register").text)}
    page = unsent.post("/contests/thu/register", data=data)
    assert page.status_code == 409 and "chưa được cấu hình để gửi tin nhắn SMS" in page.text
    assert f'value="{fields["cccd"]}"' in page.text


@pytest.fixture
def waiting(settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, World]]:
    """The app with the default wait between sends (the tests' settings have none)."""
    waits = dataclasses.replace(settings, code_resend_seconds=60)
    services = Services.build(open_storage(waits.database_url), waits, clock)
    with TestClient(create_app(services, sweeper=False), base_url="http://testserver") as client:
        yield client, client.portal.call(seed, services, clock)  # type: ignore[union-attr]


def resend(client: TestClient, page: str, phone: str) -> Any:
    return client.post("/contests/thu/register/verify/resend", data={"csrf_token": csrf(page), "phone": phone})


def test_register_page_sends_the_code_again_after_the_wait(
    waiting: tuple[TestClient, World], caplog: pytest.LogCaptureFixture
) -> None:
    client, world = waiting
    verify_phones(client, world)
    fields = registration(world)
    page = start_on_page(client, world, fields)
    assert 'action="/contests/thu/register/verify/resend"' in page and "Gửi lại mã" in page
    first = last_code(caplog)
    world.clock.advance(seconds=15)
    early = resend(client, page, fields["phone"])
    assert (early.status_code, early.headers["retry-after"]) == (429, "45")
    assert "Bạn có thể gửi lại mã sau 45 giây." in early.text
    assert 'action="/contests/thu/register/verify"' in early.text  # the code sent still works: its form stays
    client.cookies.set("lang", "en")
    assert "You can have the code sent again in 45 s." in resend(client, page, fields["phone"]).text
    client.cookies.set("lang", "vi")
    world.clock.advance(seconds=45)
    again = resend(client, page, fields["phone"])
    assert again.status_code == 200
    assert f"Đã gửi mã mới tới số 09xx xxx {fields['phone'][-3:]}. Mã gửi trước không còn dùng được." in again.text
    second = last_code(caplog)
    verify = {"csrf_token": csrf(again.text), "phone": fields["phone"]}
    if first != second:
        stale = client.post("/contests/thu/register/verify", data={**verify, "code": first})
        assert stale.status_code == 422
    done = client.post("/contests/thu/register/verify", data={**verify, "code": second}, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/contests/thu?registered=1")


def test_register_page_sends_again_the_same_way_for_a_taken_phone(
    waiting: tuple[TestClient, World], caplog: pytest.LogCaptureFixture
) -> None:
    client, world = waiting
    owner = register(client, world)  # before verification: registered at once
    client.cookies.clear()
    verify_phones(client, world)
    fresh = registration(world)
    taken = registration(world, phone=owner["phone"])
    answers: list[list[str]] = [[], []]
    for i, fields in enumerate((fresh, taken)):
        page = start_on_page(client, world, fields)
        answers[i].append(resend(client, page, fields["phone"]).text)  # within the wait
        world.clock.advance(seconds=60)
        answers[i].append(resend(client, page, fields["phone"]).text)
    assert "da co tai khoan" in last_message(caplog)  # the owner is told again, with no code
    assert [blank(a) for a in answers[0]] == [blank(a) for a in answers[1]]
    assert "Bạn có thể gửi lại mã sau" in answers[1][0] and "Đã gửi mã mới tới số" in answers[1][1]


def blank(page: str) -> str:
    """A page without its form values and the phone's last digits: what differs between two people."""
    return re.sub(r'value="[^"]*"|xxx \d{3}', "", page)


def test_register_resend_without_a_live_step_one_says_register_again(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    owner = register(client, world)
    client.cookies.clear()
    verify_phones(client, world)
    page = client.get("/contests/thu/register").text
    answers = []
    for phone in (owner["phone"], registration(world)["phone"]):  # taken or not: no step 1 to send again
        refused = resend(client, page, phone)
        assert refused.status_code == 409
        answers.append(blank(refused.text))
    assert answers[0] == answers[1]
    assert "Thông tin đăng ký chờ xác minh đã hết hạn hoặc đã được dùng. Vui lòng đăng ký lại." in answers[0]
    fields = registration(world)
    start_on_page(client, world, fields)
    world.clock.advance(seconds=world.services.settings.code_ttl_seconds + 1)
    assert resend(client, page, fields["phone"]).status_code == 409  # expired: its details are gone
    bad = resend(client, page, "12345")
    assert bad.status_code == 422 and "Số điện thoại di động không hợp lệ" in bad.text


def test_register_code_form_keeps_the_contest_registered_under(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Sending again and step 2 from addresses naming no contest (or
    another) stay with the contest step 1 was made under, the same whether
    or not the phone has an account."""
    now = world.clock.now()
    other = client.portal.call(  # type: ignore[union-attr]
        lambda: create_contest(
            world.services.storage,
            slug="xac-minh",
            title="Cuộc thi xác minh",
            starts_at=now - timedelta(days=20),  # before "thu": /register/verify means "thu"
            ends_at=now + timedelta(days=30),
            areas=["Phường 1"],
            now=now,
            verify_phone=True,
        )
    )
    owner = register(client, world)
    client.cookies.clear()
    fields = registration(world, area=other.areas[0].id)
    answers = []
    for phone in (fields["phone"], owner["phone"]):
        data = {**form({**fields, "phone": phone}), "csrf_token": csrf(client.get("/contests/xac-minh/register").text)}
        page = client.post("/contests/xac-minh/register", data=data).text
        again = client.post("/register/verify/resend", data={"csrf_token": csrf(page), "phone": phone})
        assert again.status_code == 200 and 'action="/contests/xac-minh/register/verify"' in again.text
        answers.append(blank(again.text))
        wrong = client.post("/register/verify", data={"csrf_token": csrf(page), "phone": phone, "code": "000000"})
        assert wrong.status_code == 422 and 'action="/contests/xac-minh/register/verify/resend"' in wrong.text
        answers.append(blank(wrong.text))
    assert answers[:2] == answers[2:]
    assert "da co tai khoan" in last_message(caplog)
    client.post("/register/verify/resend", data={"csrf_token": csrf(page), "phone": fields["phone"]})
    assert "Ma xac minh dang ky Cuoc thi xac minh: " in last_message(caplog)
    verify = {"csrf_token": csrf(page), "phone": fields["phone"], "code": last_code(caplog)}
    done = client.post("/contests/thu/register/verify", data=verify, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/contests/xac-minh?registered=1")
    assert "/contests/xac-minh/join" not in client.get("/contests/xac-minh").text
    assert "/contests/thu/join" in client.get("/contests/thu").text


def ask_reset(client: TestClient, phone: str) -> Any:
    data = {"csrf_token": csrf(client.get("/password-reset").text), "login": phone}
    return client.post("/password-reset", data=data)


def test_reset_page_sends_the_code_again_after_the_wait(
    waiting: tuple[TestClient, World], caplog: pytest.LogCaptureFixture
) -> None:
    client, world = waiting
    fields = register(client, world)
    client.cookies.clear()
    assert (
        client.post(
            "/password-reset/resend", data={"csrf_token": csrf(client.get("/login").text)}, follow_redirects=False
        ).headers["location"]
        == "/password-reset"
    )  # no phone asked for
    step2 = ask_reset(client, fields["phone"]).text
    assert 'action="/password-reset/resend"' in step2 and fields["phone"] not in step2
    first = last_code(caplog)
    world.clock.advance(seconds=50)
    early = client.post("/password-reset/resend", data={"csrf_token": csrf(step2)})
    assert (early.status_code, early.headers["retry-after"]) == (429, "10")
    assert "Bạn có thể gửi lại mã sau 10 giây." in early.text and 'action="/password-reset/confirm"' in early.text
    world.clock.advance(seconds=10)
    again = client.post("/password-reset/resend", data={"csrf_token": csrf(step2)}, follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, "/password-reset/code?resent=1")
    shown = client.get(again.headers["location"]).text
    assert f"Nếu số 09xx xxx {fields['phone'][-3:]} có tài khoản, chúng tôi đã gửi mã mới tới số đó." in shown
    second = last_code(caplog)
    if first != second:
        stale = {"csrf_token": csrf(shown), "code": first, "password": NEW_PASSWORD}
        assert client.post("/password-reset/confirm", data=stale).status_code == 422
    done = client.post(
        "/password-reset/confirm", data={"csrf_token": csrf(shown), "code": second, "password": NEW_PASSWORD}
    )
    assert done.status_code == 200 and "Đã đặt mật khẩu mới" in done.text


def test_reset_page_sends_again_the_same_way_for_an_unknown_phone(waiting: tuple[TestClient, World]) -> None:
    client, world = waiting
    fields = register(client, world)
    answers = []
    for phone in (fields["phone"], fields["phone"][:-3] + "999"):
        client.cookies.clear()
        step2 = ask_reset(client, phone).text
        early = client.post("/password-reset/resend", data={"csrf_token": csrf(step2)})
        world.clock.advance(seconds=60)
        again = client.post("/password-reset/resend", data={"csrf_token": csrf(step2)})
        answers.append([(r.status_code, blank(r.text)) for r in (early, again)])
    assert answers[0] == answers[1]
    assert [status for status, _ in answers[0]] == [429, 200]

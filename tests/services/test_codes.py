"""One-time codes through the services that use them, on a real database of
either backend: registration with a verified phone, and resetting a
forgotten password by a code or an emailed link. Messages are read where
the log sender writes them (caplog)."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.clock import FixedClock
from contest.config import Settings
from contest.domain.codes import Purpose
from contest.domain.models import User
from contest.errors import Invalid, TooManyRequests, Unauthorized
from contest.services.accounts import AccountTaken
from contest.services.codes import Unavailable
from contest.services.container import Services
from tests.conftest import PASSWORD, World, registration

CLIENT = "203.0.113.7"
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


Run = Callable[[Awaitable[Any]], Any]


@pytest.fixture
def run(client: TestClient) -> Run:
    """Runs a coroutine on the test app's event loop, where its storage was started."""

    async def wait(coro: Awaitable[Any]) -> Any:
        return await coro

    return lambda coro: client.portal.call(wait, coro)  # type: ignore[union-attr]


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "contest.services.senders"]


def last_code(caplog: pytest.LogCaptureFixture) -> str:
    codes = re.findall(r"\b(\d{6})\b", messages(caplog)[-1])
    assert codes, messages(caplog)
    return str(codes[0])


def start(run: Run, world: World, fields: dict[str, Any], *, client: str = CLIENT) -> str:
    async def go() -> str:
        s = world.services
        contest = await s.catalog.contest(world.contest_id)
        return await s.signups.start(contest, fields, client=client)

    return run(go())  # type: ignore[no-any-return]


def finish(run: Run, world: World, phone: str, code: str) -> User:
    return run(world.services.signups.finish(phone, code)).user  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def _log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="contest.services.senders")


def test_verified_registration_makes_the_account_with_the_code(
    run: Run, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    fields = registration(world)
    assert start(run, world, fields) == fields["phone"]
    assert f"SMS to 09xx xxx {fields['phone'][-3:]}" in messages(caplog)[-1]
    assert fields["phone"] not in "\n".join(messages(caplog))
    user = finish(run, world, fields["phone"], last_code(caplog))
    assert (user.phone, user.full_name) == (fields["phone"], fields["full_name"])
    signed = run(world.services.accounts.authenticate(fields["phone"], PASSWORD, client=CLIENT))
    assert signed.id == user.id


def test_verified_registration_code_is_single_use(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    fields = registration(world)
    start(run, world, fields)
    code = last_code(caplog)
    finish(run, world, fields["phone"], code)
    with pytest.raises(Invalid) as again:
        finish(run, world, fields["phone"], code)
    assert "yêu cầu gửi mã mới" in again.value.errors["code"]


def test_verified_registration_code_expires(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    fields = registration(world)
    start(run, world, fields)
    world.clock.advance(seconds=world.services.settings.code_ttl_seconds + 1)
    with pytest.raises(Invalid) as late:
        finish(run, world, fields["phone"], last_code(caplog))
    assert "đã hết hạn" in late.value.errors["code"]


def test_wrong_codes_end_the_code_after_the_limit(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    fields = registration(world)
    start(run, world, fields)
    code = last_code(caplog)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    tries = world.services.settings.code_max_tries
    for left in range(tries - 1, 0, -1):
        with pytest.raises(Invalid) as caught:
            finish(run, world, fields["phone"], wrong)
        assert caught.value.errors["code"] == f"Mã xác minh không đúng. Bạn còn {left} lần thử."
    with pytest.raises(Invalid):
        finish(run, world, fields["phone"], wrong)
    with pytest.raises(Invalid) as spent:  # the right code, too late
        finish(run, world, fields["phone"], code)
    assert "yêu cầu gửi mã mới" in spent.value.errors["code"]


def test_a_new_code_ends_the_one_before(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    fields = registration(world)
    start(run, world, fields)
    first = last_code(caplog)
    start(run, world, fields)
    second = last_code(caplog)
    if first != second:
        with pytest.raises(Invalid):
            finish(run, world, fields["phone"], first)
    assert finish(run, world, fields["phone"], second).phone == fields["phone"]


def test_taken_phone_answers_the_same_and_tells_the_owner(
    run: Run, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    owner = registration(world)
    start(run, world, owner)
    finish(run, world, owner["phone"], last_code(caplog))
    stranger = registration(world, phone=owner["phone"], full_name="Trần Thị Bình")
    assert start(run, world, stranger) == owner["phone"]
    told = messages(caplog)[-1]
    assert "da co tai khoan" in told and "Quen mat khau" in told
    assert not re.search(r"\b\d{6}\b", told.split(":", 1)[1])
    with pytest.raises(Invalid) as guessed:  # no code matches: the same answer as a wrong code
        finish(run, world, owner["phone"], "123456")
    assert guessed.value.errors["code"] == "Mã xác minh không đúng. Bạn còn 4 lần thử."


def test_identifier_taken_between_the_steps_is_named_to_the_phone_owner(
    run: Run, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    first = registration(world)
    second = registration(world, cccd=first["cccd"])
    start(run, world, first)
    first_code = last_code(caplog)
    start(run, world, second)
    finish(run, world, first["phone"], first_code)
    with pytest.raises(AccountTaken) as taken:
        finish(run, world, second["phone"], last_code(caplog))
    assert list(taken.value.errors) == ["cccd"]


def test_sends_are_limited_per_phone(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    fields = registration(world)
    sends, window = world.services.settings.code_sends_per_target, world.services.settings.code_window_seconds
    for _ in range(sends):
        start(run, world, fields)
        world.clock.advance(seconds=100)
    sent = len(messages(caplog))
    with pytest.raises(TooManyRequests) as caught:  # another address of the same /24
        start(run, world, fields, client="203.0.113.99")
    assert caught.value.retry_after == window - 100 * sends  # until the first send leaves the window
    assert len(messages(caplog)) == sent
    world.clock.advance(seconds=window - 100 * sends)
    start(run, world, fields)


def test_sends_are_limited_per_address(run: Run, world: World, settings: Settings, clock: FixedClock) -> None:
    services = Services.build(world.services.storage, dataclasses.replace(settings, code_sends_per_address=2), clock)
    world = dataclasses.replace(world, services=services)
    start(run, world, registration(world))
    start(run, world, registration(world))
    with pytest.raises(TooManyRequests):
        start(run, world, registration(world))
    start(run, world, registration(world), client="198.51.100.1")


def test_without_an_sms_sender_verification_says_it_is_unavailable(
    run: Run, world: World, settings: Settings, clock: FixedClock
) -> None:
    services = Services.build(world.services.storage, dataclasses.replace(settings, sms_sender=""), clock)
    with pytest.raises(Unavailable) as caught:
        start(run, dataclasses.replace(world, services=services), registration(world))
    assert (caught.value.status, caught.value.code) == (409, "sender_unavailable")


def make_account(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    fields = registration(world)
    start(run, world, fields)
    finish(run, world, fields["phone"], last_code(caplog))
    return fields


def test_reset_by_phone_ends_sessions_and_the_old_password(
    run: Run, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    s = world.services
    fields = make_account(run, world, caplog)
    before = run(s.accounts.authenticate(fields["phone"], PASSWORD, client=CLIENT))
    session = run(s.sessions.open(before, kind="cookie", agent="test"))
    assert run(s.sessions.check(before, session)) is not None
    sent = run(s.resets.request(fields["phone"], client=CLIENT))
    assert (sent.channel, sent.to, sent.phone) == ("phone", f"09xx xxx {fields['phone'][-3:]}", fields["phone"])
    code = last_code(caplog)
    with pytest.raises(Invalid) as weak:  # a password that cannot be set does not spend the code
        run(s.resets.confirm_code(fields["phone"], code, "ngắn"))
    assert list(weak.value.errors) == ["password"]
    run(s.resets.confirm_code(fields["phone"], code, NEW_PASSWORD))
    assert run(s.sessions.check(before, session)) is None
    with pytest.raises(Unauthorized):
        run(s.accounts.authenticate(fields["phone"], PASSWORD, client=CLIENT))
    assert run(s.accounts.authenticate(fields["phone"], NEW_PASSWORD, client=CLIENT)).id == before.id
    with pytest.raises(Invalid):
        run(s.resets.confirm_code(fields["phone"], code, "một-mật-khẩu-khác"))


def test_reset_for_an_unknown_phone_answers_the_same_and_sends_nothing(
    run: Run, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    s = world.services
    known = make_account(run, world, caplog)
    sent_before = len(messages(caplog))
    unknown = run(s.resets.request("0987654321", client=CLIENT))
    assert (unknown.channel, unknown.to) == ("phone", "09xx xxx 321")
    assert len(messages(caplog)) == sent_before
    with pytest.raises(Invalid) as wrong_unknown:
        run(s.resets.confirm_code("0987654321", "123456", NEW_PASSWORD))
    run(s.resets.request(known["phone"], client=CLIENT))
    code = last_code(caplog)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(Invalid) as wrong_known:
        run(s.resets.confirm_code(known["phone"], wrong, NEW_PASSWORD))
    assert wrong_unknown.value.errors == wrong_known.value.errors


def reset_link(caplog: pytest.LogCaptureFixture) -> str:
    found = re.findall(r"https://hoithi\.example\.vn/password-reset/link\?token=(\S+)", messages(caplog)[-1])
    assert found, messages(caplog)
    return str(found[0])


def test_reset_link_works_once(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    s = world.services
    fields = make_account(run, world, caplog)
    sent = run(s.resets.request(fields["email"].upper(), client=CLIENT))
    assert sent.channel == "email" and sent.to.endswith("@example.vn") and fields["email"] not in sent.to
    token = reset_link(caplog)
    run(s.resets.check_link(token))
    run(s.resets.confirm_link(token, NEW_PASSWORD))
    assert run(s.accounts.authenticate(fields["email"], NEW_PASSWORD, client=CLIENT)).phone == fields["phone"]
    with pytest.raises(Invalid) as again:
        run(s.resets.confirm_link(token, "một-mật-khẩu-khác"))
    assert "token" in again.value.errors


def test_reset_link_expires(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    s = world.services
    fields = make_account(run, world, caplog)
    run(s.resets.request(fields["email"], client=CLIENT))
    token = reset_link(caplog)
    world.clock.advance(seconds=s.settings.reset_link_ttl_seconds + 1)
    with pytest.raises(Invalid) as late:
        run(s.resets.confirm_link(token, NEW_PASSWORD))
    assert "đã hết hạn" in late.value.errors["token"]
    with pytest.raises(Invalid):
        run(s.resets.confirm_link(token[:-2] + "xx", NEW_PASSWORD))


def test_reset_link_carries_no_personal_data(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    s = world.services
    fields = make_account(run, world, caplog)
    run(s.resets.request(fields["email"], client=CLIENT))
    token = reset_link(caplog)
    decoded = b"".join(
        base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in token.split(".") if part
    ).decode("latin-1")
    for secret in (fields["email"], fields["email"].split("@")[0], fields["phone"], fields["cccd"]):
        assert secret not in decoded and secret not in token
    run(s.resets.check_link(token))


def test_reset_link_dies_when_the_password_changes(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    s = world.services
    fields = make_account(run, world, caplog)
    run(s.resets.request(fields["email"], client=CLIENT))
    token = reset_link(caplog)
    user = run(s.accounts.authenticate(fields["phone"], PASSWORD, client=CLIENT))
    session = run(s.sessions.open(user, kind="cookie", agent="test"))
    run(s.accounts.change_password(user, PASSWORD, NEW_PASSWORD, session_id=session))
    for attempt in (s.resets.check_link(token), s.resets.confirm_link(token, "một-mật-khẩu-khác")):
        with pytest.raises(Invalid) as dead:
            run(attempt)
        assert "đã dùng hoặc đã hết hạn" in dead.value.errors["token"]
    assert run(s.accounts.authenticate(fields["phone"], NEW_PASSWORD, client=CLIENT)).id == user.id


def test_reset_link_dies_when_another_reset_is_asked(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    s = world.services
    fields = make_account(run, world, caplog)
    run(s.resets.request(fields["email"], client=CLIENT))
    first = reset_link(caplog)
    run(s.resets.request(fields["email"], client=CLIENT))
    second = reset_link(caplog)
    with pytest.raises(Invalid):
        run(s.resets.check_link(first))
    with pytest.raises(Invalid):
        run(s.resets.confirm_link(first, NEW_PASSWORD))
    run(s.resets.confirm_link(second, NEW_PASSWORD))


def test_reset_link_dies_when_the_email_changes(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    s = world.services
    fields = make_account(run, world, caplog)
    run(s.resets.request(fields["email"], client=CLIENT))
    token = reset_link(caplog)
    user = run(s.accounts.authenticate(fields["phone"], PASSWORD, client=CLIENT))
    run(s.profiles.update(user, {"email": "moi.hon@example.vn"}, client=CLIENT))
    with pytest.raises(Invalid):
        run(s.resets.check_link(token))
    with pytest.raises(Invalid):
        run(s.resets.confirm_link(token, NEW_PASSWORD))


def test_reset_for_an_unknown_email_answers_the_same(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    s = world.services
    known = make_account(run, world, caplog)
    sent = len(messages(caplog))
    unknown = run(s.resets.request("ai.do@example.vn", client=CLIENT))
    assert (unknown.channel, unknown.to) == ("email", "a***@example.vn")
    assert len(messages(caplog)) == sent
    assert run(s.resets.request(known["email"], client=CLIENT)).channel == "email"


def test_reset_requests_are_limited_per_phone(run: Run, world: World, caplog: pytest.LogCaptureFixture) -> None:
    s = world.services
    fields = make_account(run, world, caplog)  # its registration code was one message to the phone
    for _ in range(s.settings.code_sends_per_target - 1):
        run(s.resets.request(fields["phone"], client=CLIENT))
    with pytest.raises(TooManyRequests):
        run(s.resets.request(fields["phone"], client="203.0.113.1"))
    for _ in range(s.settings.code_sends_per_target):
        run(s.resets.request("0987654321", client="198.51.100.2"))
    with pytest.raises(TooManyRequests):  # unknown phones are counted the same from one network
        run(s.resets.request("0987654321", client="198.51.100.3"))


OWNER = "192.0.2.50"
"""The owner's address: another network than the flood's."""


@pytest.mark.parametrize("flood", [[CLIENT] * 10, [f"203.0.113.{i}" for i in range(1, 60)]], ids=["address", "/24"])
def test_owner_resets_after_an_aimed_flood(
    run: Run, world: World, caplog: pytest.LogCaptureFixture, flood: list[str]
) -> None:
    """Registrations with the owner's phone (each sends "you have an
    account"), resets and phone changes aimed at it from one address or one
    /24 use up that network's allowance only: the owner still gets a code."""
    s = world.services
    fields = make_account(run, world, caplog)
    mallory = run(s.accounts.authenticate(make_account(run, world, caplog)["phone"], PASSWORD, client=CLIENT))
    stranger = registration(world, phone=fields["phone"], full_name="Trần Thị Bình")
    tries = [
        lambda client: start(run, world, stranger, client=client),
        lambda client: run(s.resets.request(fields["phone"], client=client)),
        lambda client: run(s.profiles.send_phone_code(mallory, fields["phone"], client=client)),
    ]
    refused = 0
    for i, client in enumerate(flood):
        try:
            tries[i % 3](client)
        except TooManyRequests:
            refused += 1
    assert refused >= len(flood) - s.settings.code_sends_per_target
    sent = run(s.resets.request(fields["phone"], client=OWNER))
    assert sent.phone == fields["phone"]
    run(s.resets.confirm_code(fields["phone"], last_code(caplog), NEW_PASSWORD))
    assert run(s.accounts.authenticate(fields["phone"], NEW_PASSWORD, client=OWNER)).phone == fields["phone"]


def test_phone_gets_at_most_the_total_from_many_networks(
    run: Run, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Only messages really sent count in the total: a script on many
    networks may block a phone for the window, but never past the total."""
    s = world.services
    fields = make_account(run, world, caplog)
    total, per_network = s.settings.code_sends_per_target_total, s.settings.code_sends_per_target
    mallory = run(s.accounts.authenticate(make_account(run, world, caplog)["phone"], PASSWORD, client=CLIENT))
    for network in range(20):  # phone changes to a taken phone send nothing: no count in the total
        run(s.profiles.send_phone_code(mallory, fields["phone"], client=f"10.{network}.0.1"))
    sent_before = len(messages(caplog))
    asked = 1  # the registration's code
    for network in range(20):
        for _ in range(per_network):
            if asked < total:
                run(s.resets.request(fields["phone"], client=f"10.{network}.1.1"))
                asked += 1
    assert len(messages(caplog)) - sent_before == total - 1
    with pytest.raises(TooManyRequests):
        run(s.resets.request(fields["phone"], client=OWNER))


def test_reset_asks_for_a_phone_or_an_email(run: Run, world: World) -> None:
    with pytest.raises(Invalid) as caught:
        run(world.services.resets.request("không phải số", client=CLIENT))
    assert caught.value.errors == {"login": "Nhập số điện thoại di động hoặc email của tài khoản."}


def test_sends_at_once_never_pass_the_limit(run: Run, world: World) -> None:
    """Ten requests for one phone at the same moment (on PostgreSQL, on several connections): three are sent."""
    codes = world.services.codes

    async def at_once() -> list[object]:
        asked = (codes.issue(Purpose.RESET, "0912000111", client=f"198.51.100.{i}") for i in range(10))
        return list(await asyncio.gather(*asked, return_exceptions=True))

    results = run(at_once())
    assert sorted(type(r).__name__ for r in results) == ["TooManyRequests"] * 7 + ["str"] * 3


def test_wait_between_sends_is_per_network_and_purpose(
    run: Run, world: World, settings: Settings, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A script cannot aim the wait at the owner: it holds back only its own
    network's next message of the same kind."""
    fields = make_account(run, world, caplog)
    services = Services.build(world.services.storage, dataclasses.replace(settings, code_resend_seconds=60), clock)
    resets = services.resets
    run(resets.request(fields["phone"], client=CLIENT))  # right after the registration's code: another kind
    clock.advance(seconds=20)
    with pytest.raises(TooManyRequests) as caught:
        run(resets.request(fields["phone"], client="203.0.113.99"))  # the same /24
    assert (caught.value.retry_after, caught.value.message) == (40, "Bạn có thể gửi lại mã sau 40 giây.")
    assert run(resets.request(fields["phone"], client=OWNER)).phone == fields["phone"]
    clock.advance(seconds=40)
    run(resets.request(fields["phone"], client=CLIENT))

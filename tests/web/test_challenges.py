"""The proof-of-work challenge through the API (GET /api/v1/challenge, then
``altcha`` in the body) and on the registration and sign-in pages, with and
without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.clock import FixedClock
from contest.config import Settings
from contest.services.container import Services
from contest.storage import open_storage
from contest.web.app import create_app
from tests.conftest import PASSWORD, World, registration, seed
from tests.services.test_limits import STRICT, solve
from tests.web.test_pages import csrf


def strict_app(settings: Settings, clock: FixedClock, **overrides: Any) -> Iterator[tuple[TestClient, World]]:
    strict = replace(settings, **(STRICT | overrides))
    services = Services.build(open_storage(strict.database_url), strict, clock)
    with TestClient(create_app(services, sweeper=False), client=("203.0.113.7", 50000)) as client:
        yield client, client.portal.call(seed, services, clock)  # type: ignore[union-attr]


@pytest.fixture
def guarded(settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, World]]:
    yield from strict_app(settings, clock)


@pytest.fixture
def no_leeway(settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, World]]:
    """Nothing accepted without a solution while one is asked for."""
    yield from strict_app(settings, clock, nojs_max_per_address=0, nojs_max_per_network=0)


def test_api_challenge_round_trip_registers_and_refuses_a_replay(no_leeway: tuple[TestClient, World]) -> None:
    client, world = no_leeway
    response = client.get("/api/v1/challenge")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    challenge = response.json()
    assert sorted(challenge) == ["algorithm", "challenge", "maxnumber", "salt", "signature"]
    assert (challenge["algorithm"], challenge["maxnumber"]) == ("SHA-256", 20)
    solution = solve(challenge)
    assert client.post("/api/v1/register", json=registration(world, altcha=solution)).status_code == 201
    replayed = client.post("/api/v1/register", json=registration(world, altcha=solution))
    assert replayed.status_code == 400
    assert replayed.json()["error"] == "challenge_invalid"
    assert "đã được dùng" in replayed.json()["message"]
    missing = client.post("/api/v1/register", json=registration(world))
    assert (missing.status_code, missing.json()["error"]) == (429, "challenge_required")
    assert missing.headers["retry-after"] == "3600"
    assert missing.json()["message"].endswith(
        "hãy bật JavaScript rồi gửi lại (ô xác minh tự hoàn tất trong vài giây), hoặc thử lại sau 1 giờ."
    )  # the wait it says


def test_api_sign_in_after_failures_needs_a_solution_and_then_succeeds(no_leeway: tuple[TestClient, World]) -> None:
    client, world = no_leeway
    fields = registration(world, altcha=solve(client.get("/api/v1/challenge").json()))
    assert client.post("/api/v1/register", json=fields).status_code == 201
    for _ in range(5):
        assert client.post("/api/v1/token", json={"login": fields["phone"], "password": "sai"}).status_code == 401
    asked = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD})
    assert (asked.status_code, asked.json()["error"]) == (429, "challenge_required")
    forged = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD, "altcha": "x"})
    assert (forged.status_code, forged.json()["error"]) == (400, "challenge_invalid")
    solution = solve(client.get("/api/v1/challenge").json())
    signed_in = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD, "altcha": solution})
    assert signed_in.status_code == 200
    assert "access_token" in signed_in.json()


def post_register(client: TestClient, world: World, *, lang: str = "vi", **extra: str) -> Any:
    client.cookies.clear()
    client.cookies.set("lang", lang)
    fields = registration(world)
    form = {k: ("on" if v is True else str(v)) for k, v in fields.items()}
    token = csrf(client.get("/register").text)
    return client.post("/register", data={**form, **extra, "csrf_token": token}, follow_redirects=False)


def test_register_page_shows_the_widget_and_works_without_javascript_within_limits(
    guarded: tuple[TestClient, World],
) -> None:
    client, world = guarded
    page = client.get("/register").text
    assert '<altcha-widget challenge="/api/v1/challenge" name="altcha"' in page
    assert "Trình duyệt chưa chạy JavaScript" in page
    assert "/static/altcha/altcha.min.js?v=" in page and "/static/challenge.js?v=" in page
    for _ in range(2):  # no solution: what a browser without JavaScript sends
        assert post_register(client, world).status_code == 303
    refused = post_register(client, world)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "3600"
    assert (
        "hãy bật JavaScript rồi gửi lại (ô xác minh tự hoàn tất trong vài giây), hoặc thử lại sau 1 giờ."
        in refused.text
    )
    solved = post_register(client, world, altcha=solve(client.get("/api/v1/challenge").json()))
    assert solved.status_code == 303


def test_register_page_at_the_address_limit_says_so(guarded: tuple[TestClient, World]) -> None:
    client, world = guarded
    for _ in range(3):
        assert post_register(client, world, altcha=solve(client.get("/api/v1/challenge").json())).status_code == 303
    refused = post_register(client, world, altcha=solve(client.get("/api/v1/challenge").json()))
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "600"
    assert "Có quá nhiều lượt đăng ký từ địa chỉ mạng của bạn" in refused.text


def test_login_page_shows_the_widget_after_a_refusal(no_leeway: tuple[TestClient, World]) -> None:
    client, world = no_leeway
    fields = registration(world, altcha=solve(client.get("/api/v1/challenge").json()))
    client.post("/api/v1/register", json=fields)
    assert "altcha-widget" not in client.get("/login").text
    for _ in range(5):
        client.post("/api/v1/token", json={"login": fields["phone"], "password": "sai"})
    form = {"login": fields["phone"], "password": PASSWORD, "csrf_token": csrf(client.get("/login").text)}
    refused = client.post("/login", data=form)
    assert refused.status_code == 429
    assert "altcha-widget" in refused.text
    form["altcha"] = solve(client.get("/api/v1/challenge").json())
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303


def test_limit_messages_in_english_say_any_configured_wait(settings: Settings, clock: FixedClock) -> None:
    """The waits are not the defaults (10 minutes, 1 hour): the English page
    still translates the message, with the wait in English words."""
    odd = {"limit_window_seconds": 150, "nojs_window_seconds": 5_400, "nojs_max_per_address": 0}
    for client, world in strict_app(settings, clock, **odd):
        asked = post_register(client, world, lang="en")
        assert (asked.status_code, asked.headers["retry-after"]) == (429, "5400")
        assert "or try again in 1 h 30 min." in asked.text and "thử lại" not in asked.text
        for _ in range(3):
            solved = post_register(client, world, altcha=solve(client.get("/api/v1/challenge").json()))
            assert solved.status_code == 303
        refused = post_register(client, world, lang="en", altcha=solve(client.get("/api/v1/challenge").json()))
        assert (refused.status_code, refused.headers["retry-after"]) == (429, "150")
        assert "Too many registrations from your network address. Please try again in 2 min 30 s." in refused.text
        api = client.post("/api/v1/register", json=registration(world))  # the API speaks Vietnamese
        assert api.json()["message"].endswith("hoặc thử lại sau 1 giờ 30 phút.")

"""Sessions that end on the server: a logged-out cookie, copied beforehand,
no longer works; what a process cached of a session holds for
CONTEST_SESSION_CHECK_SECONDS at most."""

from __future__ import annotations

import dataclasses

import pytest
from starlette.testclient import TestClient

from contest.config import Settings
from contest.services.sessions import Sessions
from contest.services.staff import OPERATOR
from tests.conftest import World
from tests.web.test_pages import csrf
from tests.web.test_revocation import participant


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, session_check_seconds=0)


def browser(client: TestClient) -> TestClient:
    """Another browser on the same running app (its own cookies)."""
    return TestClient(client.app, base_url="http://testserver")


def copy_of(client: TestClient) -> dict[str, str]:
    """The browser's session cookie, as someone who copied it would send it."""
    return {"cookie": f"hoithi_session={client.cookies['hoithi_session']}"}


def test_logout_ends_the_session_a_copied_cookie_carries(client: TestClient, world: World) -> None:
    participant(client, world)
    copied = copy_of(client)
    thief = browser(client)
    assert thief.get("/me/attempts", headers=copied, follow_redirects=False).status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf(client.get("/me/attempts").text)}).status_code == 200
    refused = thief.get("/me/attempts", headers=copied, follow_redirects=False)
    assert (refused.status_code, refused.headers["location"]) == (303, "/login?next=/me/attempts")


def test_ending_all_sessions_ends_the_browser_and_the_token(client: TestClient, world: World) -> None:
    user, bearer = participant(client, world)
    assert client.portal.call(world.services.sessions.end_all, user) == 2
    assert client.get("/me/attempts", follow_redirects=False).status_code == 303
    assert "hoithi_session" not in client.cookies
    refused = client.get("/api/v1/rounds", headers=bearer)
    assert (refused.status_code, refused.json()["error"]) == (401, "session_revoked")


def test_ended_session_is_seen_within_the_check_interval(settings: Settings, client: TestClient, world: World) -> None:
    """Another process trusts what it read until the interval passes, then
    reads the session version, which every ended session moved."""
    other = Sessions(world.services.storage, dataclasses.replace(settings, session_check_seconds=60), world.clock)
    user, _bearer = participant(client, world)
    opened = client.portal.call(lambda: world.services.sessions.open(user, kind="token", agent="Thử"))
    assert client.portal.call(other.check, user, opened) == user
    client.portal.call(world.services.sessions.end, user, opened)
    assert client.portal.call(other.check, user, opened) == user  # still cached
    assert client.portal.call(world.services.sessions.check, user, opened) is None  # read again (interval 0)
    assert client.portal.call(other.check, user, None) is None


def test_session_ended_here_is_refused_here_at_once(settings: Settings, client: TestClient, world: World) -> None:
    """The process that ends a session reads the versions again on its next
    check, whatever the interval."""
    here = Sessions(world.services.storage, dataclasses.replace(settings, session_check_seconds=60), world.clock)
    user, _bearer = participant(client, world)
    opened = client.portal.call(lambda: here.open(user, kind="token", agent=""))
    assert client.portal.call(here.check, user, opened) == user
    client.portal.call(here.end, user, opened)
    assert client.portal.call(here.check, user, opened) is None


def test_sweep_forgets_sessions_long_ended_or_expired(client: TestClient, world: World) -> None:
    """Hourly at most: ended over 30 days ago, or unused longer than a cookie or token lives."""
    user, _bearer = participant(client, world)  # a browser's session and a token's
    sessions = world.services.sessions
    world.clock.advance(days=7, minutes=6)  # both expired: a cookie lives 7 days, a token 1
    fresh = client.portal.call(lambda: sessions.open(user, kind="token", agent=""))
    ended = client.portal.call(lambda: sessions.open(user, kind="token", agent=""))
    client.portal.call(sessions.end, user, ended)
    assert client.portal.call(sessions.sweep) == 2
    assert client.portal.call(sessions.sweep) == 0  # not again within the hour
    assert [s.id for s in client.portal.call(sessions.mine, user)] == [fresh]


def test_disabling_ends_the_accounts_sessions(client: TestClient, world: World) -> None:
    user, _bearer = participant(client, world)
    client.portal.call(world.services.staff.disable, OPERATOR, user.id)
    client.portal.call(world.services.staff.enable, OPERATOR, user.id)
    assert client.portal.call(world.services.sessions.mine, user) == []

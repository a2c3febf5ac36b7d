"""A participant's details corrected with another account's phone, CCCD or
email answer 409 naming the field: that tells who is registered, so each
such answer counts against the address's registration limits, 429 past
them, as registration's own refusals do."""

from __future__ import annotations

import dataclasses

import pytest
from starlette.testclient import TestClient

from contest.config import Settings
from tests.conftest import World
from tests.web.test_account import post
from tests.web.test_pages import register
from tests.web.test_revocation import participant

LIMIT = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, register_max_per_address=LIMIT, register_max_per_network=LIMIT)


def test_taken_answers_to_profile_changes_are_limited(client: TestClient, world: World) -> None:
    taken = register(client, world)  # two registrations from this address count too
    client.cookies.clear()
    _user, auth = participant(client, world)
    answers = [
        client.patch("/api/v1/me", headers=auth, json={"cccd": taken["cccd"]}).status_code for _ in range(LIMIT)
    ]
    assert answers == [409] * (LIMIT - 2) + [429] * 2
    refused = client.patch("/api/v1/me", headers=auth, json={"email": taken["email"]})
    assert refused.status_code == 429 and "quá nhiều lượt" in refused.json()["message"]
    assert int(refused.headers["retry-after"]) > 0
    status, html = post(client, "/me/account/profile", phone=taken["phone"])
    assert status == 429 and "quá nhiều lượt" in html
    own = client.patch("/api/v1/me", headers=auth, json={"email": "cua.toi@example.vn"})  # no identifier taken
    assert (own.status_code, own.json()["email"]) == (200, "cua.toi@example.vn")

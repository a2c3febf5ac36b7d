"""Setting a password (the path a change, a reset by code and a staff reset
share), and passwords compared NFC-normalised."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from contest.config import Settings
from contest.errors import Invalid
from tests.conftest import PASSWORD, World
from tests.web.test_revocation import participant, sign_in

NEW = "mật-khẩu-mới-an-toàn"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, session_check_seconds=0)


def test_set_password_ends_sessions_and_tokens(client: TestClient, world: World) -> None:
    user, bearer = participant(client, world)
    client.portal.call(world.services.accounts.set_password, user.id, NEW)
    assert client.get("/me/attempts", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/rounds", headers=bearer).status_code == 401
    assert sign_in(client, str(user.phone)) == 401
    assert sign_in(client, str(user.phone), NEW) == 303
    logged = client.portal.call(lambda: world.services.storage.audit.entries(subject=f"user:{user.id}"))
    assert [(e.action, e.details) for e in logged] == [
        ("account.password", {"name": user.full_name, "before": {}, "after": {}})
    ]


def test_set_password_follows_the_registration_rule(client: TestClient, world: World) -> None:
    user, _bearer = participant(client, world)
    for weak, message in (("ngắn", "ít nhất 8"), (str(user.phone), "trùng số điện thoại"), (None, "Vui lòng")):
        with pytest.raises(Invalid) as refused:
            client.portal.call(world.services.accounts.set_password, user.id, weak)
        assert message in refused.value.errors["password"]
    assert sign_in(client, str(user.phone)) == 303  # unchanged


def test_password_typed_with_combining_accents_is_the_same(client: TestClient, world: World) -> None:
    user, _bearer = participant(client, world)
    decomposed = unicodedata.normalize("NFD", PASSWORD)
    assert decomposed != PASSWORD
    assert sign_in(client, str(user.phone), decomposed) == 303
    client.portal.call(world.services.accounts.set_password, user.id, unicodedata.normalize("NFD", NEW))
    assert sign_in(client, str(user.phone), NEW) == 303


def test_hash_made_before_normalisation_still_verifies(world: World, client: TestClient) -> None:
    decomposed = unicodedata.normalize("NFD", PASSWORD)
    old = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(decomposed)
    passwords = world.services.passwords
    assert client.portal.call(passwords.verify, old, decomposed)
    assert not client.portal.call(passwords.verify, old, "sai-mật-khẩu")

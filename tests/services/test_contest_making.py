"""Making contests and rounds (the one way the demo, the tests and the
benchmark make them), and who may join one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.domain.models import Role, User
from contest.errors import Forbidden, Invalid
from contest.services.contests import create_contest, create_round
from tests.conftest import RULES, World


def call(client: TestClient, make: Any) -> Any:
    return client.portal.call(make)  # type: ignore[union-attr]


def test_create_contest_refuses_a_taken_slug(client: TestClient, world: World) -> None:
    now = world.clock.now()
    with pytest.raises(Invalid) as caught:
        call(
            client,
            lambda: create_contest(
                world.services.storage,
                slug="thu",
                title="Lần hai",
                starts_at=now,
                ends_at=now + timedelta(days=1),
                areas=["A"],
                now=now,
            ),
        )
    assert caught.value.errors == {"slug": "Địa chỉ này đã được dùng cho một cuộc thi khác."}


def test_create_round_refuses_one_outside_its_contest(client: TestClient, world: World) -> None:
    contest = call(client, lambda: world.services.catalog.contest(world.contest_id))
    with pytest.raises(Invalid) as caught:
        call(
            client,
            lambda: create_round(
                world.services.storage,
                contest=contest,
                title="Vòng muộn",
                opens_at=contest.ends_at,
                closes_at=contest.ends_at + timedelta(days=1),
                rules=RULES,
                bank_id=world.bank_id,
            ),
        )
    assert caught.value.errors == {"opens_at": "Vòng thi phải nằm trong thời gian diễn ra cuộc thi."}
    assert [r.id for r in call(client, lambda: world.services.catalog.rounds(contest.id))] == [
        world.closed_round,
        world.open_round,
        world.upcoming_round,
    ]


def test_staff_do_not_join_contests(client: TestClient, world: World) -> None:
    contest = call(client, lambda: world.services.catalog.contest(world.contest_id))
    judge = User(id=1, role=Role.JUDGE, full_name="Ban Giám khảo")
    with pytest.raises(Forbidden) as caught:
        call(client, lambda: world.services.contests.join(judge, contest, {"area": world.area_ids[0]}))
    assert caught.value.code == "staff_cannot_play"

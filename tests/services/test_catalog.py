"""The catalog follows the database's data version: a change made through
one node (its own Storage and Services, as another process or machine has) is
seen by another node without anyone invalidating a cache, and cached attempt
deadlines follow a round's close being moved."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import TypeVar

import pytest

from contest.clock import FixedClock
from contest.config import Settings
from contest.domain.models import Role
from contest.errors import Conflict
from contest.services.catalog import Catalog
from contest.services.container import Services
from contest.services.contests import reschedule_round
from contest.storage import open_storage
from tests.backends import rows
from tests.conftest import World, make_bank, registration, seed

T = TypeVar("T")


def two_nodes(settings: Settings, clock: FixedClock, body: Callable[[Services, Services, World], Awaitable[T]]) -> T:
    """Run ``body(a, b, world)``: two nodes on one database, a contest seeded
    through ``a``."""

    async def run() -> T:
        a = Services.build(open_storage(settings.database_url), settings, clock)
        b = Services.build(open_storage(settings.database_url), settings, clock)
        await asyncio.to_thread(a.storage.migrate)
        a.storage.start()
        b.storage.start()
        try:
            return await body(a, b, await seed(a, clock))
        finally:
            await a.storage.close()
            await b.storage.close()

    return asyncio.run(run())


def test_a_round_moved_on_one_node_moves_attempt_deadlines_on_another(settings: Settings, clock: FixedClock) -> None:
    async def body(a: Services, b: Services, world: World) -> None:
        user = await b.accounts.register(await b.catalog.contest(world.contest_id), registration(world))
        attempt, _ = await b.attempts.start(user, world.open_round)
        assert attempt.deadline == clock.now() + timedelta(seconds=600)
        await b.attempts.save_answer(user, attempt.id, 1, [1])  # b now holds the attempt's guard
        round_ = await a.catalog.round(world.open_round)
        moved = await reschedule_round(
            a.storage,
            contest=await a.catalog.contest(world.contest_id),
            round_=round_,
            opens_at=round_.opens_at,
            closes_at=clock.now() + timedelta(minutes=2),
        )
        assert moved == 1
        assert (await b.catalog.round(world.open_round)).closes_at == clock.now() + timedelta(minutes=2)
        assert (await b.attempts.get(user, attempt.id)).deadline == clock.now() + timedelta(minutes=2)
        clock.advance(minutes=3)
        with pytest.raises(Conflict) as late:
            await b.attempts.save_answer(user, attempt.id, 2, [1])
        assert late.value.code == "time_up"

    two_nodes(settings, clock, body)


def test_a_new_bank_version_on_one_node_is_drawn_from_on_another(settings: Settings, clock: FixedClock) -> None:
    async def body(a: Services, b: Services, world: World) -> tuple[int, int]:
        before, _ = await b.catalog.bank(world.bank_id)
        renamed = [replace(q, code=q.code.replace("T-", "M-")) for q in make_bank()]
        after = await a.storage.banks.add_version(world.bank_id, renamed, now=clock.now(), note="", created_by=None)
        version, questions = await b.catalog.bank(world.bank_id)
        assert {q.code[:2] for q in questions} == {"M-"}
        return before, after if version == after else -1

    before, after = two_nodes(settings, clock, body)
    assert after != before and after != -1


def test_the_catalog_checks_the_data_version_at_most_every_interval(settings: Settings, clock: FixedClock) -> None:
    async def body(a: Services, b: Services, world: World) -> tuple[str, str, float]:
        slow = Catalog(b.storage, check_seconds=1)
        before = (await slow.round(world.upcoming_round)).title
        await a.storage.db.write(
            lambda c: c.execute("UPDATE rounds SET title = ? WHERE id = ?", ("Vòng đổi tên", world.upcoming_round))
        )
        cached = (await slow.round(world.upcoming_round)).title
        began = time.monotonic()
        while (await slow.round(world.upcoming_round)).title != "Vòng đổi tên":
            await asyncio.sleep(0.05)
        return before, cached, time.monotonic() - began

    before, cached, waited = two_nodes(settings, clock, body)
    assert before == cached == "Vòng sắp mở"
    assert waited < 1.5


def test_the_data_version_moves_with_catalog_changes_only(settings: Settings, clock: FixedClock) -> None:
    async def body(a: Services, b: Services, world: World) -> list[tuple[str, bool]]:
        moved = []

        async def step(name: str, change: Callable[[], Awaitable[object]]) -> None:
            before = await b.storage.data_version.current()
            await change()
            moved.append((name, await b.storage.data_version.current() != before))

        contest = await a.catalog.contest(world.contest_id)
        user = await a.accounts.register(contest, registration(world))
        await step("register", lambda: a.accounts.register(contest, registration(world)))
        attempt, _ = await a.attempts.start(user, world.open_round)
        await step("answer", lambda: a.attempts.save_answer(user, attempt.id, 1, [1]))
        await step("submit", lambda: a.attempts.submit(user, attempt.id, 3))
        await step("new bank", lambda: a.storage.banks.create(name="Khác", questions=make_bank(5), now=clock.now()))
        staff = await a.storage.accounts.create_staff(
            username="gk", full_name="Giám Khảo", role=Role.JUDGE, password_hash="x", now=clock.now()
        )
        await step(
            "role",
            lambda: a.storage.db.write(
                lambda c: c.execute("UPDATE users SET role = 'organiser' WHERE id = ?", (staff.id,))
            ),
        )
        await step(
            "disabled",
            lambda: a.storage.db.write(
                lambda c: c.execute("UPDATE users SET disabled_at = 1 WHERE id = ?", (staff.id,))
            ),
        )
        return moved

    assert two_nodes(settings, clock, body) == [
        ("register", False),
        ("answer", False),
        ("submit", False),
        ("new bank", True),
        ("role", True),
        ("disabled", True),
    ]


def test_the_data_version_is_one_row(database_url: str, settings: Settings, clock: FixedClock) -> None:
    two_nodes(settings, clock, lambda a, b, world: asyncio.sleep(0))
    assert rows(database_url, "SELECT COUNT(*) FROM data_version") == [(1,)]

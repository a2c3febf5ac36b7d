"""Storage rules that must hold whatever the timing of requests."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import timedelta

import pytest

from contest.domain import draw, timing
from contest.domain.models import DrawnQuestion
from contest.domain.registration import validate_registration
from contest.errors import Conflict
from contest.services.container import Services
from contest.storage import Duplicate
from contest.storage.sql import IntegrityError
from tests.conftest import NOW, World, make_bank, registration, seed


async def _world(services: Services) -> World:
    await asyncio.to_thread(services.storage.migrate)
    services.storage.start()
    return await seed(services, services.clock)  # type: ignore[arg-type]


async def _participant(services: Services, world: World) -> int:
    user = await services.accounts.register(await services.catalog.contest(world.contest_id), registration(world))
    return user.id


def test_concurrent_starts_make_one_attempt(services: Services) -> None:
    async def body() -> set[int]:
        world = await _world(services)
        try:
            user_id = await _participant(services, world)
            round_ = await services.catalog.round(world.open_round)
            version, bank = await services.catalog.bank(round_.bank_id)

            async def one() -> int:
                attempt, _ = await services.storage.attempts.start(
                    round_=round_,
                    user_id=user_id,
                    version_id=version,
                    questions=draw.draw(bank, round_.rules, rng=random.Random()),
                    now=NOW,
                    deadline=timing.deadline(round_, NOW),
                    expired_before=NOW - timedelta(seconds=10),
                )
                return attempt.id

            return set(await asyncio.gather(*(one() for _ in range(50))))
        finally:
            await services.storage.close()

    assert len(asyncio.run(body())) == 1


def test_saved_answers_survive_concurrent_saves(services: Services) -> None:
    async def body() -> dict[int, frozenset[int]]:
        world = await _world(services)
        try:
            user = await services.accounts.user(await _participant(services, world))
            assert user is not None
            attempt, _ = await services.attempts.start(user, world.open_round)
            await asyncio.gather(
                *(services.attempts.save_answer(user, attempt.id, q.id, [q.options[0].id]) for q in attempt.questions)
            )
            return await services.storage.attempts.answers(attempt.id)
        finally:
            await services.storage.close()

    answers = asyncio.run(body())
    assert answers == {q: frozenset({1}) for q in range(1, 6)}


def test_attempts_keep_what_they_drew_after_the_bank_changes(services: Services) -> None:
    async def body() -> tuple[DrawnQuestion, DrawnQuestion]:
        world = await _world(services)
        try:
            user = await services.accounts.user(await _participant(services, world))
            assert user is not None
            attempt, _ = await services.attempts.start(user, world.open_round)
            drawn = attempt.questions[0]
            edited = [
                replace(q, text="Đã sửa", options=("X", "Y"), correct=frozenset({1})) if q.code == drawn.code else q
                for q in make_bank()
            ]
            await services.storage.banks.add_version(world.bank_id, edited, now=NOW, note="sửa", created_by=None)
            again = await services.attempts.get(user, attempt.id)
            return drawn, again.questions[0]
        finally:
            await services.storage.close()

    before, after = asyncio.run(body())
    assert after == before
    assert after.text != "Đã sửa"


def test_bank_versions_cannot_be_changed_in_place(services: Services) -> None:
    async def body() -> None:
        await _world(services)
        try:
            for statement in (
                "UPDATE questions SET text = 'Đã sửa'",
                "DELETE FROM questions",
                "DELETE FROM bank_versions",
            ):
                with pytest.raises(IntegrityError, match="immutable"):
                    await services.storage.db.write(lambda c, sql=statement: c.execute(sql))
        finally:
            await services.storage.close()

    asyncio.run(body())


def test_sweeper_finalises_attempts_nobody_came_back_to(services: Services) -> None:
    async def body() -> tuple[int, str]:
        world = await _world(services)
        try:
            user = await services.accounts.user(await _participant(services, world))
            assert user is not None
            attempt, _ = await services.attempts.start(user, world.open_round)
            q = attempt.questions[0]
            await services.attempts.save_answer(user, attempt.id, q.id, sorted(q.correct))
            world.clock.advance(minutes=11)
            closed = await services.attempts.sweep()
            summary = await services.storage.attempts.summary(attempt.id)
            assert summary is not None and summary.result is not None
            assert summary.result.correct == 1
            assert summary.submitted_at == attempt.deadline
            return closed, summary.status.value
        finally:
            await services.storage.close()

    assert asyncio.run(body()) == (1, "expired")


def test_no_attempts_left_is_a_conflict(services: Services) -> None:
    async def body() -> None:
        world = await _world(services)
        try:
            user = await services.accounts.user(await _participant(services, world))
            assert user is not None
            for _ in range(2):
                attempt, _ = await services.attempts.start(user, world.open_round)
                await services.attempts.submit(user, attempt.id, 5)
            with pytest.raises(Conflict, match="đã dùng hết 2 lượt thi"):
                await services.attempts.start(user, world.open_round)
        finally:
            await services.storage.close()

    asyncio.run(body())


def test_concurrent_saves_on_the_same_revision_apply_once(services: Services) -> None:
    async def body() -> tuple[list[bool], frozenset[int], int]:
        world = await _world(services)
        try:
            user = await services.accounts.user(await _participant(services, world))
            assert user is not None
            attempt, _ = await services.attempts.start(user, world.open_round)
            outcomes = await asyncio.gather(
                *(services.attempts.save_answer(user, attempt.id, 1, [option], 0) for option in (1, 2, 3, 4))
            )
            stored = await services.attempts.get(user, attempt.id)
            return [o.applied for o in outcomes], stored.answers[1], stored.revisions[1]
        finally:
            await services.storage.close()

    applied, stored, revision = asyncio.run(body())
    assert sorted(applied) == [False, False, False, True]  # the others had not seen the first
    assert revision == 1
    assert stored == frozenset({applied.index(True) + 1})



def test_concurrent_registrations_of_one_phone_make_one_account(services: Services) -> None:
    async def body() -> list[object]:
        world = await _world(services)
        try:
            contest = await services.catalog.contest(world.contest_id)
            same_phone = [
                validate_registration(registration(world, phone="0901234567"), contest=contest, today=NOW.date())
                for _ in range(8)
            ]
            return await asyncio.gather(
                *(services.storage.accounts.create_participant(r, password_hash="-", now=NOW) for r in same_phone),
                return_exceptions=True,
            )
        finally:
            await services.storage.close()

    outcomes = asyncio.run(body())
    refused = [o for o in outcomes if isinstance(o, Duplicate)]
    assert len(refused) == 7  # one account; the others are told the phone is taken, never an integrity error
    assert all(o.fields == ("phone",) for o in refused)


def test_versions_saved_at_once_take_successive_numbers(services: Services) -> None:
    async def body() -> list[int]:
        world = await _world(services)
        try:
            await asyncio.gather(
                *(
                    services.storage.banks.add_version(world.bank_id, make_bank(), now=NOW, note="", created_by=None)
                    for _ in range(6)
                )
            )
            return [v.number for v in await services.storage.banks.versions(world.bank_id)]
        finally:
            await services.storage.close()

    assert asyncio.run(body()) == [7, 6, 5, 4, 3, 2, 1]

"""Ranking at close by the clock (``Leaderboards.rank_closed``, run by the
sweeper): a round is ranked once when its close (and the grace) has passed,
by one node of several; the judges' review then opens on the standings
stored at close; a close moved later is ranked again after the new close."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

from starlette.testclient import TestClient

from contest.clock import FixedClock
from contest.config import Settings
from contest.domain import ranking
from contest.domain.models import Phase, Role
from contest.services.container import Services
from contest.services.contests import reschedule_round
from contest.services.leaderboards import CLAIM_LEASE, rule_of
from contest.storage import open_storage
from contest.web.app import create_app
from tests.conftest import World, registration, seed
from tests.services.test_catalog import two_nodes


async def take(node: Services, world: World, *, right: int, prediction: int, seconds: int) -> int:
    """A new participant's attempt in the open round: ``right`` questions
    right, ``seconds`` taken, submitted with ``prediction``; its user id."""
    user = await node.accounts.register(await node.catalog.contest(world.contest_id), registration(world))
    attempt, _ = await node.attempts.start(user, world.open_round)
    for q in attempt.questions[:right]:
        await node.attempts.save_answer(user, attempt.id, q.id, sorted(q.correct))
    world.clock.advance(seconds=seconds)
    await node.attempts.submit(user, attempt.id, prediction)
    return user.id


def grace(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.grace_seconds)


def test_rank_closed_ranks_a_round_once_after_its_close_on_one_node(settings: Settings, clock: FixedClock) -> None:
    async def body(a: Services, b: Services, world: World) -> None:
        an = await take(a, world, right=5, prediction=9, seconds=300)
        binh = await take(a, world, right=5, prediction=2, seconds=500)
        chi = await take(a, world, right=2, prediction=2, seconds=60)
        round_ = await a.catalog.round(world.open_round)
        assert await a.leaderboards.rank_closed(grace=grace(settings)) == 1  # the round that closed a week ago
        assert await a.storage.leaderboards.head(world.open_round) is None
        clock.set(round_.closes_at + grace(settings) - timedelta(seconds=1))  # closed, answers may still come
        assert await a.leaderboards.rank_closed(grace=grace(settings)) == 0
        assert await a.storage.leaderboards.head(world.open_round) is None

        clock.advance(seconds=1)
        assert await a.leaderboards.rank_closed(grace=grace(settings)) == 1
        head = await a.storage.leaderboards.head(world.open_round)
        assert head is not None and head.phase is Phase.CLOSED and head.closes_at == round_.closes_at
        expected = ranking.rank(await a.storage.leaderboards.scored(world.open_round), rule_of(round_))
        assert head.true_figure == expected.true_figure == 2 and (head.digest, head.signature) == ("", "")
        entries = await a.storage.leaderboards.entries(world.open_round)
        assert [(e.rank, e.user_id) for e in entries] == [(1, binh), (2, an), (3, chi)]
        assert [(e.user_id, e.error) for e in entries] == [(e.user_id, e.error) for e in expected.entries]

        # Neither this node's next sweep nor another node's ranks it again.
        clock.advance(minutes=1)
        assert await a.leaderboards.rank_closed(grace=grace(settings)) == 0
        assert await b.leaderboards.rank_closed(grace=grace(settings)) == 0
        assert await a.storage.leaderboards.head(world.open_round) == head

        # The judges' review opens on the standings stored at close; publishing signs them.
        judge = await a.storage.accounts.create_staff(
            username="gk", full_name="Giám Khảo", role=Role.JUDGE, password_hash="x", now=clock.now()
        )
        assert await b.rounds.move_phase(judge, world.open_round, "under_review", "") is Phase.UNDER_REVIEW
        reviewed = await b.storage.leaderboards.head(world.open_round)
        assert reviewed is not None and reviewed.computed_at == head.computed_at
        assert reviewed.phase is Phase.UNDER_REVIEW
        await b.rounds.move_phase(judge, world.open_round, "provisional", "Công bố")
        published = await b.leaderboards.export(world.open_round)
        assert published["phase"] == "provisional" and published["true_figure"] == 2
        assert [e["rank"] for e in published["entries"]] == [1, 2, 3] and published["signature"]

    two_nodes(settings, clock, body)


def test_rank_closed_leaves_a_round_another_node_claimed_until_its_claim_lapses(
    settings: Settings, clock: FixedClock
) -> None:
    async def body(a: Services, b: Services, world: World) -> None:
        await take(a, world, right=3, prediction=1, seconds=60)
        await a.leaderboards.rank_closed(grace=grace(settings))  # the round that closed a week ago
        round_ = await a.catalog.round(world.open_round)
        clock.set(round_.closes_at + timedelta(hours=1))
        now = clock.now()
        assert await b.storage.leaderboards.claim(world.open_round, round_.closes_at, now=now, expired_before=now)
        assert await a.leaderboards.rank_closed(grace=grace(settings)) == 0
        assert await a.storage.leaderboards.head(world.open_round) is None
        clock.advance(seconds=int(CLAIM_LEASE.total_seconds()) + 1)  # b died while ranking
        assert await a.leaderboards.rank_closed(grace=grace(settings)) == 1
        assert await a.storage.leaderboards.head(world.open_round) is not None

    two_nodes(settings, clock, body)


def test_rank_closed_ranks_again_after_a_close_moved_later(settings: Settings, clock: FixedClock) -> None:
    async def body(a: Services, b: Services, world: World) -> None:
        await take(a, world, right=5, prediction=1, seconds=60)
        await a.leaderboards.rank_closed(grace=grace(settings))  # the round that closed a week ago
        round_ = await a.catalog.round(world.open_round)
        clock.set(round_.closes_at + timedelta(hours=1))
        assert await a.leaderboards.rank_closed(grace=grace(settings)) == 1
        first = await a.storage.leaderboards.head(world.open_round)
        assert first is not None and (first.size, first.true_figure) == (1, 1)

        later = clock.now() + timedelta(days=1)
        contest = await a.catalog.contest(world.contest_id)
        await reschedule_round(a.storage, contest=contest, round_=round_, opens_at=round_.opens_at, closes_at=later)
        await take(b, world, right=5, prediction=2, seconds=60)  # the round is open again
        assert await b.leaderboards.rank_closed(grace=grace(settings)) == 0  # not closed yet

        clock.set(later + grace(settings))
        assert await b.leaderboards.rank_closed(grace=grace(settings)) == 1
        again = await a.storage.leaderboards.head(world.open_round)
        assert again is not None and again.closes_at == later and (again.size, again.true_figure) == (2, 2)
        assert await a.leaderboards.rank_closed(grace=grace(settings)) == 0

    two_nodes(settings, clock, body)


def test_rank_closed_ranks_again_after_a_rescoring(settings: Settings, clock: FixedClock) -> None:
    async def body(a: Services, b: Services, world: World) -> None:
        await take(a, world, right=5, prediction=1, seconds=60)
        round_ = await a.catalog.round(world.open_round)
        clock.set(round_.closes_at + timedelta(hours=1))
        await a.leaderboards.rank_closed(grace=grace(settings))
        organiser = await a.storage.accounts.create_staff(
            username="btc", full_name="Ban Tổ chức", role=Role.ORGANISER, password_hash="x", now=clock.now()
        )
        await a.banks.rescore(organiser, world.open_round, apply=True)
        stale = await a.storage.leaderboards.head(world.open_round)
        assert stale is not None and stale.closes_at is None  # the attempts may have changed
        assert await b.leaderboards.rank_closed(grace=grace(settings)) == 1
        again = await a.storage.leaderboards.head(world.open_round)
        assert again is not None and again.closes_at == round_.closes_at

    two_nodes(settings, clock, body)


def test_the_servers_sweeper_ranks_a_round_after_its_close(settings: Settings, clock: FixedClock) -> None:
    services = Services.build(open_storage(settings.database_url), replace(settings, sweep_interval_seconds=1), clock)
    with TestClient(create_app(services, sweeper=True)) as client:
        world = client.portal.call(seed, services, clock)  # type: ignore[union-attr]
        clock.set(world.clock.now() + timedelta(days=8))  # the open round has closed
        head = None
        for _ in range(100):
            head = client.portal.call(services.storage.leaderboards.head, world.open_round)  # type: ignore[union-attr]
            if head is not None:
                break
            time.sleep(0.05)
        assert head is not None and head.phase is Phase.CLOSED


def test_a_phase_move_ranks_again_when_the_rule_changed_since_the_close(settings: Settings, clock: FixedClock) -> None:
    async def body(a: Services, b: Services, world: World) -> None:
        await take(a, world, right=5, prediction=1, seconds=60)
        round_ = await a.catalog.round(world.open_round)
        clock.set(round_.closes_at + timedelta(hours=1))
        await a.leaderboards.rank_closed(grace=grace(settings))
        at_close = await a.storage.leaderboards.head(world.open_round)
        await a.storage.db.write(
            lambda c: c.execute("UPDATE rounds SET counting = 'first' WHERE id = ?", (world.open_round,))
        )
        judge = await a.storage.accounts.create_staff(
            username="gk", full_name="Giám Khảo", role=Role.JUDGE, password_hash="x", now=clock.now()
        )
        clock.advance(minutes=1)
        await b.rounds.move_phase(judge, world.open_round, "under_review", "")
        reviewed = await a.storage.leaderboards.head(world.open_round)
        assert at_close is not None and reviewed is not None and reviewed.computed_at > at_close.computed_at
        assert "lượt đầu tiên" in reviewed.rule

    two_nodes(settings, clock, body)

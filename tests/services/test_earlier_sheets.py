"""Answer sheets of attempts submitted before their digests were kept
(migration 0021 added ``attempts.sheet``; 0023 tells "not computed yet" from
"too few answers"): the server's sweeper digests them from their saved
answers, and so do the judges' flags of a round, so the identical-answers
flag covers a contest's earlier rounds after an upgrade; an attempt with too
few answers is digested once, never again; several nodes digest each once."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from contest.clock import FixedClock
from contest.config import Settings
from contest.domain.models import Role, User
from contest.services.container import Services
from contest.storage import open_storage
from contest.storage.database import connect
from contest.storage.migrate import migrate_sqlite
from contest.web.app import create_app
from tests.conftest import World, registration, seed
from tests.migrations import migrated_from
from tests.services.test_catalog import two_nodes

_ANSWER = "INSERT INTO answers (attempt_id, question_id, options, saved_at, revision) VALUES (?, ?, ?, ?, 1)"


async def sit(node: Services, world: World, name: str, *, like: int | None = None, answered: int = 5) -> int:
    """A new participant ``name``'s attempt in the open round, drawn as
    attempt ``like`` was (the same questions, options in the same order) if
    given, its first ``answered`` questions answered in the order drawn (the
    first wrong, the others right), submitted; its id."""
    contest = await node.catalog.contest(world.contest_id)
    user = await node.accounts.register(contest, registration(world, full_name=name))
    attempt, _ = await node.attempts.start(user, world.open_round)
    db = node.storage.db
    if like is not None:
        same = "UPDATE attempts SET questions = (SELECT questions FROM attempts WHERE id = ?) WHERE id = ?"
        await db.write(lambda c: c.execute(same, (like, attempt.id)))
    stored = await node.storage.attempts.get(attempt.id)
    assert stored is not None
    for i, q in enumerate(stored.questions[:answered]):
        chosen = sorted(q.correct) if i else [next(o.id for o in q.options if o.id not in q.correct)]
        row = (attempt.id, q.id, json.dumps(chosen), int(world.clock.now().timestamp() * 1000))
        await db.write(lambda c, row=row: c.execute(_ANSWER, row))  # as the API saved it (it holds the first draw)
        world.clock.advance(seconds=30)
    await node.attempts.submit(user, attempt.id, 1)
    return attempt.id


async def as_before_digests(node: Services, attempt_ids: list[int]) -> None:
    """The attempts as migration 0023 leaves those submitted before 0021: no
    digest, not computed yet."""
    marks = ", ".join("?" for _ in attempt_ids)
    await node.storage.db.write(
        lambda c: c.execute(
            f"UPDATE attempts SET sheet = NULL, sheet_computed = FALSE WHERE id IN ({marks})", tuple(attempt_ids)
        )
    )


async def sheets(node: Services, attempt_ids: list[int]) -> list[tuple[str | None, bool]]:
    """Each attempt's digest and whether it was computed."""
    marks = ", ".join("?" for _ in attempt_ids)
    found = await node.storage.db.read(
        lambda c: c.execute(
            f"SELECT id, sheet, sheet_computed FROM attempts WHERE id IN ({marks})", tuple(attempt_ids)
        ).fetchall()
    )
    by_id = {r["id"]: (r["sheet"], bool(r["sheet_computed"])) for r in found}
    return [by_id[i] for i in attempt_ids]


async def judge_of(node: Services, world: World) -> User:
    """A judge, the open round closed and moved under review by them."""
    judge = await node.storage.accounts.create_staff(
        username="gk", full_name="Giám Khảo", role=Role.JUDGE, password_hash="x", now=world.clock.now()
    )
    world.clock.advance(days=8)
    await node.rounds.move_phase(judge, world.open_round, "under_review", "")
    return judge


async def identical(node: Services, judge: User, world: World) -> dict[str, list[str]]:
    """The identical-answers flags on the judges' review, by participant."""
    page = await node.judging.review_ranking(judge, world.open_round)
    return {r.entry.name: [f.reason for f in r.flags if f.kind == "identical_answers"] for r in page.rows}


FLAGGED = {
    "Nguyễn Văn An": ["Trả lời giống hệt, cùng thứ tự (kể cả câu sai) với: Trần Thị Bình."],
    "Trần Thị Bình": ["Trả lời giống hệt, cùng thứ tự (kể cả câu sai) với: Nguyễn Văn An."],
    "Lê Văn Chi": [],
}


def test_the_servers_sweeper_digests_sheets_submitted_before_digests_were_kept(
    settings: Settings, clock: FixedClock
) -> None:
    services = Services.build(open_storage(settings.database_url), replace(settings, sweep_interval_seconds=1), clock)
    with TestClient(create_app(services, sweeper=True)) as client:
        portal = client.portal
        assert portal is not None
        world = portal.call(seed, services, clock)
        an = portal.call(lambda: sit(services, world, "Nguyễn Văn An"))
        binh = portal.call(lambda: sit(services, world, "Trần Thị Bình", like=an))
        chi = portal.call(lambda: sit(services, world, "Lê Văn Chi", like=an, answered=3))
        expected = portal.call(sheets, services, [an])[0][0]
        assert expected is not None
        portal.call(as_before_digests, services, [an, binh, chi])
        for _ in range(100):  # the sweeper runs every second
            found = portal.call(sheets, services, [an, binh, chi])
            if all(computed for _, computed in found):
                break
            time.sleep(0.05)
        assert found == [(expected, True), (expected, True), (None, True)]
        judge = portal.call(judge_of, services, world)
        assert portal.call(identical, services, judge, world) == FLAGGED


def test_judges_flags_digest_the_rounds_sheets_submitted_before_digests_were_kept(
    settings: Settings, clock: FixedClock
) -> None:
    async def body(a: Services, b: Services, world: World) -> None:
        an = await sit(a, world, "Nguyễn Văn An")
        binh = await sit(a, world, "Trần Thị Bình", like=an)
        chi = await sit(a, world, "Lê Văn Chi", like=an, answered=3)  # too few answers to compare
        await as_before_digests(a, [an, binh, chi])
        judge = await judge_of(b, world)
        assert await identical(b, judge, world) == FLAGGED  # no sweeper ran: the judges' page digested them
        opened = await b.judging.open_attempt(judge, binh)
        assert [f.reason for f in opened.flags if f.kind == "identical_answers"] == FLAGGED["Trần Thị Bình"]
        digests = await sheets(a, [an, binh, chi])
        assert digests[0] == digests[1] and digests[0][0] is not None and digests[2] == (None, True)
        # Chi's sheet, too short to compare, is known to be so: neither node's sweeper takes it again.
        assert await a.attempts.fill_sheets() == 0
        assert await b.attempts.fill_sheets() == 0
        assert await identical(a, judge, world) == FLAGGED

    two_nodes(settings, clock, body)


def test_several_nodes_digest_each_earlier_sheet_once(settings: Settings, clock: FixedClock) -> None:
    async def body(a: Services, b: Services, world: World) -> None:
        first = await sit(a, world, "Nguyễn Văn An")
        names = ("Trần Thị Bình", "Lê Văn Chi", "Phạm Thị Dung", "Hoàng Văn Em", "Võ Thị Giang")
        others = [await sit(a, world, name, like=first, answered=i) for i, name in enumerate(names, start=1)]
        taken = [first, *others]
        await as_before_digests(a, taken)
        done = await asyncio.gather(a.storage.attempts.fill_sheets(batch=2), b.storage.attempts.fill_sheets(batch=2))
        assert sum(done) == len(taken)  # each attempt by one node, in batches of two
        digests = await sheets(a, taken)
        assert all(computed for _, computed in digests)
        assert [d for d, _ in digests].count(digests[0][0]) == 2  # the first and the one of five answers too

    two_nodes(settings, clock, body)


@pytest.mark.sqlite
def test_finding_earlier_sheets_reads_only_the_index_of_those_left(tmp_path: Path) -> None:
    conn = connect(tmp_path / "plan.db")
    migrate_sqlite(conn)
    select = "SELECT id, questions FROM attempts WHERE NOT sheet_computed AND status <> 'in_progress'"
    for sql, params in (
        (f"{select} ORDER BY round_id, id LIMIT ?", (200,)),
        (f"{select} AND round_id = ? ORDER BY round_id, id LIMIT ?", (1, 200)),
    ):
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
        assert plan in (
            ["SCAN attempts USING INDEX attempts_without_sheet"],
            ["SEARCH attempts USING INDEX attempts_without_sheet (round_id=?)"],
        )


# An attempt row as a database at version 0022 holds it: submitted with a
# digest (after 0021), submitted without one (before 0021, or too few
# answers), still in progress.
_OLD_ATTEMPT = (
    "INSERT INTO attempts (id, round_id, user_id, number, status, bank_version_id, started_at, deadline,"
    " submitted_at, questions, sheet) VALUES (?, 1, ?, 1, ?, 1, 0, 600000, ?, '[]', ?)"
)
_OLD_ATTEMPTS = [
    (1, 1, "submitted", 60_000, "ab" * 32),
    (2, 2, "submitted", 60_000, None),
    (3, 3, "expired", 600_000, None),
    (4, 4, "in_progress", None, None),
]


def test_migration_0023_marks_only_digested_attempts_computed(tmp_path: Path) -> None:
    """A database at 0022 holding attempts with and without digests: after
    the migration those with one are computed, the finished ones without
    one are left for the sweeper, and those in progress for their submission."""
    applied, found = migrated_from(
        22,
        [(_OLD_ATTEMPT, attempt) for attempt in _OLD_ATTEMPTS],
        "SELECT id, sheet, sheet_computed FROM attempts ORDER BY id",
        tmp_path,
    )
    assert 23 in applied
    assert [(i, s, bool(c)) for i, s, c in found] == [
        (1, "ab" * 32, True),
        (2, None, False),
        (3, None, False),
        (4, None, False),
    ]

"""Standings written by generations (contest/storage/generations.py,
migration 0022) on either backend: readers see only the current
generation while a new one is being written, and the rows a switch leaves
are deleted."""

from __future__ import annotations

from contest.config import Settings
from contest.domain.models import Phase
from contest.domain.ranking import OverallEntry
from contest.storage import Storage, open_storage
from contest.storage.generations import new_generation
from contest.storage.leaderboards import RANKED_COLUMNS, Head
from contest.storage.overall import OverallHead
from contest.storage.sql import Conn, tuples
from tests.conftest import NOW, run, seed_contest, started


def ranked(*users: int) -> list[tuple[int, ...]]:
    """Entries in :data:`RANKED_COLUMNS` order, best first, one per user."""
    return [(p, p, user, user, 10 - p, 10 - p, 10, 1000 * p, 100 * p, None, None) for p, user in enumerate(users, 1)]


async def half_written(storage: Storage, round_id: int, users: list[int]) -> None:
    """What a ranking writing its new generation has written so far: rows
    tagged with a generation taken now, and no switch."""
    generation = await new_generation(storage.db)
    columns = ("round_id", "generation", *RANKED_COLUMNS, "name", "phone", "area", "unit")
    sql = f"INSERT INTO standing_entries ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

    def fn(conn: Conn) -> None:
        for row in ranked(*users):
            conn.execute(sql, (round_id, generation, *row, "Mới", "", "", ""))

    await storage.db.write(fn)


async def generations(storage: Storage, table: str) -> list[tuple[int, ...]]:
    return await storage.db.read(lambda c: tuples(c, f"SELECT DISTINCT generation FROM {table} ORDER BY generation"))


def test_standings_read_only_the_current_generation_while_a_new_one_is_written(settings: Settings) -> None:
    async def body() -> None:
        async with started(open_storage(settings.database_url)) as storage:
            seeded = await seed_contest(storage, now=NOW)
            round_id = seeded.closed_round
            head = Head(round_id, Phase.PROVISIONAL, "", None, 2, NOW, "", "")
            assert await storage.leaderboards.save(head, ranked(11, 12))
            await storage.overall.save(
                OverallHead(seeded.contest_id, "", ((round_id, Phase.PROVISIONAL),), 2, NOW),
                [OverallEntry(1, 11, 1, 9, 0, 1000, 100), OverallEntry(2, 12, 1, 8, 0, 2000, 200)],
            )
            (old,) = await generations(storage, "standing_entries")

            await half_written(storage, round_id, [13, 14, 15])
            assert [e.user_id for e in await storage.leaderboards.entries(round_id)] == [11, 12]
            assert [e.user_id for e in await storage.leaderboards.entries(round_id, offset=1, limit=50)] == [12]
            assert [p.rank for p in await storage.leaderboards.places(13)] == []
            assert [p.rank for p in await storage.leaderboards.places(12)] == [2]
            assert sorted(s[0] for s in await storage.overall.summed([round_id])) == [11, 12]
            assert [r.user_id for r in await storage.overall.entries(seeded.contest_id, limit=50)] == [11, 12]

            # The next ranking switches to its own generation and deletes every older one, the unfinished included.
            assert await storage.leaderboards.save(head, ranked(14, 11))
            assert [e.user_id for e in await storage.leaderboards.entries(round_id)] == [14, 11]
            assert [p.rank for p in await storage.leaderboards.places(11)] == [2]
            (new,) = await generations(storage, "standing_entries")
            assert new > old

            await storage.overall.clear(seeded.contest_id)
            assert await storage.overall.entries(seeded.contest_id, limit=50) == []
            assert await generations(storage, "overall_entries") == []

    run(body())


def test_a_ranking_refused_at_its_switch_leaves_no_rows(settings: Settings) -> None:
    async def body() -> None:
        async with started(open_storage(settings.database_url)) as storage:
            seeded = await seed_contest(storage, now=NOW)
            round_id = seeded.closed_round
            head = Head(round_id, Phase.FINAL, "", None, 1, NOW, "", "")
            assert await storage.leaderboards.save(head, ranked(11))
            (kept,) = await generations(storage, "standing_entries")
            await storage.db.write(lambda c: c.execute("UPDATE rounds SET phase = 'final' WHERE id = ?", (round_id,)))
            assert not await storage.leaderboards.save(head, ranked(12, 13), undecided_only=True)
            assert [e.user_id for e in await storage.leaderboards.entries(round_id)] == [11]
            assert await generations(storage, "standing_entries") == [kept]

    run(body())

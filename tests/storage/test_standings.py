"""Stored standings' SQL (contest/storage/leaderboards.py) on either backend."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from contest.config import Settings
from contest.domain.models import Phase
from contest.domain.publication import mask_phone
from contest.domain.ranking import OverallEntry, RankedEntry, RankingRule, Standings, overall_sums
from contest.storage import SQLiteStorage, open_storage
from contest.storage.leaderboards import ENTRY_COLUMNS, IN_ORDER, MASKED_PHONE_SQL, Head, StoredEntry
from contest.storage.overall import STAGING as OVERALL_STAGING
from contest.storage.overall import OverallHead
from tests.conftest import NOW, run, seed_contest, started
from tests.migrations import migrated_from

PHONES = [None, "", "0912", "09123", "0912345123", "+84912345123"]


def test_phones_masked_in_sql_are_masked_as_publication_masks_them(settings: Settings) -> None:
    async def masked() -> list[str]:
        storage = open_storage(settings.database_url)
        storage.start()
        sql = f"SELECT {MASKED_PHONE_SQL} FROM (SELECT CAST(? AS TEXT) AS phone) u"
        try:
            return await storage.db.read(lambda c: [c.execute(sql, (p,)).fetchone()[0] for p in PHONES])
        finally:
            await storage.close()

    assert run(masked()) == [mask_phone(p) for p in PHONES]


def test_overall_sums_in_sql_are_the_domain_sums(settings: Settings) -> None:
    # Round one knows its figure (a missing prediction adds its worst error + 1), round two does not.
    one = Standings(
        RankingRule(),
        7,
        (
            RankedEntry(1, 11, 1, 10, 10, 10, 5000, 100, 7, 0),
            RankedEntry(2, 12, 2, 10, 10, 10, 6000, 300, 12, 5),
            RankedEntry(3, 13, 3, 8, 8, 10, 4000, 200, None, None),
        ),
    )
    two = Standings(
        RankingRule(),
        None,
        (RankedEntry(1, 13, 4, 9, 9, 10, 3000, 900, 2, None), RankedEntry(2, 14, 5, 4, 4, 10, 1000, 50, None, None)),
    )

    async def summed() -> list[tuple[int, ...]]:
        async with started(open_storage(settings.database_url)) as storage:
            seeded = await seed_contest(storage, now=NOW)
            for round_id, standings in ((seeded.open_round, one), (seeded.closed_round, two)):
                head = Head(round_id, Phase.PROVISIONAL, "", standings.true_figure, 0, NOW, "", "")
                rows = [(p, *e) for p, e in enumerate(standings.entries, start=1)]
                assert await storage.leaderboards.save(head, rows)
            return sorted(await storage.overall.summed([seeded.open_round, seeded.closed_round]))

    assert (
        run(summed())
        == sorted(overall_sums([one, two]))
        == [
            (11, 1, 10, 0, 5000, 100),
            (12, 1, 10, 5, 6000, 300),
            (13, 2, 17, 6, 7000, 900),
            (14, 1, 4, 0, 1000, 50),
        ]
    )


# Standings as a database at version 0023 holds them: keyed by position, three participants.
_EARLIER_ENTRY = (
    "INSERT INTO standing_entries (round_id, generation, position, rank, user_id, attempt_id, score, correct, total,"
    " duration_ms, submitted_at, prediction, error, name, phone, area, unit)"
    " VALUES (1, 7, ?, ?, ?, ?, 9, 9, 10, 1000, 100, NULL, NULL, ?, '09xx xxx 123', '', '')"
)


def test_standings_kept_before_0024_read_the_same_after_it(tmp_path: Path) -> None:
    """Migration 0024 keys the entries by participant and keeps each
    position in ``standing_order``: the order, the ranks and the names are
    what they were."""
    earlier = [(1, 1, 30, 3, "Ba"), (2, 2, 10, 1, "Một"), (3, 2, 20, 2, "Hai")]
    applied, found = migrated_from(
        23,
        [(_EARLIER_ENTRY, entry) for entry in earlier],
        f"SELECT {ENTRY_COLUMNS} FROM {IN_ORDER} WHERE o.round_id = 1 AND o.generation = 7 ORDER BY o.position",
        tmp_path,
    )
    assert 24 in applied
    assert [(e.position, e.rank, e.user_id, e.attempt_id, e.name) for e in map(StoredEntry._make, found)] == earlier


@pytest.mark.sqlite
def test_rankings_reads_and_pages_use_their_indexes_in_order(settings: Settings, tmp_path: Path) -> None:
    """SQLite's plans: the ranking reads a round's attempts from the index
    ``attempts_ranked`` alone, already participant by participant (no sort);
    a page of the standings and a participant's own rank are look-ups of the
    two tables' primary keys, never a scan of them."""
    statements: list[str] = []
    path = tmp_path / "plans.db"

    async def read() -> None:
        async with started(SQLiteStorage(path, trace=statements.append)) as storage:
            seeded = await seed_contest(storage, now=NOW)
            head = Head(seeded.closed_round, Phase.PROVISIONAL, "", None, 3, NOW, "", "")
            rows = [(p, p, user, user, 9, 9, 10, 1000, 100, None, None) for p, user in enumerate((30, 10, 20), 1)]
            assert await storage.leaderboards.save(head, rows)
            await storage.overall.save(
                OverallHead(seeded.contest_id, "", ((seeded.closed_round, Phase.PROVISIONAL),), 1, NOW),
                [OverallEntry(1, 10, 1, 9, 0, 1000, 100)],
            )
            overall = next(s for s in statements if s.startswith("INSERT INTO overall_entries"))
            statements.clear()
            statements.append(overall)
            await storage.leaderboards.scored(seeded.closed_round)
            page = await storage.leaderboards.entries(seeded.closed_round, offset=1, limit=50)
            assert [e.user_id for e in page] == [10, 20]
            assert [p.rank for p in await storage.leaderboards.places(20)] == [3]

    run(read())
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and ("standing_" in s or "attempts" in s)]
    assert len(reads) == 3
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(OVERALL_STAGING)
        scored, page, own = ([row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)] for sql in reads)
        overall = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + statements[0])]
    assert scored == ["SEARCH attempts USING COVERING INDEX attempts_ranked (round_id=?)"]
    # e: the entries, o: the positions (s, the rounds' standings, one row a round, may be scanned).
    assert not [p for p in page + own if p in ("SCAN e", "SCAN o")], page + own
    assert "SEARCH e USING PRIMARY KEY (round_id=? AND generation=? AND user_id=?)" in own
    # The overall leaderboard takes each participant's name from their entry in the latest round: one look-up.
    assert [p for p in overall if "standing_entries" in p or p.startswith("SEARCH e") or p.startswith("SEARCH x")] == [
        "SEARCH x USING PRIMARY KEY (round_id=? AND generation=? AND user_id=?)",
        "SEARCH e USING PRIMARY KEY (round_id=? AND generation=? AND user_id=?)",
    ], overall

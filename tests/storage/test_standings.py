"""Stored standings' SQL (contest/storage/leaderboards.py) on either backend."""

from __future__ import annotations

from contest.config import Settings
from contest.domain.models import Phase
from contest.domain.publication import mask_phone
from contest.domain.ranking import RankedEntry, RankingRule, Standings, overall_sums
from contest.storage import open_storage
from contest.storage.leaderboards import MASKED_PHONE_SQL, Head
from tests.conftest import NOW, run, seed_contest

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
        storage = open_storage(settings.database_url)
        storage.migrate()
        storage.start()
        try:
            seeded = await seed_contest(storage, now=NOW)
            for round_id, standings in ((seeded.open_round, one), (seeded.closed_round, two)):
                head = Head(round_id, Phase.PROVISIONAL, "", standings.true_figure, 0, NOW, "", "")
                rows = [(p, *e) for p, e in enumerate(standings.entries, start=1)]
                assert await storage.leaderboards.save(head, rows)
            return sorted(await storage.overall.summed([seeded.open_round, seeded.closed_round]))
        finally:
            await storage.close()

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

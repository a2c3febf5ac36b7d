"""Stored standings' SQL (contest/storage/leaderboards.py) on either backend."""

from __future__ import annotations

from contest.config import Settings
from contest.domain.publication import mask_phone
from contest.storage import open_storage
from contest.storage.leaderboards import MASKED_PHONE_SQL
from tests.conftest import run

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

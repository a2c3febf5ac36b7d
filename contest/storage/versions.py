"""The catalog's data version (migration 0008): a counter that triggers move
in the same transaction as every change to contests, areas, rounds, banks,
bank versions and accounts' role or access. Reading it is one row by primary
key, cheap enough for every process to ask about once a second."""

from __future__ import annotations

from contest.storage.sql import Conn, Database


class DataVersion:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def current(self) -> int:
        def fn(conn: Conn) -> int:
            return int(conn.execute("SELECT version FROM data_version WHERE id = 1").fetchone()[0])

        return await self.db.read(fn)

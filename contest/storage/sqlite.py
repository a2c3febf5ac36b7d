"""The SQLite backend: one file, one writer thread, a few readers, under
the same stores as PostgreSQL (``stores.py``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from contest.storage.database import Database, connect
from contest.storage.migrate import migrate_sqlite
from contest.storage.stores import Storage


class SQLiteStorage(Storage):
    """All data access for one SQLite file."""

    def __init__(
        self,
        path: Path | str,
        *,
        readers: int = 3,
        trace: Callable[[str], None] | None = None,
        synchronous: str = "FULL",
    ) -> None:
        self.path = Path(path)
        self.sqlite = Database(self.path, readers=readers, trace=trace, synchronous=synchronous)
        super().__init__(self.sqlite)

    def migrate(self) -> list[int]:
        """Create or upgrade the schema (before :meth:`start`)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(self.path, synchronous=self.sqlite.synchronous)
        try:
            return migrate_sqlite(conn)
        finally:
            conn.close()

    def backup(self, target: Path) -> None:
        """Copy the database to a new file ``target`` with SQLite's online
        backup API: a consistent copy, page by page, while the server goes on
        writing. FileExistsError when ``target`` exists."""
        if target.exists():
            raise FileExistsError(target)
        source = connect(self.path, synchronous=self.sqlite.synchronous)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()

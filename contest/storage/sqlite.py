"""The SQLite backend: one file, one writer thread, a few readers, and one
store per noun (contests, accounts, banks, attempts, the audit log) that owns
its queries. The SQL stays portable (no SQLite-only functions) so the
PostgreSQL backend can follow the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from contest.storage.accounts import AccountStore
from contest.storage.attempts import AttemptStore
from contest.storage.audit import AuditLog
from contest.storage.banks import BankStore
from contest.storage.contests import ContestStore
from contest.storage.database import Database, connect
from contest.storage.migrate import migrate_sqlite


class SQLiteStorage:
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
        self.db = Database(self.path, readers=readers, trace=trace, synchronous=synchronous)
        self.audit = AuditLog(self.db)
        self.contests = ContestStore(self.db)
        self.accounts = AccountStore(self.db)
        self.banks = BankStore(self.db)
        self.attempts = AttemptStore(self.db, self.audit)

    def migrate(self) -> list[int]:
        """Create or upgrade the schema (before :meth:`start`)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(self.path, synchronous=self.db.synchronous)
        try:
            return migrate_sqlite(conn)
        finally:
            conn.close()

    def start(self) -> None:
        self.db.start()

    async def close(self) -> None:
        await self.db.close()

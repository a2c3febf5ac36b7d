"""The stores services use, over one database of either backend."""

from __future__ import annotations

from abc import ABC, abstractmethod

from contest.storage.accounts import AccountStore
from contest.storage.attempts import AttemptStore
from contest.storage.audit import AuditLog
from contest.storage.banks import BankStore
from contest.storage.contests import ContestStore
from contest.storage.judging import JudgingStore
from contest.storage.leaderboards import LeaderboardStore
from contest.storage.participants import ParticipantStore
from contest.storage.participations import ParticipationStore
from contest.storage.phases import PhaseStore
from contest.storage.publications import PublicationStore
from contest.storage.sql import Database
from contest.storage.standing import StandingStore
from contest.storage.statistics import StatisticsStore
from contest.storage.versions import DataVersion


class Storage(ABC):
    """One store per noun (contests, accounts, banks, attempts, the audit
    log), each owning its queries, written once for SQLite and PostgreSQL.
    A backend supplies the database and its migrations."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.audit = AuditLog(db)
        self.contests = ContestStore(db)
        self.data_version = DataVersion(db)
        self.participations = ParticipationStore(db)
        self.participants = ParticipantStore(db)
        self.publications = PublicationStore(db)
        self.accounts = AccountStore(db)
        self.standing = StandingStore(db)
        self.phases = PhaseStore(db)
        self.judging = JudgingStore(db)
        self.banks = BankStore(db)
        self.attempts = AttemptStore(db, self.audit)
        self.statistics = StatisticsStore(db)
        self.leaderboards = LeaderboardStore(db)

    @abstractmethod
    def migrate(self) -> list[int]:
        """Create or upgrade the schema (before :meth:`start`); returns the
        versions applied. Raises SchemaTooNew for a database newer than the code."""

    def start(self) -> None:
        self.db.start()

    async def close(self) -> None:
        await self.db.close()

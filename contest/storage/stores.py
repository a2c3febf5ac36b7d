"""The stores services use, over one database of either backend."""

from __future__ import annotations

from abc import ABC, abstractmethod

from contest.storage.accounts import AccountStore
from contest.storage.attempts import AttemptStore
from contest.storage.audit import AuditLog
from contest.storage.banks import BankStore
from contest.storage.codes import CodeStore
from contest.storage.contests import ContestStore
from contest.storage.interface import (
    AccountStorage,
    AttemptStorage,
    AuditStorage,
    BankStorage,
    CodeStorage,
    ContestStorage,
    DataVersionStorage,
    JudgingStorage,
    LeaderboardStorage,
    LimitStorage,
    OverallStorage,
    ParticipantStorage,
    ParticipationStorage,
    PhaseStorage,
    PublicationStorage,
    SessionStorage,
    StandingStorage,
    StatisticsStorage,
)
from contest.storage.judging import JudgingStore
from contest.storage.leaderboards import LeaderboardStore
from contest.storage.limits import LimitStore
from contest.storage.overall import OverallStore
from contest.storage.participants import ParticipantStore
from contest.storage.participations import ParticipationStore
from contest.storage.phases import PhaseStore
from contest.storage.publications import PublicationStore
from contest.storage.sessions import SessionStore
from contest.storage.sql import Database
from contest.storage.standing import StandingStore
from contest.storage.statistics import StatisticsStore
from contest.storage.versions import DataVersion


class Storage(ABC):
    """One store per noun (contests, accounts, banks, attempts, the audit
    log), each owning its queries, written once for SQLite and PostgreSQL.
    A backend supplies the database and its migrations. Services see each
    store through its Protocol (:mod:`contest.storage.interface`) only."""

    def __init__(self, db: Database) -> None:
        self.db = db
        audit = AuditLog(db)
        self.audit: AuditStorage = audit
        self.contests: ContestStorage = ContestStore(db)
        self.data_version: DataVersionStorage = DataVersion(db)
        self.participations: ParticipationStorage = ParticipationStore(db)
        self.participants: ParticipantStorage = ParticipantStore(db)
        self.publications: PublicationStorage = PublicationStore(db)
        self.accounts: AccountStorage = AccountStore(db)
        self.limits: LimitStorage = LimitStore(db)
        self.standing: StandingStorage = StandingStore(db)
        self.sessions: SessionStorage = SessionStore(db)
        self.codes: CodeStorage = CodeStore(db)
        self.phases: PhaseStorage = PhaseStore(db)
        self.judging: JudgingStorage = JudgingStore(db)
        self.banks: BankStorage = BankStore(db)
        self.attempts: AttemptStorage = AttemptStore(db, audit)
        self.statistics: StatisticsStorage = StatisticsStore(db)
        self.leaderboards: LeaderboardStorage = LeaderboardStore(db)
        self.overall: OverallStorage = OverallStore(db)

    @abstractmethod
    def migrate(self) -> list[int]:
        """Create or upgrade the schema (before :meth:`start`); returns the
        versions applied. Raises SchemaTooNew for a database newer than the code."""

    def start(self) -> None:
        self.db.start()

    async def close(self) -> None:
        await self.db.close()

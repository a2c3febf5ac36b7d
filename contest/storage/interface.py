"""One storage interface: a Protocol per store, in the domain's own types,
listing what services (and the command line) ask of it. Each backend's
:class:`~contest.storage.stores.Storage` exposes its stores typed by these;
mypy --strict checks the implementations satisfy them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from contest.domain.contests import RoundFigures
from contest.domain.exports import ExportedAttempt, ExportedParticipant, ExportedResult
from contest.domain.judging import Move, Review
from contest.domain.models import (
    Attempt,
    AttemptStatus,
    AttemptSummary,
    Bank,
    BankVersion,
    CollectiveBy,
    Contact,
    Contest,
    DrawnKey,
    DrawnQuestion,
    Eligibility,
    Participation,
    Phase,
    Question,
    Role,
    Round,
    RoundRules,
    SavedAnswer,
    User,
)
from contest.domain.prizes import Decision
from contest.domain.publication import KeyPair
from contest.domain.ranking import OverallEntry, OverallSums, ScoredRow
from contest.domain.registration import Details, Registration
from contest.domain.rescoring import RescoreReport
from contest.domain.statistics import Analysis, Response
from contest.storage.accounts import Failures
from contest.storage.audit import AuditEntry
from contest.storage.codes import Issued, Tried
from contest.storage.judging import Complaint, Disqualification, PrizeDecision
from contest.storage.leaderboards import Head, OwnPlace, StoredEntry
from contest.storage.overall import OverallHead, OverallRow
from contest.storage.participants import Joined, Participant
from contest.storage.phases import PhaseChange
from contest.storage.publications import Announcement, Document
from contest.storage.sessions import Kind, Session
from contest.storage.standing import Standing
from contest.storage.statistics import BATCH, ParticipationCounts


class AuditStorage(Protocol):
    """What services ask of ``Storage.audit`` (:class:`contest.storage.audit.AuditLog`)."""

    async def entries(
        self,
        *,
        subject: str | None = None,
        kind: str | None = None,
        actor_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]: ...

    async def actors(self) -> list[tuple[int, str]]: ...


class ContestStorage(Protocol):
    """What services ask of ``Storage.contests`` (:class:`contest.storage.contests.ContestStore`).
    ``exclude_codes`` for a round that is not there is :class:`~contest.storage.facts.Missing`."""

    async def is_empty(self) -> bool: ...

    async def create(
        self,
        *,
        slug: str,
        title: str,
        description: str,
        rules: str,
        privacy_notice: str,
        min_age: int | None,
        starts_at: datetime,
        ends_at: datetime,
        areas: Sequence[str],
        now: datetime,
        contact: Contact | None = None,
        units: Sequence[tuple[str, int | None]] = (),
        actor_id: int | None = None,
        verify_phone: bool = False,
        collective_by: CollectiveBy = CollectiveBy.PARTICIPANTS,
    ) -> Contest: ...

    async def update(
        self,
        contest_id: int,
        *,
        texts: dict[str, Any],
        starts_at: datetime,
        ends_at: datetime,
        areas: Sequence[str],
        units: Sequence[tuple[str, int | None]],
        actor_id: int | None,
        details: dict[str, Any],
        now: datetime,
    ) -> None: ...

    async def all(self) -> list[Contest]: ...

    async def create_round(
        self,
        *,
        contest_id: int,
        title: str,
        description: str = "",
        opens_at: datetime,
        closes_at: datetime,
        rules: RoundRules,
        bank_id: int,
        actor_id: int | None = None,
        now: datetime | None = None,
    ) -> int: ...

    async def update_round(
        self,
        round_id: int,
        *,
        phase: Phase,
        title: str,
        description: str,
        opens_at: datetime,
        closes_at: datetime,
        bank_id: int,
        rules: RoundRules,
        deadline: Callable[[datetime], datetime],
        actor_id: int | None,
        details: dict[str, Any],
        now: datetime,
    ) -> bool: ...

    async def figures(self, round_id: int) -> RoundFigures: ...

    async def has_attempts(self, round_id: int) -> bool: ...

    async def qualified(self, rule: Eligibility) -> int: ...

    async def exclude_codes(
        self, round_id: int, codes: frozenset[str], *, actor_id: int | None, now: datetime
    ) -> None: ...

    async def reschedule_round(
        self,
        round_id: int,
        *,
        phase: Phase,
        opens_at: datetime,
        closes_at: datetime,
        deadline: Callable[[datetime], datetime],
    ) -> int | None: ...

    async def rounds(self) -> list[Round]: ...


class DataVersionStorage(Protocol):
    """What services ask of ``Storage.data_version`` (:class:`contest.storage.versions.DataVersion`)."""

    async def current(self) -> int: ...


class SessionStorage(Protocol):
    """What services ask of ``Storage.sessions`` (:class:`contest.storage.sessions.SessionStore`)."""

    async def open(self, user_id: int, *, kind: Kind, agent: str, now: datetime) -> str: ...

    async def version(self) -> tuple[int, int]: ...

    async def state(self, session_id: str) -> tuple[int, Standing] | None: ...

    async def end(self, session_id: str, *, user_id: int, now: datetime) -> bool: ...

    async def end_all(self, user_id: int, *, keep: str | None, now: datetime) -> int: ...

    async def open_sessions(self, user_id: int) -> list[Session]: ...

    async def seen(self, moments: Mapping[str, datetime]) -> None: ...

    async def purge(self, *, ended_before: datetime, unused_since: datetime, batch: int = 500) -> int: ...


class ParticipationStorage(Protocol):
    """What services ask of ``Storage.participations`` (:class:`contest.storage.participations.ParticipationStore`)."""

    async def join(self, *, user_id: int, contest_id: int, area_id: int, unit: str, now: datetime) -> bool: ...

    async def of_user(self, user_id: int) -> list[Participation]: ...

    async def change(self, *, user_id: int, contest_id: int, area_id: int, unit: str) -> bool: ...


class ParticipantStorage(Protocol):
    """What services ask of ``Storage.participants`` (:class:`contest.storage.participants.ParticipantStore`)."""

    async def of_contest(self, contest_id: int, *, area_id: int | None = None) -> list[Participant]: ...

    async def get(self, user_id: int) -> tuple[Participant, list[Joined]] | None: ...

    async def mark_duplicate(
        self, user_id: int, *, of: int, note: str, actor_id: int | None, now: datetime, names: tuple[str, str]
    ) -> None: ...

    async def unmark_duplicate(self, user_id: int, *, actor_id: int | None, now: datetime, name: str) -> bool: ...


class PublicationStorage(Protocol):
    """What services ask of ``Storage.publications`` (:class:`contest.storage.publications.PublicationStore`)."""

    async def announcements(self, contest_id: int) -> list[Announcement]: ...

    async def documents(self, contest_id: int) -> list[Document]: ...

    async def document(self, document_id: int) -> tuple[Document, bytes] | None: ...

    async def add_announcement(
        self, *, contest_id: int, title: str, body: str, actor_id: int | None, now: datetime
    ) -> Announcement: ...

    async def add_document(
        self,
        *,
        contest_id: int,
        title: str,
        filename: str,
        media_type: str,
        data: bytes,
        actor_id: int | None,
        now: datetime,
    ) -> Document: ...

    async def remove_announcement(
        self, contest_id: int, announcement_id: int, *, actor_id: int | None, now: datetime
    ) -> bool: ...

    async def remove_document(
        self, contest_id: int, document_id: int, *, actor_id: int | None, now: datetime
    ) -> bool: ...


class AccountStorage(Protocol):
    """What services ask of ``Storage.accounts`` (:class:`contest.storage.accounts.AccountStore`)."""

    async def create_participant(self, registration: Registration, *, password_hash: str, now: datetime) -> User: ...

    async def create_staff(
        self,
        *,
        username: str,
        full_name: str,
        role: Role,
        password_hash: str,
        now: datetime,
        actor_id: int | None = None,
    ) -> User: ...

    async def for_login(self, login: str) -> tuple[User, str] | None: ...

    async def get(self, user_id: int) -> User | None: ...

    async def password_hash(self, user_id: int) -> str | None: ...

    async def update_details(self, user_id: int, details: Details) -> None: ...

    async def set_password_hash(self, user_id: int, password_hash: str) -> None: ...

    async def login_failures(self, keys: Sequence[str], *, since: datetime) -> dict[str, Failures]: ...

    async def record_login_failure(self, keys: Sequence[str], *, now: datetime, since: datetime) -> None: ...

    async def clear_login_failures(self, key: str) -> None: ...


class LimitStorage(Protocol):
    """What services ask of ``Storage.limits`` (:class:`contest.storage.limits.LimitStore`)."""

    async def take(
        self, limits: Mapping[str, int], *, since: datetime, now: datetime, forget_before: datetime
    ) -> datetime | None: ...

    async def spend(self, signature: str, *, expires_at: datetime, now: datetime) -> bool: ...


class CodeStorage(Protocol):
    """What services ask of ``Storage.codes`` (:class:`contest.storage.codes.CodeStore`)."""

    async def issue(
        self,
        *,
        purpose: str,
        target: str,
        client: str,
        network: str,
        digest: str,
        payload: str,
        now: datetime,
        expires_at: datetime,
        since: datetime,
        per_target: int,
        per_target_total: int,
        per_client: int,
        resend_since: datetime,
    ) -> Issued: ...

    async def kept(self, *, purpose: str, target: str, now: datetime) -> str | None: ...
    async def live(self, *, purpose: str, target: str, digest: str, now: datetime) -> bool: ...
    async def try_code(self, *, purpose: str, target: str, digest: str, now: datetime, max_tries: int) -> Tried: ...


class StandingStorage(Protocol):
    """What services ask of ``Storage.standing`` (:class:`contest.storage.standing.StandingStore`)."""

    async def staff(self) -> list[tuple[User, Standing]]: ...

    async def get(self, user_id: int) -> Standing | None: ...

    async def disable(
        self, user_id: int, *, actor_id: int | None, now: datetime, reason: str = ""
    ) -> Standing | None: ...

    async def enable(self, user_id: int, *, actor_id: int | None, now: datetime) -> Standing | None: ...

    async def set_role(self, user_id: int, role: Role, *, actor_id: int | None, now: datetime) -> Standing | None: ...

    async def set_password(
        self, user_id: int, password_hash: str, *, actor_id: int | None, now: datetime, keep_session: str | None = None
    ) -> Standing | None: ...


class PhaseStorage(Protocol):
    """What services ask of ``Storage.phases`` (:class:`contest.storage.phases.PhaseStore`)."""

    async def stored(self, round_id: int) -> Phase | None: ...

    async def move(
        self, *, round_id: int, stored: Phase, from_phase: Phase, to: Phase, user_id: int, note: str, now: datetime
    ) -> bool: ...

    async def changes(self, round_id: int) -> list[PhaseChange]: ...


class JudgingStorage(Protocol):
    """What services ask of ``Storage.judging`` (:class:`contest.storage.judging.JudgingStore`)."""

    async def review(self, round_id: int) -> Review | None: ...

    async def file(
        self, *, round_id: int, attempt_id: int, user_id: int, question_id: int | None, body: str, now: datetime
    ) -> Complaint | None: ...

    async def complaint(self, complaint_id: int) -> Complaint | None: ...

    async def complaints(self, *, round_id: int | None = None, attempt_id: int | None = None) -> list[Complaint]: ...

    async def answer(self, *, complaint: Complaint, text: str, user_id: int, now: datetime) -> bool: ...

    async def disqualify(
        self, *, round_id: int, user_id: int, attempt_id: int | None, reason: str, judge_id: int, now: datetime
    ) -> Disqualification | None: ...

    async def disqualification(self, disqualification_id: int) -> Disqualification | None: ...

    async def disqualifications(self, round_id: int) -> list[Disqualification]: ...

    async def reinstate(self, *, found: Disqualification, reason: str, judge_id: int, now: datetime) -> bool: ...

    async def excluded(self, round_id: int) -> tuple[frozenset[int], frozenset[int]]: ...

    async def twins(self, round_id: int, user_ids: Sequence[int]) -> dict[int, int]: ...

    async def attempts_of(self, round_id: int, user_ids: Sequence[int]) -> dict[int, list[AttemptSummary]]: ...

    async def saved_at(self, attempt_id: int) -> dict[int, datetime]: ...

    async def published(self, round_id: int) -> dict[int, tuple[str, int]]: ...

    async def publish(
        self, *, round_id: int, ranks: dict[int, int], moved: Sequence[Move], first: bool, judge_id: int, now: datetime
    ) -> None: ...

    async def note_client(self, attempt_id: int, address: str, agent: str) -> None: ...

    async def client(self, attempt_id: int) -> tuple[str, str] | None: ...

    async def neighbours(self, attempt_ids: Sequence[int], *, within: timedelta) -> dict[int, int]: ...

    async def copies(self, attempt_ids: Sequence[int]) -> dict[int, list[str]]: ...

    async def decisions(self, round_id: int) -> list[PrizeDecision]: ...

    async def decide(
        self, *, round_id: int, decision: Decision, phases: Sequence[Phase], judge_id: int, now: datetime
    ) -> PrizeDecision | None: ...


class BankStorage(Protocol):
    """What services ask of ``Storage.banks`` (:class:`contest.storage.banks.BankStore`).
    A bank, version or upload named that is not there is
    :class:`~contest.storage.facts.Missing`."""

    async def create(
        self,
        *,
        name: str,
        questions: Iterable[Question],
        now: datetime,
        note: str = "",
        created_by: int | None = None,
        upload: tuple[int, bytes] | None = None,
    ) -> tuple[int, int]: ...

    async def add_version(
        self,
        bank_id: int,
        questions: Iterable[Question],
        *,
        now: datetime,
        note: str,
        created_by: int | None,
        kind: str = "upload",
        code: str = "",
        upload: tuple[int, bytes] | None = None,
    ) -> int: ...

    async def all(self) -> list[Bank]: ...

    async def get(self, bank_id: int) -> Bank: ...

    async def set_archived(
        self, bank_id: int, archived: bool, *, actor_id: int | None, now: datetime
    ) -> str | None: ...

    async def versions(self, bank_id: int) -> list[BankVersion]: ...

    async def version_by_number(self, bank_id: int, number: int) -> BankVersion: ...

    async def attempt_counts(self, bank_id: int) -> dict[int, int]: ...

    async def current_version(self, bank_id: int) -> int: ...

    async def questions(self, version_id: int) -> tuple[Question, ...]: ...

    async def save_upload(
        self, *, user_id: int, bank_id: int | None, filename: str, data: bytes, now: datetime, keep: int
    ) -> int: ...

    async def upload(self, upload_id: int, *, user_id: int) -> tuple[int | None, str, bytes]: ...

    async def delete_upload(self, upload_id: int) -> None: ...

    async def delete_uploads(self, *, created_before: datetime) -> int: ...


class AttemptStorage(Protocol):
    """What services ask of ``Storage.attempts`` (:class:`contest.storage.attempts.AttemptStore`)."""

    async def start(
        self,
        *,
        round_: Round,
        user_id: int,
        version_id: int,
        questions: tuple[DrawnQuestion, ...],
        now: datetime,
        deadline: datetime,
        expired_before: datetime,
    ) -> tuple[Attempt, bool]:
        """The attempt in progress (False) or a new one (True), counted and
        written in one transaction; :class:`~contest.storage.facts.AttemptsUsed`
        when every attempt the round allows is used."""
        ...

    async def get(self, attempt_id: int) -> Attempt | None: ...

    async def keys(self, attempt_id: int) -> tuple[AttemptSummary, tuple[DrawnKey, ...]] | None: ...

    async def summary(self, attempt_id: int) -> AttemptSummary | None: ...

    async def of_user(self, user_id: int) -> list[AttemptSummary]: ...

    async def save_answer(
        self, *, attempt_id: int, question_id: int, options: frozenset[int], base: int | None, now: datetime
    ) -> SavedAnswer | None: ...

    async def save_answers(
        self,
        *,
        attempt_id: int,
        answers: Mapping[int, tuple[frozenset[int], int | None]],
        flags: Mapping[int, bool],
        prediction: int | None,
        now: datetime,
    ) -> dict[int, SavedAnswer] | None: ...

    async def set_flag(self, *, attempt_id: int, question_id: int, flagged: bool, now: datetime) -> bool: ...

    async def save_prediction(self, *, attempt_id: int, prediction: int) -> bool: ...

    async def submit(
        self, *, attempt_id: int, prediction: int | None, now: datetime, expired_before: datetime
    ) -> AttemptSummary:
        """:class:`~contest.storage.facts.Missing` for no such attempt."""
        ...

    async def expire(self, *, attempt_id: int, expired_before: datetime) -> None: ...

    async def finalize_expired(self, *, expired_before: datetime, limit: int = 500) -> int: ...

    async def fill_sheets(self, *, round_id: int | None = None, batch: int = 200) -> int: ...

    async def rescore(
        self,
        *,
        round_id: int,
        bank: Mapping[str, Question],
        now: datetime,
        actor_id: int | None,
        apply: bool,
        batch: int = 500,
        key: dict[str, str] | None = None,
    ) -> RescoreReport: ...


class StatisticsStorage(Protocol):
    """What services ask of ``Storage.statistics`` (:class:`contest.storage.statistics.StatisticsStore`)."""

    async def statuses(self, round_id: int) -> tuple[dict[AttemptStatus, int], int]: ...

    async def participation(self, *, scope: str, scope_id: int, offset_ms: int) -> ParticipationCounts: ...

    async def distributions(self, round_id: int) -> tuple[dict[int, int], dict[int, int]]: ...

    async def analysis(self, round_id: int, *, closes_at: datetime) -> Analysis | None: ...

    async def keep_analysis(self, round_id: int, analysis: Analysis, *, closes_at: datetime, now: datetime) -> None: ...

    async def unanalysed(self, *, closed_before: datetime) -> list[tuple[int, datetime]]: ...

    def responses(self, round_id: int, *, batch: int = BATCH) -> AsyncIterator[list[Response]]: ...

    def attempts(self, round_id: int, *, batch: int = BATCH) -> AsyncIterator[list[ExportedAttempt]]: ...

    def participants(self, contest_id: int, *, batch: int = BATCH) -> AsyncIterator[list[ExportedParticipant]]: ...

    def results(self, round_id: int, *, batch: int = BATCH) -> AsyncIterator[list[ExportedResult]]: ...


class OverallStorage(Protocol):
    """What services ask of ``Storage.overall`` (:class:`contest.storage.overall.OverallStore`)."""

    async def summed(self, round_ids: Sequence[int]) -> list[OverallSums]: ...

    async def save(self, head: OverallHead, entries: Iterable[OverallEntry]) -> None: ...

    async def clear(self, contest_id: int) -> None: ...

    async def head(self, contest_id: int) -> OverallHead | None: ...

    async def entries(self, contest_id: int, *, offset: int = 0, limit: int) -> list[OverallRow]: ...


class LeaderboardStorage(Protocol):
    """What services ask of ``Storage.leaderboards`` (:class:`contest.storage.leaderboards.LeaderboardStore`)."""

    async def scored(self, round_id: int) -> list[ScoredRow]: ...

    async def save(self, head: Head, rows: Iterable[Sequence[Any]], *, undecided_only: bool = False) -> bool: ...

    async def restamp(self, round_id: int, phase: Phase, *, digest: str, signature: str) -> None: ...

    async def due(self, *, closed_before: datetime) -> list[tuple[int, datetime]]: ...

    async def claim(self, round_id: int, closes_at: datetime, *, now: datetime, expired_before: datetime) -> bool: ...

    async def release(self, round_id: int) -> None: ...

    async def head(self, round_id: int) -> Head | None: ...

    async def entries(self, round_id: int, *, offset: int = 0, limit: int | None = None) -> list[StoredEntry]: ...

    async def places(self, user_id: int) -> list[OwnPlace]: ...

    async def key_pair(self, made: KeyPair, now: datetime) -> KeyPair: ...

    async def public_key(self) -> str | None: ...

"""Taking a round: start, answer, submit, and the attempts a participant sees.

Each hot-path call does its checks in memory (the round from the catalog, the
attempt's guard from a small cache) and then makes one call to storage, which
re-checks what can change (the attempt's status) inside its transaction.
"""

from __future__ import annotations

import random
import secrets
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.clock import Clock
from contest.config import Settings
from contest.domain import draw, ranking, timing
from contest.domain.answers import check_choice, check_prediction
from contest.domain.models import (
    Attempt,
    AttemptStatus,
    AttemptSummary,
    DrawnKey,
    DrawnQuestion,
    Round,
    RoundStatus,
    User,
)
from contest.errors import Conflict, Forbidden, Invalid, NotFound
from contest.services.catalog import Catalog
from contest.storage import Storage


@dataclass(frozen=True, slots=True)
class Guard:
    """What checking an answer needs of an attempt, and never changes: whose it
    is, its deadline, and each question's option count and kind. Small enough
    to keep tens of thousands in memory; it holds no key."""

    user_id: int
    round_id: int
    deadline: datetime
    option_counts: tuple[int, ...]
    multiple: tuple[bool, ...]

    @classmethod
    def of(cls, attempt: AttemptSummary, questions: Sequence[DrawnKey] | Sequence[DrawnQuestion]) -> Guard:
        return cls(
            user_id=attempt.user_id,
            round_id=attempt.round_id,
            deadline=attempt.deadline,
            option_counts=tuple(q.option_count for q in questions),
            multiple=tuple(q.multiple for q in questions),
        )


@dataclass(frozen=True)
class RoundAttempts:
    """A participant's attempts in one round and which one counts."""

    round: Round
    attempts: tuple[AttemptSummary, ...]
    best: AttemptSummary | None

    @property
    def used(self) -> int:
        return len(self.attempts)


CLOSED = "Bài thi đã kết thúc, không thể thay đổi câu trả lời."
TIME_UP = "Đã hết giờ làm bài. Các câu trả lời lưu trước khi hết giờ vẫn được tính."


class Attempts:
    def __init__(
        self,
        storage: Storage,
        catalog: Catalog,
        settings: Settings,
        clock: Clock,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._grace = timedelta(seconds=settings.grace_seconds)
        self._rng = rng
        self._guards: OrderedDict[int, Guard] = OrderedDict()
        self._guard_limit = settings.attempt_cache_size

    # -- the guard cache -----------------------------------------------------

    def _remember(self, attempt: AttemptSummary, questions: Sequence[DrawnKey] | Sequence[DrawnQuestion]) -> Guard:
        guard = Guard.of(attempt, questions)
        self._guards[attempt.id] = guard
        if len(self._guards) > self._guard_limit:
            self._guards.popitem(last=False)
        return guard

    async def _guard(self, user: User, attempt_id: int) -> Guard:
        guard = self._guards.get(attempt_id)
        if guard is None:  # started by another process, or long ago: a light read
            found = await self._storage.attempts.keys(attempt_id)
            if found is None:
                raise NotFound("Không tìm thấy bài thi.")
            guard = self._remember(*found)
        if guard.user_id != user.id:  # another participant's attempt does not exist for you
            raise NotFound("Không tìm thấy bài thi.")
        return guard

    def _expired_before(self, now: datetime) -> datetime:
        return now - self._grace

    # -- the participant's actions ------------------------------------------------

    async def start(self, user: User, round_id: int) -> tuple[Attempt, bool]:
        """Start an attempt, or return the one in progress (False)."""
        if user.role.is_staff:
            raise Forbidden("Tài khoản ban tổ chức, ban giám khảo không tham gia dự thi.", code="staff_cannot_play")
        round_ = await self._catalog.round(round_id)
        now = self._clock.now()
        status = timing.round_status(round_, now)
        if status is not RoundStatus.OPEN:
            message = "Vòng thi chưa mở." if status is RoundStatus.UPCOMING else "Vòng thi đã kết thúc."
            raise Conflict(message, code="round_not_open")
        version_id, bank = await self._catalog.bank(round_.bank_id)
        # A generator seeded from the OS for each attempt: unpredictable, and far fewer
        # system calls than SystemRandom, which reads the OS for every number.
        rng = self._rng or random.Random(secrets.randbits(128))  # noqa: S311 - seeded from the OS, one per attempt
        questions = draw.draw(bank, round_.rules, rng=rng)
        attempt, created = await self._storage.attempts.start(
            round_=round_,
            user_id=user.id,
            version_id=version_id,
            questions=questions,
            now=now,
            deadline=timing.deadline(round_, now),
            expired_before=self._expired_before(now),
        )
        self._remember(attempt, attempt.questions)
        return attempt, created

    async def get(self, user: User, attempt_id: int) -> Attempt:
        """An attempt of this participant's; one whose time ran out is closed
        first, so what is shown is what counts."""
        attempt = await self._storage.attempts.get(attempt_id)
        if attempt is None or attempt.user_id != user.id:
            raise NotFound("Không tìm thấy bài thi.")
        self._remember(attempt, attempt.questions)
        now = self._clock.now()
        if not attempt.finished and attempt.deadline < self._expired_before(now):
            await self._storage.attempts.expire(attempt_id=attempt_id, expired_before=self._expired_before(now))
            attempt = await self._storage.attempts.get(attempt_id)
            assert attempt is not None
        return attempt

    def _check_time(self, guard: Guard, now: datetime) -> None:
        if not timing.accepts_answers(guard.deadline, now, grace=self._grace):
            raise Conflict(TIME_UP, code="time_up")

    async def save_answer(self, user: User, attempt_id: int, question_id: int, chosen: object) -> frozenset[int]:
        guard = await self._guard(user, attempt_id)
        if not 1 <= question_id <= len(guard.option_counts):
            raise NotFound("Bài thi không có câu hỏi này.")
        options = check_choice(
            option_ids=range(1, guard.option_counts[question_id - 1] + 1),
            multiple=guard.multiple[question_id - 1],
            chosen=chosen,
        )
        now = self._clock.now()
        self._check_time(guard, now)
        if not await self._storage.attempts.save_answer(
            attempt_id=attempt_id, question_id=question_id, options=options, now=now
        ):
            raise Conflict(CLOSED, code="attempt_closed")
        return options

    async def save_prediction(self, user: User, attempt_id: int, value: object) -> int:
        guard = await self._guard(user, attempt_id)
        prediction = check_prediction(value)
        self._check_time(guard, self._clock.now())
        if not await self._storage.attempts.save_prediction(attempt_id=attempt_id, prediction=prediction):
            raise Conflict(CLOSED, code="attempt_closed")
        return prediction

    async def save_form(self, user: User, attempt_id: int, answers: Mapping[int, object], prediction: object) -> None:
        """Every answer of a form posted without JavaScript. Questions left
        blank clear their answer, as the form shows them blank."""
        guard = await self._guard(user, attempt_id)
        checked = {}
        for question_id in range(1, len(guard.option_counts) + 1):
            checked[question_id] = check_choice(
                option_ids=range(1, guard.option_counts[question_id - 1] + 1),
                multiple=guard.multiple[question_id - 1],
                chosen=answers.get(question_id, []),
            )
        value = None if prediction in (None, "") else check_prediction(prediction)
        now = self._clock.now()
        self._check_time(guard, now)
        if not await self._storage.attempts.save_answers(
            attempt_id=attempt_id, answers=checked, prediction=value, now=now
        ):
            raise Conflict(CLOSED, code="attempt_closed")

    async def submit(self, user: User, attempt_id: int, prediction: object) -> AttemptSummary:
        """Close the attempt and score it. A second submission returns the first
        result unchanged. After the deadline (and grace) the attempt closes as
        expired with the answers saved in time."""
        guard = await self._guard(user, attempt_id)
        now = self._clock.now()
        value = None if prediction is None else check_prediction(prediction)
        if value is None and timing.accepts_answers(guard.deadline, now, grace=self._grace):
            round_ = await self._catalog.round(guard.round_id)
            if round_.rules.prediction_question:
                summary = await self._storage.attempts.summary(attempt_id)
                if summary is not None and summary.status is AttemptStatus.IN_PROGRESS and summary.prediction is None:
                    raise Invalid({"prediction": "Vui lòng trả lời câu hỏi dự đoán trước khi nộp bài."})
        return await self._storage.attempts.submit(
            attempt_id=attempt_id, prediction=value, now=now, expired_before=self._expired_before(now)
        )

    async def summary(self, user: User, attempt_id: int) -> AttemptSummary:
        summary = await self._storage.attempts.summary(attempt_id)
        if summary is None or summary.user_id != user.id:
            raise NotFound("Không tìm thấy bài thi.")
        return summary

    async def by_round(self, user: User) -> list[RoundAttempts]:
        """Every round of the contest with this participant's attempts in it."""
        mine = await self._storage.attempts.of_user(user.id)
        result = []
        for round_ in await self._catalog.rounds():
            attempts = tuple(a for a in mine if a.round_id == round_.id)
            result.append(RoundAttempts(round_, attempts, ranking.best_attempt(attempts)))
        return result

    async def sweep(self) -> int:
        """Close every attempt whose time ran out; returns how many."""
        total = 0
        while True:
            closed = await self._storage.attempts.finalize_expired(
                expired_before=self._expired_before(self._clock.now())
            )
            total += closed
            if closed == 0:
                return total

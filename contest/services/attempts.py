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
from contest.domain import draw, phases, ranking, timing
from contest.domain.answers import check_choice, check_prediction
from contest.domain.models import (
    Attempt,
    AttemptStatus,
    AttemptSummary,
    DrawnKey,
    DrawnQuestion,
    Phase,
    Round,
    SavedAnswer,
    User,
)
from contest.domain.numbers import parse_int
from contest.domain.permissions import Capability, require
from contest.errors import Conflict, Invalid, NotFound
from contest.services.catalog import Catalog
from contest.services.contests import Contests
from contest.services.facts import no_attempts_left, not_found
from contest.services.leaderboards import rule_of
from contest.storage import Storage
from contest.storage.facts import AttemptsUsed, Missing


@dataclass(frozen=True, slots=True)
class Guard:
    """What checking an answer needs of an attempt, and never changes: whose it
    is, when it started, and each question's option count and kind. Small
    enough to keep tens of thousands in memory; it holds no key. Its deadline
    is not kept: it follows the round as the catalog has it now
    (:meth:`Attempts._deadline`), so moving a round's close reaches every
    process's cached attempts."""

    user_id: int
    round_id: int
    started_at: datetime
    option_counts: tuple[int, ...]
    multiple: tuple[bool, ...]

    @classmethod
    def of(cls, attempt: AttemptSummary, questions: Sequence[DrawnKey] | Sequence[DrawnQuestion]) -> Guard:
        return cls(
            user_id=attempt.user_id,
            round_id=attempt.round_id,
            started_at=attempt.started_at,
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

    def in_progress(self, now: datetime) -> AttemptSummary | None:
        """The attempt the participant can go back to: in progress, with time
        left at ``now``."""
        return next((a for a in self.attempts if not a.finished and a.deadline > now), None)


@dataclass(frozen=True, slots=True)
class PageForm:
    """An attempt page as posted: for each question the page showed, the
    revision of its answer the page was based on (``None``: unknown), the
    options chosen (a question with none chosen is absent from ``answers``),
    each flag as shown and as posted, and the prediction as typed and as the
    page showed it (``None``: the page did not say)."""

    revisions: Mapping[int, int | None]
    answers: Mapping[int, object]
    flags: Mapping[int, tuple[bool, bool]]
    prediction: object = None
    prediction_shown: object = None


@dataclass(frozen=True, slots=True)
class FormSaved:
    """What saving a page came to: the questions whose answer had changed
    elsewhere since the page was shown (not overwritten), and why the
    prediction was not saved, if it was not."""

    stale: tuple[int, ...] = ()
    prediction_error: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """What a participant checks before submitting: the questions not
    answered, those flagged "Xem lại sau", and whether the round's prediction
    question (required to submit) is still unanswered."""

    unanswered: tuple[int, ...]
    flagged: tuple[int, ...]
    prediction_missing: bool

    @classmethod
    def of(cls, attempt: Attempt, round_: Round) -> Review:
        ids = [q.id for q in attempt.questions]
        return cls(
            unanswered=tuple(q for q in ids if q not in attempt.answered),
            flagged=tuple(q for q in ids if q in attempt.flagged),
            prediction_missing=bool(round_.rules.prediction_question) and attempt.prediction is None,
        )


CLOSED = "Bài thi đã kết thúc, không thể thay đổi câu trả lời."
STALE = (
    "Câu {question} đã được trả lời ở nơi khác (thiết bị hoặc trang khác) sau khi trang này được mở, "
    "nên câu trả lời từ trang này không được lưu. Trang đã cập nhật câu trả lời đang lưu; hãy kiểm tra lại."
)
PREDICTION_NEEDED = "Vui lòng trả lời câu hỏi dự đoán trước khi nộp bài."
BASE_LABEL = "Phiên bản câu trả lời"
REVISIONS = {"minimum": 0, "maximum": 1_000_000_000}
"""The range of a base revision a client may send: far more changes than an
attempt's time allows, and small enough for any database integer."""
BANK_TOO_SMALL = "Vòng thi tạm thời chưa bắt đầu được: {reason} Vui lòng báo cho Ban Tổ chức."
NOT_OPEN = {Phase.SCHEDULED: "Vòng thi chưa mở.", Phase.CLOSED: "Vòng thi đã kết thúc."}
JUDGED = "Vòng thi đã kết thúc và được ban giám khảo chấm, không thể bắt đầu bài thi mới."
TIME_UP = "Đã hết giờ làm bài. Các câu trả lời lưu trước khi hết giờ vẫn được tính."


class Attempts:
    def __init__(
        self,
        storage: Storage,
        catalog: Catalog,
        settings: Settings,
        clock: Clock,
        *,
        contests: Contests,
        rng: random.Random | None = None,
    ) -> None:
        self._storage = storage
        self._catalog = catalog
        self._contests = contests
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
        """Start an attempt, or return the one in progress (False). Conflict
        (``round_not_open``) unless the round is open (``phases.effective``):
        not before its opening, nor after its close, nor in a judges' phase
        whatever its close says (an attempt there would be in no standings)."""
        require(user, Capability.TAKE_PART)
        round_ = await self._catalog.round(round_id)
        now = self._clock.now()
        phase = phases.effective(round_, now)
        if phase is not Phase.OPEN:
            raise Conflict(NOT_OPEN.get(phase, JUDGED), code="round_not_open")
        await self._contests.require_joined(user, round_.contest_id)
        await self._contests.require_eligible(user, round_)
        version_id, bank = await self._catalog.bank(round_.bank_id)
        # A generator seeded from the OS for each attempt: unpredictable, and far fewer
        # system calls than SystemRandom, which reads the OS for every number.
        rng = self._rng or random.Random(secrets.randbits(128))  # noqa: S311 - seeded from the OS, one per attempt
        try:
            questions = draw.draw(bank, round_.rules, rng=rng)
        except draw.NotEnoughQuestions as exc:  # the bank changed under the round (services/banks.py refuses that)
            raise draw.NotEnoughQuestions(BANK_TOO_SMALL.format(reason=exc.message)) from None
        try:
            attempt, created = await self._storage.attempts.start(
                round_=round_,
                user_id=user.id,
                version_id=version_id,
                questions=questions,
                now=now,
                deadline=timing.deadline(round_, now),
                expired_before=self._expired_before(now),
            )
        except AttemptsUsed as used:  # counted in the start's own transaction
            raise no_attempts_left(used) from None
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

    async def _deadline(self, guard: Guard) -> datetime:
        """The attempt's deadline by its round as it is now: the same the
        database stores, which moving a round's close updates in the same
        transaction (``ContestStore.reschedule_round``)."""
        return timing.deadline(await self._catalog.round(guard.round_id), guard.started_at)

    async def _check_time(self, guard: Guard, now: datetime) -> None:
        if not timing.accepts_answers(await self._deadline(guard), now, grace=self._grace):
            raise Conflict(TIME_UP, code="time_up")

    @staticmethod
    def _check_question(guard: Guard, question_id: int) -> None:
        if not 1 <= question_id <= len(guard.option_counts):
            raise NotFound("Bài thi không có câu hỏi này.")

    @staticmethod
    def _check_choice(guard: Guard, question_id: int, chosen: object) -> frozenset[int]:
        return check_choice(
            option_ids=range(1, guard.option_counts[question_id - 1] + 1),
            multiple=guard.multiple[question_id - 1],
            chosen=chosen,
        )

    async def save_answer(
        self, user: User, attempt_id: int, question_id: int, chosen: object, base: object = None
    ) -> SavedAnswer:
        """Save one answer based on revision ``base`` (``None``: the client
        answers explicitly, whatever is stored). A stale save is not applied:
        the outcome says so and carries the stored answer (see
        :class:`SavedAnswer`). Conflict when time is up or the attempt closed."""
        guard = await self._guard(user, attempt_id)
        self._check_question(guard, question_id)
        options = self._check_choice(guard, question_id, chosen)
        revision = None if base is None else parse_int(base, field="base_revision", label=BASE_LABEL, **REVISIONS)
        now = self._clock.now()
        await self._check_time(guard, now)
        saved = await self._storage.attempts.save_answer(
            attempt_id=attempt_id, question_id=question_id, options=options, base=revision, now=now
        )
        if saved is None:
            raise Conflict(CLOSED, code="attempt_closed")
        return saved

    async def set_flag(self, user: User, attempt_id: int, question_id: int, flagged: object) -> bool:
        """Flag a question "Xem lại sau", or clear the flag (``flagged`` must
        be a boolean). Conflict when time is up or the attempt closed."""
        guard = await self._guard(user, attempt_id)
        self._check_question(guard, question_id)
        if not isinstance(flagged, bool):
            raise Invalid({"flagged": "Đánh dấu phải là true hoặc false."})
        now = self._clock.now()
        await self._check_time(guard, now)
        if not await self._storage.attempts.set_flag(
            attempt_id=attempt_id, question_id=question_id, flagged=flagged, now=now
        ):
            raise Conflict(CLOSED, code="attempt_closed")
        return flagged

    async def save_prediction(self, user: User, attempt_id: int, value: object) -> int:
        guard = await self._guard(user, attempt_id)
        prediction = check_prediction(value)
        await self._check_time(guard, self._clock.now())
        if not await self._storage.attempts.save_prediction(attempt_id=attempt_id, prediction=prediction):
            raise Conflict(CLOSED, code="attempt_closed")
        return prediction

    async def save_form(self, user: User, attempt_id: int, page: PageForm) -> FormSaved:
        """A whole attempt page as posted (without JavaScript, or by the
        countdown at zero), in one transaction.

        Only the questions the page showed count (those in ``page.revisions``);
        one left blank clears its answer, as the page shows it blank. Each
        answer is based on the revision the page showed, so a page older than
        an answer saved elsewhere does not overwrite it: those questions come
        back in ``stale``. A flag changes only where the participant changed
        it on this page, and so does the prediction when the page says what it
        showed (the summary page's field does not). The answers are saved
        even when the prediction is not valid; ``prediction_error`` then says
        why it was not. Conflict when time is up or the attempt closed."""
        guard = await self._guard(user, attempt_id)
        answers = {}
        for question_id, base in page.revisions.items():
            self._check_question(guard, question_id)
            answers[question_id] = (self._check_choice(guard, question_id, page.answers.get(question_id, [])), base)
        flags = {q: flagged for q, (shown, flagged) in page.flags.items() if q in answers and shown != flagged}
        prediction, prediction_error = None, None
        if page.prediction not in (None, "", page.prediction_shown):
            try:
                prediction = check_prediction(page.prediction)
            except Invalid as exc:
                prediction_error = exc.errors["prediction"]
        now = self._clock.now()
        await self._check_time(guard, now)
        outcomes = await self._storage.attempts.save_answers(
            attempt_id=attempt_id, answers=answers, flags=flags, prediction=prediction, now=now
        )
        if outcomes is None:
            raise Conflict(CLOSED, code="attempt_closed")
        stale = tuple(sorted(q for q, saved in outcomes.items() if not saved.applied))
        return FormSaved(stale=stale, prediction_error=prediction_error)

    async def submit(self, user: User, attempt_id: int, prediction: object, *, time_up: bool = False) -> AttemptSummary:
        """Close the attempt and score it. A second submission returns the first
        result unchanged. After the deadline (and grace) the attempt closes as
        expired with the answers saved in time.

        The round's prediction question must be answered to submit
        (:class:`Invalid`, field ``prediction``), except when the page submits
        because its countdown reached zero (``time_up``): time running out
        never waits for the prediction. A submission after the first returns
        the stored result whatever it carries (a prediction such as "²" is
        not read again)."""
        guard = await self._guard(user, attempt_id)
        summary = await self._storage.attempts.summary(attempt_id)
        if summary is not None and summary.status is not AttemptStatus.IN_PROGRESS:
            return summary
        now = self._clock.now()
        value = None if prediction in (None, "") else check_prediction(prediction)
        in_time = timing.accepts_answers(await self._deadline(guard), now, grace=self._grace)
        if value is None and not time_up and in_time:
            round_ = await self._catalog.round(guard.round_id)
            if round_.rules.prediction_question and summary is not None and summary.prediction is None:
                raise Invalid({"prediction": PREDICTION_NEEDED})
        try:
            return await self._storage.attempts.submit(
                attempt_id=attempt_id, prediction=value, now=now, expired_before=self._expired_before(now)
            )
        except Missing as missing:
            raise not_found(missing) from None

    async def summary(self, user: User, attempt_id: int) -> AttemptSummary:
        summary = await self._storage.attempts.summary(attempt_id)
        if summary is None or summary.user_id != user.id:
            raise NotFound("Không tìm thấy bài thi.")
        return summary

    async def by_round(self, user: User) -> list[RoundAttempts]:
        """Every round of every contest with this participant's attempts in it."""
        mine = await self._storage.attempts.of_user(user.id)
        result = []
        for round_ in await self._catalog.rounds():
            attempts = tuple(a for a in mine if a.round_id == round_.id)
            result.append(RoundAttempts(round_, attempts, ranking.best_attempt(attempts, rule_of(round_))))
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

    async def fill_sheets(self) -> int:
        """Digest the answer sheet of every finished attempt that has none
        computed yet (``AttemptStore.fill_sheets``: those submitted before
        the identical-answers flag existed), in short transactions; returns
        how many. What the sweeper runs, so an upgraded site flags its
        earlier rounds without anyone remembering to."""
        return await self._storage.attempts.fill_sheets()

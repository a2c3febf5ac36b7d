"""The judges' review: participants' complaints and the judges' answers,
disqualifications and reinstatements (the rules: ``domain/judging.py``).
Moving a round's phase is :meth:`contest.services.rounds.Rounds.move_phase`,
which asks :func:`contest.domain.judging.check_final` before final results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.clock import Clock
from contest.domain import flags, judging, prizes
from contest.domain.flags import Flag
from contest.domain.judging import Review
from contest.domain.models import Attempt, AttemptSummary, Phase, User
from contest.domain.numbers import INT_MAX, int_or_none, parse_int
from contest.domain.permissions import Capability, can, require
from contest.domain.search import matches
from contest.errors import Conflict, Invalid, NotFound
from contest.services.awards import settled
from contest.services.catalog import Catalog
from contest.services.leaderboards import PAGE_MAX, Leaderboards
from contest.storage import Storage
from contest.storage.judging import Complaint, Disqualification, PrizeDecision
from contest.storage.leaderboards import Head, StoredEntry

ANSWERED_MEANWHILE = "Khiếu nại này vừa được trả lời. Vui lòng tải lại trang."
NO_ATTEMPT = "Không tìm thấy bài thi."
NO_COMPLAINT = "Không tìm thấy khiếu nại."
NO_DISQUALIFICATION = "Không tìm thấy quyết định loại."
ID_MAX = INT_MAX


DECIDING = (Phase.UNDER_REVIEW, Phase.PROVISIONAL)
"""When the judges decide a tie across a prize boundary: before results are final."""
NOT_DECIDING = "Chỉ quyết định đồng hạng ở ranh giới giải khi vòng thi đang chấm hoặc có kết quả tạm thời."
REVIEW_PAGE_SIZE = 50
NEIGHBOURHOOD = timedelta(minutes=flags.NEIGHBOUR_MINUTES)
NO_STANDINGS = "Vòng thi chưa được xếp hạng: chuyển vòng sang «Đang chấm» trước."


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One participant on the review leaderboard: their counting attempt's
    entry, the flags it raises and every attempt they made in the round."""

    entry: StoredEntry
    flags: tuple[Flag, ...]
    attempts: tuple[AttemptSummary, ...]


@dataclass(frozen=True, slots=True)
class ReviewPage:
    head: Head
    rows: tuple[ReviewRow, ...]
    found: int
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class AttemptReview:
    """One attempt opened by a judge: each question as drawn with the options
    chosen and the correct ones, when each answer was saved, its flags, and
    the participant's account only when a flag was raised (judges see
    personal data only on a flagged attempt)."""

    attempt: Attempt
    saved_at: dict[int, datetime]
    flags: tuple[Flag, ...]
    account: User | None
    client: tuple[str, str] | None
    """The address and browser it was started from (None: not recorded)."""


class Judging:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock, leaderboards: Leaderboards) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._leaderboards = leaderboards

    async def _review(self, round_id: int) -> Review:
        review = await self._storage.judging.review(round_id)
        if review is None:
            raise NotFound("Không tìm thấy vòng thi.")
        return review

    # -- participants -----------------------------------------------------------

    async def file_complaint(self, user: User, attempt_id: int, question_id: object, text: object) -> Complaint:
        """A complaint by the owner of a finished attempt, about one of its
        questions (``question_id``: its place in the attempt, 1, 2, …) or,
        without one, about the result. NotFound for someone else's attempt;
        Invalid for an empty or overlong text or a question the attempt did
        not draw; :class:`judging.ComplaintsClosed` (409) outside the window,
        which is checked first."""
        require(user, Capability.TAKE_PART)
        attempt = await self._storage.attempts.keys(attempt_id)
        if attempt is None or attempt[0].user_id != user.id:
            raise NotFound(NO_ATTEMPT)
        summary, keys = attempt
        now = self._clock.now()
        judging.check_complaint(await self._review(summary.round_id), now)
        if not summary.finished:
            raise judging.ComplaintsClosed("Chỉ khiếu nại về bài thi đã nộp.")
        question: int | None = None
        if question_id is not None and question_id != "":
            question = parse_int(question_id, field="question_id", label="Câu hỏi", minimum=1, maximum=len(keys))
        body = judging.written(text, field="text", limit=judging.COMPLAINT_MAX, missing="Hãy viết nội dung khiếu nại.")
        filed = await self._storage.judging.file(
            round_id=summary.round_id, attempt_id=attempt_id, user_id=user.id, question_id=question, body=body, now=now
        )
        if filed is None:
            raise judging.ComplaintsClosed("Vòng thi vừa chuyển giai đoạn, không nhận khiếu nại nữa.")
        return filed

    async def my_complaints(self, user: User, attempt_id: int) -> list[Complaint]:
        """The complaints about one of the participant's attempts, with the
        judges' answers."""
        summary = await self._storage.attempts.summary(attempt_id)
        if summary is None or summary.user_id != user.id:
            raise NotFound(NO_ATTEMPT)
        return await self._storage.judging.complaints(attempt_id=attempt_id)

    async def complaint_window(self, round_id: int) -> Review:
        """Where the round stands for complaints (whether the window is open
        and until when): what a result page shows beside its form."""
        await self._catalog.round(round_id)
        return await self._review(round_id)

    # -- judges -------------------------------------------------------------------

    async def complaints(self, user: User, round_id: int) -> list[Complaint]:
        """The round's complaints, oldest first, answered or not."""
        require(user, Capability.JUDGE_ROUND)
        await self._catalog.round(round_id)
        return await self._storage.judging.complaints(round_id=round_id)

    async def complaint_round(self, user: User, complaint_id: int) -> int:
        """The round a complaint is about; NotFound for no such complaint."""
        require(user, Capability.JUDGE_ROUND)
        complaint = await self._storage.judging.complaint(complaint_id)
        if complaint is None:
            raise NotFound(NO_COMPLAINT)
        return complaint.round_id

    async def disqualification_round(self, user: User, disqualification_id: int) -> int:
        """The round of a disqualification; NotFound for no such one."""
        require(user, Capability.JUDGE_ROUND)
        found = await self._storage.judging.disqualification(disqualification_id)
        if found is None:
            raise NotFound(NO_DISQUALIFICATION)
        return found.round_id

    async def answer(self, user: User, complaint_id: int, text: object) -> Complaint:
        """A judge's written answer, which the participant then reads; logged.
        NotFound for no such complaint; Invalid for an empty or overlong
        answer; Conflict (409 ``already_answered``) for one answered before."""
        require(user, Capability.JUDGE_ROUND)
        complaint = await self._storage.judging.complaint(complaint_id)
        if complaint is None:
            raise NotFound(NO_COMPLAINT)
        body = judging.written(text, field="text", limit=judging.ANSWER_MAX, missing="Hãy viết câu trả lời.")
        if complaint.answer is not None:
            raise Conflict("Khiếu nại này đã được trả lời.", code="already_answered")
        if not await self._storage.judging.answer(
            complaint=complaint, text=body, user_id=user.id, now=self._clock.now()
        ):
            raise Conflict(ANSWERED_MEANWHILE, code="already_answered")
        answered = await self._storage.judging.complaint(complaint_id)
        assert answered is not None
        return answered

    async def disqualify(
        self, user: User, round_id: int, *, user_id: object, attempt_id: object, reason: object
    ) -> Disqualification:
        """Put out of the round's ranking one attempt (``attempt_id``) or a
        participant's whole round (``user_id``), with a written reason;
        logged, and the round ranked again without it
        (:meth:`Leaderboards.refresh`). Invalid without exactly one of them
        (naming the one given that is no id, else ``attempt_id``), for an attempt or a
        participant not of this round, or without a reason;
        :class:`judging.NotUnderReview` (409) unless the round is under
        review; Conflict (409 ``already_disqualified``) when the same is out
        already."""
        require(user, Capability.JUDGE_ROUND)
        await self._catalog.round(round_id)
        given = {"attempt_id": attempt_id, "user_id": user_id}
        ids = {name: int_or_none(raw, minimum=1, maximum=ID_MAX) for name, raw in given.items()}
        unread = [name for name, raw in given.items() if raw not in (None, "") and ids[name] is None]
        attempt, participant = ids["attempt_id"], ids["user_id"]
        if unread or (attempt is None) == (participant is None):
            raise Invalid(
                {(unread or ["attempt_id"])[0]: "Chọn loại một bài thi hoặc loại cả vòng thi của một thí sinh."}
            )
        text = judging.written(reason, field="reason", limit=judging.REASON_MAX, missing="Hãy ghi lý do loại.")
        if attempt is not None:
            summary = await self._storage.attempts.summary(attempt)
            if summary is None or summary.round_id != round_id:
                raise Invalid({"attempt_id": "Bài thi này không thuộc vòng thi."})
            participant = summary.user_id
        else:
            taken = await self._storage.attempts.of_user(participant or 0)
            if not any(a.round_id == round_id for a in taken):
                raise Invalid({"user_id": "Thí sinh này không dự vòng thi."})
        assert participant is not None
        judging.check_under_review((await self._review(round_id)).phase)
        done = await self._storage.judging.disqualify(
            round_id=round_id,
            user_id=participant,
            attempt_id=attempt,
            reason=text,
            judge_id=user.id,
            now=self._clock.now(),
        )
        if done is None:
            raise Conflict("Bài thi hoặc thí sinh này đang bị loại rồi.", code="already_disqualified")
        await self._leaderboards.refresh(round_id, Phase.UNDER_REVIEW)
        return done

    async def reinstate(self, user: User, disqualification_id: int, reason: object) -> Disqualification:
        """Lift a disqualification with a written reason; logged. NotFound,
        Invalid without a reason, :class:`judging.NotUnderReview` (409), or
        Conflict (409 ``already_reinstated``)."""
        require(user, Capability.JUDGE_ROUND)
        found = await self._storage.judging.disqualification(disqualification_id)
        if found is None:
            raise NotFound(NO_DISQUALIFICATION)
        text = judging.written(reason, field="reason", limit=judging.REASON_MAX, missing="Hãy ghi lý do khôi phục.")
        judging.check_under_review((await self._review(found.round_id)).phase)
        if not found.active:
            raise Conflict("Quyết định loại này đã được huỷ.", code="already_reinstated")
        if not await self._storage.judging.reinstate(found=found, reason=text, judge_id=user.id, now=self._clock.now()):
            raise Conflict("Quyết định loại này vừa được thay đổi. Vui lòng tải lại trang.", code="already_reinstated")
        await self._leaderboards.refresh(found.round_id, Phase.UNDER_REVIEW)
        lifted = await self._storage.judging.disqualification(disqualification_id)
        assert lifted is not None
        return lifted

    async def decide_prize(
        self, user: User, round_id: int, *, prize: object, user_ids: object, reason: object
    ) -> PrizeDecision:
        """Record the judges' decision on a tie across a prize boundary in
        the round's stored standings (``prizes.decide``): ``prize`` to
        ``user_ids``, all in one such tie, for a written ``reason``; logged
        with the decision it replaces. Invalid for a prize or participants
        that fit no tie, or without a reason; Conflict (409
        ``not_deciding``) unless the round is under review or provisional."""
        require(user, Capability.JUDGE_ROUND)
        round_ = await self._catalog.round(round_id)
        text = judging.written(reason, field="reason", limit=judging.REASON_MAX, missing="Hãy ghi lý do quyết định.")
        phase = (await self._review(round_id)).phase
        if phase not in DECIDING:
            raise Conflict(NOT_DECIDING, code="not_deciding")
        decision = prizes.decide((await settled(self._storage, round_)).awards.ties, prize, user_ids, text)
        made = await self._storage.judging.decide(
            round_id=round_id, decision=decision, phases=DECIDING, judge_id=user.id, now=self._clock.now()
        )
        if made is None:
            raise Conflict(NOT_DECIDING, code="not_deciding")
        return made

    async def review_ranking(self, user: User, round_id: int, page: object = None, q: str = "") -> ReviewPage:
        """A page of the round's stored standings for judges, matching ``q``
        (name, unit or area, typed without diacritics if need be), each row
        with its flags (``domain/flags.py``) and all the participant's
        attempts. NotFound until the round has been ranked (under review);
        Invalid for a page that is not a whole number from 1."""
        require(user, Capability.JUDGE_ROUND)
        await self._catalog.round(round_id)
        head = await self._storage.leaderboards.head(round_id)
        if head is None:
            raise NotFound(NO_STANDINGS)
        number = (
            1 if page in (None, "") else parse_int(page, field="page", label="Số trang", minimum=1, maximum=PAGE_MAX)
        )
        if q.strip():
            matching = [
                e for e in await self._storage.leaderboards.entries(round_id) if matches(q, e.name, e.unit, e.area)
            ]
            found = len(matching)
            entries = matching[(number - 1) * REVIEW_PAGE_SIZE : number * REVIEW_PAGE_SIZE]
        else:
            found = head.size
            offset = (number - 1) * REVIEW_PAGE_SIZE
            entries = await self._storage.leaderboards.entries(round_id, offset=offset, limit=REVIEW_PAGE_SIZE)
        users = [e.user_id for e in entries]
        twins = await self._storage.judging.twins(round_id, users)
        near = await self._storage.judging.neighbours([e.attempt_id for e in entries], within=NEIGHBOURHOOD)
        copies = await self._copies(round_id, [e.attempt_id for e in entries])
        attempts = await self._storage.judging.attempts_of(round_id, users)
        rows = tuple(
            ReviewRow(
                e,
                tuple(
                    f
                    for f in (
                        flags.too_fast(correct=e.correct, duration_ms=e.duration_ms),
                        flags.shared_address(near.get(e.attempt_id, 0)),
                        flags.same_person(twins.get(e.user_id, 0)),
                        flags.identical_answers(copies.get(e.attempt_id, [])),
                    )
                    if f is not None
                ),
                tuple(attempts.get(e.user_id, ())),
            )
            for e in entries
        )
        return ReviewPage(head, rows, found, number, max(1, -(-found // REVIEW_PAGE_SIZE)))

    async def open_attempt(self, user: User, attempt_id: int) -> AttemptReview:
        """An attempt as judges review it (:class:`AttemptReview`), the
        participant's account with it only when a flag was raised or ``user``
        may see personal data anyway (an admin); NotFound for no such attempt."""
        require(user, Capability.JUDGE_ROUND)
        attempt = await self._storage.attempts.get(attempt_id)
        if attempt is None:
            raise NotFound(NO_ATTEMPT)
        twins = await self._storage.judging.twins(attempt.round_id, [attempt.user_id])
        near = await self._storage.judging.neighbours([attempt_id], within=NEIGHBOURHOOD)
        copies = await self._copies(attempt.round_id, [attempt_id])
        raised = (
            flags.too_fast(correct=attempt.result.correct, duration_ms=attempt.result.duration_ms)
            if attempt.result
            else None,
            flags.shared_address(near.get(attempt_id, 0)),
            flags.same_person(twins.get(attempt.user_id, 0)),
            flags.identical_answers(copies.get(attempt_id, [])),
        )
        found = tuple(f for f in raised if f is not None)
        personal = found or can(user, Capability.VIEW_PERSONAL_DATA)
        account = await self._storage.accounts.get(attempt.user_id) if personal else None
        saved = await self._storage.judging.saved_at(attempt_id)
        return AttemptReview(attempt, saved, found, account, await self._storage.judging.client(attempt_id))

    async def _copies(self, round_id: int, attempt_ids: list[int]) -> dict[int, list[str]]:
        """For each of ``attempt_ids`` (of round ``round_id``), the names of
        the other accounts that sent the same answer sheet
        (``JudgingStore.copies``), every sheet of the round digested first:
        the sweeper digests those submitted before the digest existed, but
        the judges may come sooner (``AttemptStore.fill_sheets``)."""
        await self._storage.attempts.fill_sheets(round_id=round_id)
        return await self._storage.judging.copies(attempt_ids)

    async def note_client(self, attempt_id: int, address: str, agent: str) -> None:
        """Keep where a new attempt was started from (address and browser),
        for the judges' review only."""
        await self._storage.judging.note_client(attempt_id, address, agent)

    async def disqualifications(self, user: User, round_id: int) -> list[Disqualification]:
        require(user, Capability.JUDGE_ROUND)
        await self._catalog.round(round_id)
        return await self._storage.judging.disqualifications(round_id)

"""The judges' review, stated once: when participants may complain, when
results may become final, when a judge may disqualify, and what people write.

- Publishing provisional results opens a complaint window of the round's
  ``complaint_window_hours`` (0 allowed: no window), counted from the latest
  provisional publication. A participant complains, about a question they were
  given or about their own result, only while the round is provisional and the
  window is open.
- Results become final only once the window has closed and every complaint
  has a written answer.
- A judge disqualifies (a participant's whole round, or one attempt) and
  reinstates only while the round is under review: published results change
  only by publishing them again, and publishing again lists who moved from
  which rank to which (:func:`moves`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.domain.contests import VIETNAM
from contest.domain.models import Phase
from contest.domain.phases import LABELS, PhaseRefused
from contest.domain.text import read_text
from contest.errors import Conflict, Invalid, Message

COMPLAINT_MAX = 2000
ANSWER_MAX = 4000
REASON_MAX = 2000
"""The longest complaint, answer and reason, in characters."""


class ComplaintsClosed(Conflict):
    code = "complaints_closed"


class NotUnderReview(Conflict):
    code = "not_under_review"


@dataclass(frozen=True, slots=True)
class Review:
    """What the rules need to know of a round under review: its stored
    phase, when its results were last published provisionally (None: never),
    its window and how many complaints have no answer yet."""

    phase: Phase
    published_at: datetime | None
    window_hours: int
    unanswered: int

    @property
    def window_closes(self) -> datetime | None:
        if self.published_at is None:
            return None
        return self.published_at + timedelta(hours=self.window_hours)

    def window_open(self, now: datetime) -> bool:
        closes = self.window_closes
        return self.phase is Phase.PROVISIONAL and closes is not None and now < closes


def check_complaint(review: Review, now: datetime) -> None:
    """Allow a complaint at ``now``, or raise :class:`ComplaintsClosed` (409)
    saying why."""
    if review.window_open(now):
        return
    if review.phase is not Phase.PROVISIONAL:
        raise ComplaintsClosed("Chỉ gửi khiếu nại khi vòng thi đã công bố kết quả tạm thời.")
    raise ComplaintsClosed("Đã hết thời hạn gửi khiếu nại của vòng thi này.")


def check_final(review: Review, now: datetime) -> None:
    """Allow publishing final results at ``now``, or raise
    :class:`PhaseRefused` (409) saying why: the complaint window is still
    open (``complaint_window_open``, saying until when, dd/mm/yyyy HH:MM
    Vietnam time), or a complaint has no answer yet
    (``complaints_unanswered``, saying how many)."""
    if review.window_open(now) and review.window_closes is not None:
        until = review.window_closes.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
        raise PhaseRefused(
            Message(
                "Thời hạn khiếu nại chưa hết (đến {until} giờ Việt Nam):"
                " chỉ công bố kết quả chính thức sau khi hết hạn.",
                until=until,
            ),
            code="complaint_window_open",
        )
    if review.unanswered:
        raise PhaseRefused(
            Message(
                "Còn {count} khiếu nại chưa được trả lời: trả lời hết trước khi công bố kết quả chính thức.",
                count=review.unanswered,
            ),
            code="complaints_unanswered",
        )


def check_under_review(phase: Phase) -> None:
    """Allow a disqualification or a reinstatement in ``phase``, or raise
    :class:`NotUnderReview` (409)."""
    if phase is not Phase.UNDER_REVIEW:
        raise NotUnderReview(
            f"Chỉ loại hoặc khôi phục bài thi khi vòng thi ở giai đoạn «{LABELS[Phase.UNDER_REVIEW]}»"
            f" (hiện tại: «{LABELS[phase]}»)."
        )


def written(value: object, *, field: str, limit: int, missing: str) -> str:
    """What someone wrote in ``field``, trimmed; :class:`Invalid` (422) when
    it is not text, empty (``missing`` says what is needed) or longer than
    ``limit`` characters."""
    text = read_text(value, field=field) if isinstance(value, str) else ""
    if not text:
        raise Invalid({field: missing})
    if len(text) > limit:
        raise Invalid({field: f"Dài tối đa {limit} ký tự."})
    return text


@dataclass(frozen=True, slots=True)
class Move:
    """A participant whose rank changed between two publications; None: not
    ranked in that one (disqualified, or reinstated)."""

    user_id: int
    name: str
    before: int | None
    after: int | None


def moves(before: Mapping[int, tuple[str, int]], after: Mapping[int, tuple[str, int]]) -> list[Move]:
    """Who moved from which rank to which between the ranks last published
    and the new ones (each: user -> (name, rank)); ordered by new rank,
    those no longer ranked last."""
    found = [
        Move(user, name, before[user][1] if user in before else None, rank)
        for user, (name, rank) in after.items()
        if user not in before or before[user][1] != rank
    ]
    found += [Move(user, name, rank, None) for user, (name, rank) in before.items() if user not in after]
    return sorted(found, key=lambda m: (m.after is None, m.after or 0, m.before or 0, m.user_id))

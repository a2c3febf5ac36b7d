"""Many contests on one site: what makes a contest or a round well formed,
which contest a page without a contest in its address means, and how the
home page groups them.

A contest runs from ``starts_at`` to ``ends_at``; its rounds lie within that
time, so a contest's status (:func:`contest.domain.timing.contest_status`) and
its rounds' agree. The slug is the contest's address (``/contests/{slug}``):
lower-case ASCII letters, digits and single hyphens, as Vietnamese sites write
titles without diacritics (``chinh-quyen-so``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from contest.domain.models import Contest, ContestStatus, RoundRules
from contest.domain.timing import contest_status
from contest.errors import Conflict, Invalid

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 80
TITLE_MAX = 300
AREA_MAX = 200


def check_contest(
    *, slug: str, title: str, starts_at: datetime, ends_at: datetime, areas: Sequence[str], min_age: int | None
) -> None:
    """:class:`Invalid` naming each wrong field (``slug``, ``title``,
    ``ends_at``, ``areas``, ``min_age``) with a Vietnamese message."""
    errors: dict[str, str] = {}
    if len(slug) > SLUG_MAX or not SLUG.fullmatch(slug):
        errors["slug"] = (
            f"Địa chỉ cuộc thi gồm chữ thường không dấu, chữ số và dấu gạch ngang, tối đa {SLUG_MAX} ký tự "
            "(ví dụ chinh-quyen-so)."
        )
    if not title.strip() or len(title) > TITLE_MAX:
        errors["title"] = f"Tên cuộc thi không được để trống, tối đa {TITLE_MAX} ký tự."
    if ends_at <= starts_at:
        errors["ends_at"] = "Thời điểm kết thúc cuộc thi phải sau thời điểm bắt đầu."
    names = [name.strip() for name in areas]
    if not names:
        errors["areas"] = "Cuộc thi cần ít nhất một nơi cư trú để thí sinh chọn."
    elif any(not name or len(name) > AREA_MAX for name in names):
        errors["areas"] = f"Mỗi nơi cư trú có tên, tối đa {AREA_MAX} ký tự."
    elif len(set(names)) != len(names):
        errors["areas"] = "Danh sách nơi cư trú có tên trùng nhau."
    if min_age is not None and not 0 < min_age < 120:
        errors["min_age"] = "Tuổi tối thiểu phải từ 1 đến 119."
    if errors:
        raise Invalid(errors)


def check_round(*, contest: Contest, title: str, opens_at: datetime, closes_at: datetime, rules: RoundRules) -> None:
    """:class:`Invalid` naming each wrong field: a round has a title, closes
    after it opens, lies within its contest's time, and asks for at least one
    question, one second and one attempt, and for no negative topic quota."""
    errors: dict[str, str] = {}
    if not title.strip() or len(title) > TITLE_MAX:
        errors["title"] = f"Tên vòng thi không được để trống, tối đa {TITLE_MAX} ký tự."
    if closes_at <= opens_at:
        errors["closes_at"] = "Thời điểm đóng vòng thi phải sau thời điểm mở."
    elif opens_at < contest.starts_at or closes_at > contest.ends_at:
        errors["opens_at"] = "Vòng thi phải nằm trong thời gian diễn ra cuộc thi."
    if rules.question_count < 1:
        errors["question_count"] = "Vòng thi cần ít nhất một câu hỏi."
    if rules.duration_seconds < 1:
        errors["duration_seconds"] = "Thời gian làm bài phải dài hơn 0 giây."
    if rules.attempts_allowed < 1:
        errors["attempts_allowed"] = "Mỗi thí sinh cần được thi ít nhất một lượt."
    if any(n < 0 for _topic, n in rules.topic_quota) or sum(n for _t, n in rules.topic_quota) > rules.question_count:
        errors["topic_quota"] = "Số câu theo chủ đề không âm và không vượt quá số câu của vòng thi."
    if errors:
        raise Invalid(errors)


def check_still_open(contest: Contest, now: datetime) -> None:
    """A contest takes new participants (registering under it, or joining it)
    until it ends; after that, :class:`Conflict` ``contest_over``."""
    if contest_status(contest, now) is ContestStatus.PAST:
        raise Conflict("Cuộc thi đã kết thúc, không nhận thêm người tham gia.", code="contest_over")


@dataclass(frozen=True)
class Listing:
    """The site's contests as the home page groups them: open now (the one
    that started last first), upcoming (soonest first), past (the one that
    ended last first)."""

    open: tuple[Contest, ...]
    upcoming: tuple[Contest, ...]
    past: tuple[Contest, ...]

    @classmethod
    def of(cls, contests: Iterable[Contest], now: datetime) -> Listing:
        by_status: dict[ContestStatus, list[Contest]] = {status: [] for status in ContestStatus}
        for contest in contests:
            by_status[contest_status(contest, now)].append(contest)
        return cls(
            open=tuple(sorted(by_status[ContestStatus.OPEN], key=lambda c: (c.starts_at, c.id), reverse=True)),
            upcoming=tuple(sorted(by_status[ContestStatus.UPCOMING], key=lambda c: (c.starts_at, c.id))),
            past=tuple(sorted(by_status[ContestStatus.PAST], key=lambda c: (c.ends_at, c.id), reverse=True)),
        )

    @property
    def current(self) -> Contest | None:
        """The contest an address without a contest in it means (``/register``,
        ``/privacy``, ``GET /api/v1/areas``): the open one that started last,
        else the upcoming one that starts first, else the one that ended last."""
        return next(iter(self.open + self.upcoming + self.past), None)

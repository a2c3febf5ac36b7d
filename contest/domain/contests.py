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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from contest.domain.eligibility import read_eligibility
from contest.domain.models import (
    CollectiveBy,
    Contest,
    ContestStatus,
    Counting,
    Difficulty,
    Prizes,
    RoundRules,
    ShowScore,
    TieBreak,
    TrueFigure,
)
from contest.domain.numbers import parse_int, parse_int_at
from contest.domain.text import read_choice, read_text
from contest.domain.timing import contest_status
from contest.errors import Conflict, Invalid

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 80
TITLE_MAX = 300
AREA_MAX = 200
HEADCOUNT_MAX = 10_000_000
"""The most people a unit may count (its ``headcount``, stored in an
``INTEGER`` column)."""


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot be a contest's address, in Vietnamese, or None
    when it can: :data:`SLUG` (lower-case ASCII letters and digits in words
    joined by hyphens), at most :data:`SLUG_MAX` characters, and not digits
    only, since ``/api/v1/contests/1/…`` reads ``1`` as a contest's id and
    ``/contests/1`` would show another contest."""
    if len(slug) > SLUG_MAX or not SLUG.fullmatch(slug):
        return (
            f"Địa chỉ cuộc thi gồm chữ thường không dấu, chữ số và dấu gạch ngang, tối đa {SLUG_MAX} ký tự "
            "(ví dụ chinh-quyen-so)."
        )
    if slug.isdigit():
        return "Địa chỉ cuộc thi không được chỉ gồm chữ số: hãy thêm chữ, ví dụ thi-2027 thay cho 2027."
    return None


def check_contest(
    *,
    slug: str | None,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    areas: Sequence[str],
    min_age: int | None,
    units: Sequence[tuple[str, int | None]] = (),
) -> None:
    """:class:`Invalid` naming each wrong field (``slug`` by
    :func:`slug_problem`, None for a contest's own address, which no edit
    changes; ``title``, ``ends_at``, ``areas``, ``units``, ``min_age``) with a Vietnamese message.
    Units (name, headcount) are optional: without a list, participants type
    their unit."""
    errors: dict[str, str] = {}
    if slug is not None and (wrong := slug_problem(slug)) is not None:
        errors["slug"] = wrong
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
    unit_names = [name.strip() for name, _ in units]
    if any(not name or len(name) > AREA_MAX for name in unit_names):
        errors["units"] = f"Mỗi đơn vị có tên, tối đa {AREA_MAX} ký tự."
    elif len(set(unit_names)) != len(unit_names):
        errors["units"] = "Danh sách đơn vị có tên trùng nhau."
    elif any(headcount is not None and headcount < 1 for _, headcount in units):
        errors["units"] = "Số người của đơn vị phải lớn hơn 0."
    if min_age is not None and not 0 < min_age < 120:
        errors["min_age"] = "Tuổi tối thiểu phải từ 1 đến 119."
    if errors:
        raise Invalid(errors)


def check_round(*, contest: Contest, title: str, opens_at: datetime, closes_at: datetime, rules: RoundRules) -> None:
    """:class:`Invalid` naming each wrong field: a round has a title, closes
    after it opens, lies within its contest's time, and asks for at least one
    question, one second and one attempt, for no negative topic quota, and
    for counts per difficulty (when given) adding up to its questions."""
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
    levels = sum(n for _level, n in rules.difficulty_quota)
    if rules.difficulty_quota and levels != rules.question_count:
        errors["difficulty_quota"] = (
            f"Số câu theo mức độ cộng lại được {levels} câu, phải bằng số câu của vòng thi ({rules.question_count})."
        )
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


VIETNAM = timezone(timedelta(hours=7))
"""Asia/Ho_Chi_Minh: UTC+7 all year (Vietnam keeps no daylight saving time)."""

COUNTING_LABELS = {
    Counting.BEST: "Lượt có kết quả cao nhất",
    Counting.FIRST: "Lượt đầu tiên",
    Counting.LAST: "Lượt cuối cùng",
}
TIE_BREAK_LABELS = {
    TieBreak.PREDICTION: "Điểm → dự đoán → thời gian làm bài → giờ nộp bài (mặc định)",
    TieBreak.PREDICTION_IF_PERFECT: "Điểm → dự đoán (chỉ xét bài đúng hết) → thời gian làm bài → giờ nộp bài",
    TieBreak.PREDICTION_THEN_SUBMISSION: "Điểm → dự đoán → giờ nộp bài",
    TieBreak.NO_PREDICTION: "Điểm → thời gian làm bài → giờ nộp bài (không xét dự đoán)",
}
"""The round's order after the score (``domain/ranking.py``), as its form offers it."""
TRUE_FIGURE_LABELS = {
    TrueFigure.ALL_CORRECT: "Số người trả lời đúng tất cả các câu (mặc định)",
    TrueFigure.PARTICIPANTS: "Số người tham gia",
    TrueFigure.ATTEMPTS: "Số lượt thi",
}
"""What the round's prediction question predicts, as its form offers it."""
SHOW_SCORE_LABELS = {
    ShowScore.IMMEDIATELY: "Ngay sau khi nộp bài",
    ShowScore.AFTER_PUBLICATION: "Khi công bố kết quả",
}
PRIZE_LABELS = {"first": "Giải Nhất", "second": "Giải Nhì", "third": "Giải Ba", "consolation": "Giải Khuyến khích"}
LIMIT = 1_000_000


def read_moment(value: object, *, field: str, label: str) -> datetime:
    """An ISO 8601 moment (``2026-12-01T10:00:00+07:00``) as an aware UTC
    datetime; one without an offset (``2026-12-01T10:00``, what a page's
    date-and-time field sends) is Vietnam time. :class:`Invalid` otherwise."""
    try:
        moment = datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise Invalid({field: f"{label}: nhập ngày giờ dạng 2026-12-01T10:00 (giờ Việt Nam) hoặc kèm múi giờ."})
    return (moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class RoundFigures:
    """A round's live figures: attempts started (in progress, submitted,
    expired) and how many participants started one."""

    in_progress: int = 0
    submitted: int = 0
    expired: int = 0
    participants: int = 0

    @property
    def started(self) -> int:
        return self.in_progress + self.submitted + self.expired


def time_left(closes_at: datetime, now: datetime) -> timedelta:
    """How long a round stays open (zero once closed)."""
    return max(closes_at - now, timedelta(0))


@dataclass(frozen=True)
class RoundSettings:
    """What a round is made of, as the console and the API give it."""

    title: str
    description: str
    opens_at: datetime
    closes_at: datetime
    bank_id: int
    rules: RoundRules


def _topic_quota(value: object) -> tuple[tuple[str, int], ...]:
    """``{"Chủ đề A": 3}`` (API) or lines ``Chủ đề A: 3`` (console)."""
    if isinstance(value, str):
        pairs = [line.rpartition(":")[::2] for line in value.splitlines() if line.strip()]
        if any(not topic.strip() for topic, _ in pairs):
            raise Invalid({"topic_quota": "Mỗi dòng ghi «Tên chủ đề: số câu»."})
        items: list[tuple[str, object]] = [(topic.strip(), n) for topic, n in pairs]
    elif isinstance(value, Mapping):
        items = [(str(topic).strip(), n) for topic, n in value.items()]
    else:
        raise Invalid({"topic_quota": "Số câu theo chủ đề: mỗi chủ đề một số câu."})

    def count(topic: str, n: object) -> int:
        where = topic if isinstance(value, Mapping) else None  # the API's message starts "topic_quota.Chủ đề A: "
        return parse_int_at(n, field="topic_quota", label="Số câu theo chủ đề", minimum=1, maximum=LIMIT, where=where)

    return tuple((topic, count(topic, n)) for topic, n in items)


def _difficulty_quota(
    fields: Mapping[str, object], base: tuple[tuple[Difficulty, int], ...]
) -> tuple[tuple[Difficulty, int], ...]:
    """``{"difficulty_quota": {"easy": 3, …}}`` (API) or ``difficulty_easy``
    … (console); a difficulty left blank asks for none of it, all left
    blank (or all 0) for no counts per difficulty. Left out entirely:
    ``base``."""
    given = fields.get("difficulty_quota")
    names = [f"difficulty_{level.value}" for level in Difficulty]
    if given is None and not any(name in fields for name in names):
        return base
    if given is not None and not isinstance(given, Mapping):
        raise Invalid({"difficulty_quota": "Số câu theo mức độ: số câu dễ, trung bình, khó."})
    nested: Mapping[str, object] = given or {}
    unknown = set(nested) - {level.value for level in Difficulty}
    if unknown:
        raise Invalid({"difficulty_quota": "Mức độ là easy (dễ), medium (trung bình) hoặc hard (khó)."})
    counts = []
    for level in Difficulty:
        raw = nested.get(level.value, fields.get(f"difficulty_{level.value}"))
        label = f"Số câu {level.label.lower()}"
        where = level.value if level.value in nested else None
        n = (
            0
            if raw is None or raw == ""
            else parse_int_at(raw, field="difficulty_quota", label=label, minimum=0, maximum=LIMIT, where=where)
        )
        if n:
            counts.append((level, n))
    return tuple(counts)


def _prizes(fields: Mapping[str, object], base: Prizes) -> Prizes:
    """``{"prizes": {"first": 1, …}}`` (API: a wrong number is named
    ``prizes``, its message starting ``prizes.first:``) or ``prize_first`` …
    (console: named ``prize_first``); a kind left out keeps ``base``'s number."""
    given = fields.get("prizes")
    nested: Mapping[str, object] = given if isinstance(given, Mapping) else {}
    if given is not None and not isinstance(given, Mapping):
        raise Invalid({"prizes": "Cơ cấu giải: số giải Nhất, Nhì, Ba, Khuyến khích."})
    if unknown := sorted(str(key) for key in nested if key not in PRIZE_LABELS):
        raise Invalid({"prizes": f"Không có loại giải {', '.join(unknown)}: chỉ first, second, third, consolation."})
    counts = {}
    for kind, label in PRIZE_LABELS.items():
        raw = nested.get(kind, fields.get(f"prize_{kind}"))
        blank = raw is None or raw == ""
        field, where = ("prizes", kind) if kind in nested else (f"prize_{kind}", None)
        counts[kind] = (
            getattr(base, kind)
            if blank
            else parse_int_at(raw, field=field, label=label, minimum=0, maximum=LIMIT, where=where)
        )
    return Prizes(**counts)


def read_round(fields: Mapping[str, object], *, base: RoundSettings | None = None) -> RoundSettings:
    """A round's settings from a form or a JSON body; with ``base`` (a
    change), what ``fields`` leaves out stays as it was. :class:`Invalid`
    naming every field that cannot be read; whether the settings can work
    together is :func:`check_round`'s."""
    errors: dict[str, str] = {}

    def take(name: str, read: Callable[[object], Any], default: Any) -> Any:
        raw = fields.get(name)
        if raw is None or (raw == "" and name not in _TEXTS):
            if base is None and default is _REQUIRED:
                errors[name] = "Vui lòng nhập mục này."
            return default
        try:
            return read(raw)
        except Invalid as exc:
            errors.update(exc.errors)
            return default

    def whole(name: str, label: str, minimum: int) -> Callable[[object], int]:
        return lambda raw: parse_int(raw, field=name, label=label, minimum=minimum, maximum=LIMIT)

    def choice(name: str, labels: Mapping[Any, str]) -> Callable[[object], Any]:
        return lambda raw: read_choice(raw, field=name, choices=labels)

    def text(name: str, *, one_line: bool = False) -> Callable[[object], str]:
        return lambda raw: read_text(raw, field=name, one_line=one_line)

    old = base or RoundSettings("", "", datetime.min, datetime.min, 0, RoundRules(1, 1, 1))
    required = _REQUIRED if base is None else None
    seconds = take("duration_seconds", whole("duration_seconds", "Thời gian làm bài (giây)", 1), None)
    minutes = take("duration_minutes", whole("duration_minutes", "Thời gian làm bài (phút)", 1), None)
    duration = seconds if seconds is not None else minutes * 60 if minutes is not None else old.rules.duration_seconds
    if base is None and seconds is None and minutes is None and "duration_seconds" not in errors:
        errors.setdefault(
            "duration_minutes" if "duration_minutes" in fields else "duration_seconds", "Vui lòng nhập mục này."
        )
    rules = RoundRules(
        question_count=take("question_count", whole("question_count", "Số câu hỏi", 1), old.rules.question_count),
        duration_seconds=duration,
        attempts_allowed=take(
            "attempts_allowed", whole("attempts_allowed", "Số lượt thi", 1), old.rules.attempts_allowed
        ),
        topic_quota=take("topic_quota", _topic_quota, old.rules.topic_quota),
        prediction_question=take("prediction_question", text("prediction_question"), old.rules.prediction_question),
        counting=take("counting", choice("counting", COUNTING_LABELS), old.rules.counting),
        tie_break=take("tie_break", choice("tie_break", TIE_BREAK_LABELS), old.rules.tie_break),
        true_figure=take("true_figure", choice("true_figure", TRUE_FIGURE_LABELS), old.rules.true_figure),
        show_score=take("show_score", choice("show_score", SHOW_SCORE_LABELS), old.rules.show_score),
        complaint_window_hours=take(
            "complaint_window_hours",
            whole("complaint_window_hours", "Số giờ nhận khiếu nại", 0),
            old.rules.complaint_window_hours,
        ),
        prizes=old.rules.prizes,
    )
    try:
        rules = replace(rules, prizes=_prizes(fields, old.rules.prizes))
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        rules = replace(rules, eligibility=read_eligibility(fields, old.rules.eligibility))
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        rules = replace(rules, difficulty_quota=_difficulty_quota(fields, old.rules.difficulty_quota))
    except Invalid as exc:
        errors.update(exc.errors)
    settings = RoundSettings(
        title=take("title", text("title", one_line=True), required or old.title),
        description=take("description", text("description"), old.description),
        opens_at=take(
            "opens_at", lambda raw: read_moment(raw, field="opens_at", label="Mở vòng"), required or old.opens_at
        ),
        closes_at=take(
            "closes_at", lambda raw: read_moment(raw, field="closes_at", label="Đóng vòng"), required or old.closes_at
        ),
        bank_id=take("bank_id", whole("bank_id", "Ngân hàng câu hỏi", 1), required or old.bank_id),
        rules=rules,
    )
    if errors:
        raise Invalid(errors)
    return settings


WEEKS_MAX = 52


def read_weeks(fields: Mapping[str, object]) -> int:
    """How many weekly rounds to make from one form (``weeks``, 1 to 52;
    left out or empty: 1)."""
    raw = fields.get("weeks")
    if raw is None or raw == "":
        return 1
    return parse_int(raw, field="weeks", label="Số tuần", minimum=1, maximum=WEEKS_MAX)


def weekly(settings: RoundSettings, weeks: int) -> list[RoundSettings]:
    """A weekly series: the first round as given, each next one a week
    later (every Monday 10:00 to the next Monday 09:00 stays so, Vietnam
    keeping one offset all year); with more than one, each title ends with
    its week ("Vòng tuần – tuần 2")."""
    if weeks == 1:
        return [settings]
    return [
        replace(
            settings,
            title=f"{settings.title} – tuần {k + 1}",
            opens_at=settings.opens_at + timedelta(weeks=k),
            closes_at=settings.closes_at + timedelta(weeks=k),
        )
        for k in range(weeks)
    ]


_TEXTS = frozenset({"title", "description", "prediction_question", "topic_quota"})
"""Settings an empty box sets to empty; any other left empty is left out."""

_REQUIRED: Any = object()
"""A field a new round cannot do without."""


@dataclass(frozen=True)
class ContestSettings:
    """What a contest is made of, as the console and the API give it."""

    slug: str
    title: str
    description: str
    rules: str
    privacy_notice: str
    min_age: int | None
    starts_at: datetime
    ends_at: datetime
    areas: tuple[str, ...]
    units: tuple[tuple[str, int | None], ...]
    verify_phone: bool = False
    collective_by: CollectiveBy = CollectiveBy.PARTICIPANTS


def _names(value: object, *, field: str) -> list[Mapping[str, object]]:
    """``[{"name": …}, …]`` (API) or one name a line (console; a unit's
    headcount after a ``|``: ``Sở Tư pháp | 120``)."""
    if isinstance(value, str):
        rows: list[Mapping[str, object]] = []
        for line in value.splitlines():
            name, bar, headcount = line.partition("|")
            if name.strip():
                rows.append({"name": name.strip(), "headcount": headcount.strip() if bar else None})
        return rows
    if isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
        return list(value)
    raise Invalid({field: "Danh sách gồm các mục, mỗi mục có tên (name)."})


def read_contest(fields: Mapping[str, object]) -> ContestSettings:
    """A contest's settings from a form or a JSON body: :class:`Invalid`
    naming every field that cannot be read (whether they make a contest is
    :func:`check_contest`'s)."""
    errors: dict[str, str] = {}

    def text(name: str, raw: object, *, one_line: bool = False) -> str:
        try:
            return read_text(raw, field=name, one_line=one_line)
        except Invalid as exc:
            errors.update(exc.errors)
            return ""

    def moment(name: str, label: str) -> datetime:
        try:
            return read_moment(fields.get(name), field=name, label=label)
        except Invalid as exc:
            errors.update(exc.errors)
            return datetime.min.replace(tzinfo=UTC)

    def listed(name: str) -> list[Mapping[str, object]]:
        try:
            return _names(fields.get(name) or [], field=name)
        except Invalid as exc:
            errors.update(exc.errors)
            return []

    areas = tuple(text("areas", item.get("name"), one_line=True) for item in listed("areas"))
    units: list[tuple[str, int | None]] = []
    for i, item in enumerate(listed("units")):
        headcount = item.get("headcount")
        where = f"{i}.headcount" if isinstance(fields.get("units"), list) else None  # the API's: "units.0.headcount: "
        count = None
        try:
            if headcount not in (None, ""):
                count = parse_int_at(headcount, field="units", label="Số người", maximum=HEADCOUNT_MAX, where=where)
        except Invalid as exc:
            errors.update(exc.errors)
        units.append((text("units", item.get("name"), one_line=True), count))
    raw_age = fields.get("min_age")
    min_age = None
    if raw_age not in (None, ""):
        try:
            min_age = parse_int(raw_age, field="min_age", label="Tuổi tối thiểu", minimum=1, maximum=119)
        except Invalid as exc:
            errors.update(exc.errors)
    settings = ContestSettings(
        slug=text("slug", fields.get("slug")),
        title=text("title", fields.get("title"), one_line=True),
        description=text("description", fields.get("description")),
        rules=text("rules", fields.get("rules")),
        privacy_notice=text("privacy_notice", fields.get("privacy_notice")),
        min_age=min_age,
        starts_at=moment("starts_at", "Bắt đầu"),
        ends_at=moment("ends_at", "Kết thúc"),
        areas=areas,
        units=tuple(units),
        verify_phone=_flag(fields.get("verify_phone"), field="verify_phone", errors=errors),
        collective_by=_collective_by(fields.get("collective_by"), errors=errors),
    )
    if errors:
        raise Invalid(errors)
    return settings


def _collective_by(value: object, *, errors: dict[str, str]) -> CollectiveBy:
    """What collective prizes go by (absent or empty: participants); anything
    else adds a message to ``errors``."""
    if value in (None, ""):
        return CollectiveBy.PARTICIPANTS
    try:
        return read_choice(value, field="collective_by", choices={c: c.label for c in CollectiveBy})
    except Invalid as exc:
        errors.update(exc.errors)
        return CollectiveBy.PARTICIPANTS


NOT_YES_NO = "Mục này chỉ nhận có hoặc không (true/false)."


def _flag(value: object, *, field: str, errors: dict[str, str]) -> bool:
    """A yes/no setting: JSON true or false, or a checkbox (``on``, ``1``,
    ``true``; absent or empty is no); anything else adds a message to ``errors``."""
    if isinstance(value, bool):
        return value
    if value in (None, "", "0", "false", "off"):
        return False
    if value in ("on", "1", "true"):
        return True
    errors[field] = NOT_YES_NO
    return False

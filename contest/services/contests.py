"""Contests: making them (with their areas and rounds) and taking part in them.

:func:`create_contest` and :func:`create_round` are the one way a contest and
its rounds are made, by the demo seed, the tests and the load benchmark alike:
the domain checks the fields (:mod:`contest.domain.contests`) and a refusal is
a typed error naming them. :class:`Contests` is what pages and the API ask
about taking part: whether a participant has joined a contest, and joining
it with the area and unit of that contest
(:func:`contest.domain.registration.validate_joining`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from contest.clock import Clock
from contest.domain import draw, phases, timing
from contest.domain.contests import (
    RoundFigures,
    RoundSettings,
    check_contest,
    check_round,
    check_still_open,
    read_contest,
    read_round,
    read_weeks,
    weekly,
)
from contest.domain.eligibility import Refusal, check_eligibility, check_still_before, to_json
from contest.domain.models import (
    CollectiveBy,
    Contact,
    Contest,
    Eligibility,
    Participation,
    Phase,
    Round,
    RoundRules,
    User,
)
from contest.domain.permissions import Capability, can, require
from contest.domain.registration import validate_joining
from contest.errors import Conflict, Invalid, Message, NotFound
from contest.services import eligibility
from contest.services.catalog import Catalog
from contest.services.facts import reported
from contest.storage import Duplicate, Storage
from contest.storage.facts import Missing

SLUG_TAKEN = "Địa chỉ này đã được dùng cho một cuộc thi khác."


class NotJoined(Conflict):
    """A participant asked for a round of a contest they have not joined:
    they join it first (area and unit for that contest)."""

    code = "not_joined"

    def __init__(self, contest: Contest) -> None:
        super().__init__(
            f"Bạn chưa tham gia cuộc thi «{contest.title}». Vui lòng chọn «Tham gia cuộc thi» và khai báo nơi cư "
            "trú, đơn vị công tác cho cuộc thi này trước khi vào thi."
        )
        self.contest = contest


class AlreadyJoined(Conflict):
    code = "already_joined"
    message = "Bạn đã tham gia cuộc thi này; thông tin khai báo lần đầu được giữ nguyên."


async def create_contest(
    storage: Storage,
    *,
    slug: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    areas: Sequence[str],
    now: datetime,
    description: str = "",
    rules: str = "",
    privacy_notice: str = "",
    min_age: int | None = None,
    contact: Contact | None = None,
    units: Sequence[tuple[str, int | None]] = (),
    actor_id: int | None = None,
    verify_phone: bool = False,
    collective_by: CollectiveBy = CollectiveBy.PARTICIPANTS,
) -> Contest:
    """A new contest with its areas and units (name, headcount) in this
    order, logged as ``actor_id``'s. :class:`Invalid` naming the wrong
    fields, or when the slug is taken."""
    check_contest(
        slug=slug, title=title, starts_at=starts_at, ends_at=ends_at, areas=areas, min_age=min_age, units=units
    )
    try:
        return await storage.contests.create(
            slug=slug,
            title=title.strip(),
            description=description,
            rules=rules,
            privacy_notice=privacy_notice,
            min_age=min_age,
            starts_at=starts_at,
            ends_at=ends_at,
            areas=[name.strip() for name in areas],
            now=now,
            contact=contact,
            units=[(name.strip(), headcount) for name, headcount in units],
            actor_id=actor_id,
            verify_phone=verify_phone,
            collective_by=collective_by,
        )
    except Duplicate:
        raise Invalid({"slug": SLUG_TAKEN}) from None


async def create_round(
    storage: Storage,
    *,
    contest: Contest,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    rules: RoundRules,
    bank_id: int,
    description: str = "",
    actor_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """A new round of ``contest``, drawing from ``bank_id``; returns its id
    (logged as ``actor_id``'s when ``now`` is given).
    :class:`Invalid` naming the wrong fields (:func:`check_round`);
    :class:`~contest.domain.draw.NotEnoughQuestions` (409) when the bank's
    current version cannot supply what the round asks for."""
    check_round(contest=contest, title=title, opens_at=opens_at, closes_at=closes_at, rules=rules)
    with reported():
        draw.check_rules(await storage.banks.questions(await storage.banks.current_version(bank_id)), rules)
    return await storage.contests.create_round(
        contest_id=contest.id,
        title=title.strip(),
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        rules=rules,
        bank_id=bank_id,
        actor_id=actor_id,
        now=now,
    )


async def add_contest(storage: Storage, *, actor: User, fields: Mapping[str, object], now: datetime) -> Contest:
    """A contest from the console's form or the API's body
    (:func:`~contest.domain.contests.read_contest`), logged as ``actor``'s;
    Forbidden without MANAGE_CONTESTS, :class:`Invalid` naming every wrong field."""
    require(actor, Capability.MANAGE_CONTESTS)
    settings = read_contest(fields)
    return await create_contest(
        storage,
        slug=settings.slug,
        title=settings.title,
        description=settings.description,
        rules=settings.rules,
        privacy_notice=settings.privacy_notice,
        min_age=settings.min_age,
        starts_at=settings.starts_at,
        ends_at=settings.ends_at,
        areas=settings.areas,
        units=settings.units,
        now=now,
        actor_id=actor.id or None,
        verify_phone=settings.verify_phone,
        collective_by=settings.collective_by,
    )


CONTEST_TEXTS = ("title", "description", "rules", "privacy_notice", "min_age", "verify_phone", "collective_by")


async def change_contest(
    storage: Storage,
    *,
    actor: User,
    contest: Contest,
    rounds: Sequence[Round],
    fields: Mapping[str, object],
    now: datetime,
) -> None:
    """Change a contest's texts and dates and add to its lists, from the
    console's form (its address stays: links to it are out there; the areas
    and units it has stay: participants chose them), in one transaction with
    the log's entry (what changed, before and after). Forbidden without
    MANAGE_CONTESTS; :class:`Invalid` naming wrong fields, a round of
    ``rounds`` outside the new dates included."""
    require(actor, Capability.MANAGE_CONTESTS)
    settings = read_contest({**fields, "slug": contest.slug})
    check_contest(
        slug=None,
        title=settings.title,
        starts_at=settings.starts_at,
        ends_at=settings.ends_at,
        areas=[a.name for a in contest.areas] + list(settings.areas),
        min_age=settings.min_age,
        units=[(u.name, u.headcount) for u in contest.units] + list(settings.units),
    )
    outside = [r.title for r in rounds if r.opens_at < settings.starts_at or r.closes_at > settings.ends_at]
    if outside:
        names = ", ".join(f"«{title}»" for title in outside)
        raise Invalid({"starts_at": f"Các vòng thi {names} sẽ nằm ngoài thời gian mới của cuộc thi."})
    texts = {name: getattr(settings, name) for name in CONTEST_TEXTS}
    old = {name: getattr(contest, name) for name in CONTEST_TEXTS}
    old.update(starts_at=contest.starts_at.isoformat(), ends_at=contest.ends_at.isoformat())
    new = {**texts, "starts_at": settings.starts_at.isoformat(), "ends_at": settings.ends_at.isoformat()}
    changed = [name for name in new if new[name] != old[name]]
    details = {
        "title": settings.title,
        "before": {name: old[name] for name in changed},
        "after": {name: new[name] for name in changed},
        "areas": list(settings.areas),
        "units": [name for name, _ in settings.units],
    }
    await storage.contests.update(
        contest.id,
        texts=texts,
        starts_at=settings.starts_at,
        ends_at=settings.ends_at,
        areas=settings.areas,
        units=settings.units,
        actor_id=actor.id or None,
        details=details,
        now=now,
    )


async def _check_draw(storage: Storage, settings: RoundSettings) -> None:
    """:class:`Invalid` beside the field when the bank's current version
    cannot supply what the round asks for, or the bank does not exist or is
    archived (set aside: a new round draws from a bank in use)."""
    try:
        bank = await storage.banks.get(settings.bank_id)
        questions = await storage.banks.questions(await storage.banks.current_version(settings.bank_id))
    except Missing:
        raise Invalid({"bank_id": "Không tìm thấy ngân hàng câu hỏi này."}) from None
    if bank.archived_at is not None:
        raise Invalid(
            {
                "bank_id": f"Ngân hàng «{bank.name}» đã được lưu trữ: chọn một ngân hàng đang dùng, hoặc đưa ngân hàng "
                "này trở lại trên trang của nó."
            }
        )
    try:
        draw.check_rules(questions, settings.rules)
    except draw.NotEnoughQuestions as short:
        raise Invalid({short.field: short.message}) from None


async def _check_eligibility(
    storage: Storage, contest: Contest, settings: RoundSettings, *, round_id: int | None = None
) -> None:
    """:func:`~contest.domain.eligibility.check_eligibility` against the
    contest's rounds as stored (a round open to all has nothing to check)."""
    rule = settings.rules.eligibility
    if rule.open_to_all and rule.top is None and rule.min_score is None:
        return
    rounds = [r for r in await storage.contests.rounds() if r.contest_id == contest.id]
    check_eligibility(rule, contest=contest, opens_at=settings.opens_at, rounds=rounds, round_id=round_id)


async def add_rounds(
    storage: Storage, *, actor: User, contest: Contest, fields: Mapping[str, object], now: datetime
) -> list[int]:
    """A round of ``contest`` from the console's form or the API's body
    (:func:`~contest.domain.contests.read_round`), or a weekly series of
    ``weeks`` of them (:func:`~contest.domain.contests.weekly`), each logged
    as ``actor``'s; returns their ids. Every round is checked before any is
    made. Forbidden without MANAGE_ROUNDS; :class:`Invalid` naming every
    setting that cannot work (unreadable, :func:`check_round`'s rules, a
    draw the bank's current version cannot supply; ``weeks`` when a later
    week falls outside the contest)."""
    require(actor, Capability.MANAGE_ROUNDS)
    settings = read_round(fields)
    series = weekly(settings, read_weeks(fields))
    for week, each in enumerate(series, start=1):
        try:
            check_round(
                contest=contest, title=each.title, opens_at=each.opens_at, closes_at=each.closes_at, rules=each.rules
            )
        except Invalid:
            if week == 1:
                raise
            raise Invalid({"weeks": f"Vòng của tuần thứ {week} nằm ngoài thời gian diễn ra cuộc thi."}) from None
    await _check_eligibility(storage, contest, settings)
    await _check_draw(storage, settings)
    return [
        await create_round(
            storage,
            contest=contest,
            title=each.title,
            description=each.description,
            opens_at=each.opens_at,
            closes_at=each.closes_at,
            rules=each.rules,
            bank_id=each.bank_id,
            actor_id=actor.id or None,
            now=now,
        )
        for each in series
    ]


def _settings(round_: Round) -> RoundSettings:
    return RoundSettings(
        title=round_.title,
        description=round_.description,
        opens_at=round_.opens_at,
        closes_at=round_.closes_at,
        bank_id=round_.bank_id,
        rules=round_.rules,
    )


def _flat(settings: RoundSettings) -> dict[str, object]:
    """A round's settings as the log records them (times as ISO 8601 UTC)."""
    rules = settings.rules
    return {
        "title": settings.title,
        "description": settings.description,
        "opens_at": settings.opens_at.isoformat(),
        "closes_at": settings.closes_at.isoformat(),
        "bank_id": settings.bank_id,
        "question_count": rules.question_count,
        "duration_seconds": rules.duration_seconds,
        "attempts_allowed": rules.attempts_allowed,
        "topic_quota": dict(rules.topic_quota),
        "difficulty_quota": {level.value: n for level, n in rules.difficulty_quota},
        "prediction_question": rules.prediction_question,
        "counting": rules.counting.value,
        "tie_break": rules.tie_break.value,
        "true_figure": rules.true_figure.value,
        "show_score": rules.show_score.value,
        "complaint_window_hours": rules.complaint_window_hours,
        "prizes": [rules.prizes.first, rules.prizes.second, rules.prizes.third, rules.prizes.consolation],
        "eligibility": to_json(rules.eligibility),
    }


async def round_figures(storage: Storage, *, actor: User, round_id: int) -> RoundFigures:
    """A round's live figures (attempts by status, participants), read
    afresh each time; Forbidden without MANAGE_ROUNDS."""
    require(actor, Capability.MANAGE_ROUNDS)
    return await storage.contests.figures(round_id)


async def qualified_count(storage: Storage, *, actor: User, rule: Eligibility) -> int:
    """How many participants a final's rule admits so far: those the final
    standings of its named rounds qualify (:mod:`contest.domain.eligibility`),
    each once; Forbidden without MANAGE_ROUNDS."""
    require(actor, Capability.MANAGE_ROUNDS)
    return await storage.contests.qualified(rule)


async def has_attempts(storage: Storage, *, actor: User, round_id: int) -> bool:
    """Whether a round has attempts, so that only what cannot change a
    result may still change (:func:`change_round`)."""
    require(actor, Capability.MANAGE_ROUNDS)
    return await storage.contests.has_attempts(round_id)


ROUND_FIELDS = {
    "title": "tên vòng",
    "description": "mô tả",
    "opens_at": "giờ mở",
    "closes_at": "giờ đóng",
    "earlier_close": "giờ đóng sớm hơn",
    "bank_id": "ngân hàng câu hỏi",
    "question_count": "số câu hỏi",
    "duration_seconds": "thời gian làm bài",
    "attempts_allowed": "số lượt thi",
    "topic_quota": "số câu theo chủ đề",
    "difficulty_quota": "số câu theo mức độ",
    "prediction_question": "câu hỏi dự đoán",
    "counting": "lượt được tính",
    "tie_break": "thứ tự xếp hạng",
    "true_figure": "con số cần dự đoán",
    "show_score": "thời điểm xem điểm",
    "complaint_window_hours": "thời hạn khiếu nại",
    "prizes": "cơ cấu giải",
    "eligibility": "điều kiện tham gia",
}
"""Each of a round's settings as the refusal names it."""

CHANGEABLE_WITH_ATTEMPTS = frozenset({"title", "description", "closes_at"})
"""What may still change once a round has attempts: what cannot change a
result (its texts, and its close moved later)."""

ROUND_HAS_ATTEMPTS = (
    "Vòng thi đã có bài thi nên chỉ được sửa tên, mô tả và dời giờ đóng muộn hơn; không thể đổi {fields}."
)


CHANGEABLE_WHEN_JUDGED = frozenset({"title", "description"})
"""What may still change once judges have taken a round up (under review,
provisional or final: ``phases.DECIDED``): its texts only. Its times would
reopen it to attempts no standings show, and its bank, rules, prizes and
eligibility decide who may take it and how it is scored, which the judges'
results rest on."""

ROUND_JUDGED = "Vòng thi đã được ban giám khảo chấm nên chỉ được sửa tên và mô tả; không thể đổi {fields}."
JUDGED_TIMES = "Vòng thi đã được ban giám khảo chấm, không thể đổi thời gian mở/đóng."
JUDGED_SETTING = "Vòng thi đã được ban giám khảo chấm, không thể đổi mục này."
PHASE_MOVED = (
    "Ban giám khảo vừa chuyển giai đoạn của vòng thi nên chưa lưu thay đổi. Vui lòng tải lại trang và thử lại."
)


class RoundJudged(Conflict):
    """A change of anything but a round's texts once judges have taken it up
    (409, :data:`CHANGEABLE_WHEN_JUDGED`); ``errors`` puts the reason beside
    each refused setting, as :class:`Invalid` does."""

    code = "round_judged"

    def __init__(self, fields: Sequence[str]) -> None:
        super().__init__(Message(ROUND_JUDGED, fields=", ".join(ROUND_FIELDS[f] for f in fields)))
        self.fields = tuple(fields)
        self.errors = {f: JUDGED_TIMES if f in ("opens_at", "closes_at") else JUDGED_SETTING for f in fields}


async def _check_not_judged(storage: Storage, round_id: int, changed: Sequence[str]) -> Phase:
    """The round's phase as stored now (not the catalog's copy, which may be
    a moment old), having raised :class:`RoundJudged` when it is a judges'
    phase and ``changed`` names more than the round's texts."""
    stored = await storage.phases.stored(round_id)
    if stored is None:
        raise NotFound("Không tìm thấy vòng thi.")
    frozen = [name for name in changed if name not in CHANGEABLE_WHEN_JUDGED]
    if stored in phases.DECIDED and frozen:
        raise RoundJudged(frozen)
    return stored


class RoundHasAttempts(Conflict):
    """A change that could alter a result, asked once a round has attempts (409)."""

    code = "round_has_attempts"

    def __init__(self, fields: Sequence[str]) -> None:
        super().__init__(ROUND_HAS_ATTEMPTS.format(fields=", ".join(ROUND_FIELDS[f] for f in fields)))
        self.fields = tuple(fields)


async def change_round(
    storage: Storage, *, actor: User, contest: Contest, round_: Round, fields: Mapping[str, object], now: datetime
) -> Round:
    """``round_`` with what ``fields`` gives changed (the rest stays), in one
    transaction with the log's entry (before and after of each changed
    setting); attempts in progress follow a moved close. Forbidden without
    MANAGE_ROUNDS; :class:`Invalid` as :func:`add_round`;
    :class:`RoundJudged` (409) for anything but its texts once judges have
    taken the round up (Conflict ``phase_moved`` when they moved its phase
    while the change was checked);
    :class:`RoundHasAttempts` (409) naming the settings that can no longer
    change once the round has attempts (an earlier close is one). Nothing
    changed or refused: nothing written or logged."""
    require(actor, Capability.MANAGE_ROUNDS)
    before = _settings(round_)
    after = read_round(fields, base=before)
    check_round(
        contest=contest, title=after.title, opens_at=after.opens_at, closes_at=after.closes_at, rules=after.rules
    )
    old, new = _flat(before), _flat(after)
    changed = [name for name in new if new[name] != old[name]]
    if not changed:
        return round_
    if "eligibility" in changed or "opens_at" in changed:
        await _check_eligibility(storage, contest, after, round_id=round_.id)
    if "closes_at" in changed:
        check_still_before(round_.id, closes_at=after.closes_at, rounds=await storage.contests.rounds())
    phase = await _check_not_judged(storage, round_.id, changed)
    if await storage.contests.has_attempts(round_.id):
        frozen = [name for name in changed if name not in CHANGEABLE_WITH_ATTEMPTS]
        if after.closes_at < before.closes_at:
            frozen.append("earlier_close")
        if frozen:
            raise RoundHasAttempts(frozen)
    else:
        await _check_draw(storage, after)
    moved = replace(
        round_,
        title=after.title,
        description=after.description,
        opens_at=after.opens_at,
        closes_at=after.closes_at,
        bank_id=after.bank_id,
        rules=after.rules,
    )
    written = await storage.contests.update_round(
        round_.id,
        phase=phase,
        title=after.title,
        description=after.description,
        opens_at=after.opens_at,
        closes_at=after.closes_at,
        bank_id=after.bank_id,
        rules=after.rules,
        deadline=lambda started: timing.deadline(moved, started),
        actor_id=actor.id or None,
        details={"before": {n: old[n] for n in changed}, "after": {n: new[n] for n in changed}},
        now=now,
    )
    if not written:
        raise Conflict(PHASE_MOVED, code="phase_moved")
    return moved


async def reschedule_round(
    storage: Storage, *, contest: Contest, round_: Round, opens_at: datetime, closes_at: datetime
) -> int:
    """Move a round's opening and close (:class:`Invalid` as
    :func:`create_round`; :class:`RoundJudged` as :func:`change_round` once
    judges have taken the round up). Its attempts in progress get the
    deadline the domain gives them for the round as moved
    (``timing.deadline``), in the same transaction; returns how many. Every
    process sees the change within a second or so through the data version
    (``services/catalog.py``), and so do their cached attempts, whose
    deadline follows the round."""
    check_round(contest=contest, title=round_.title, opens_at=opens_at, closes_at=closes_at, rules=round_.rules)
    changed = [name for name, at in (("opens_at", opens_at), ("closes_at", closes_at)) if at != getattr(round_, name)]
    phase = await _check_not_judged(storage, round_.id, changed)
    moved = replace(round_, opens_at=opens_at, closes_at=closes_at)
    count = await storage.contests.reschedule_round(
        round_.id,
        phase=phase,
        opens_at=opens_at,
        closes_at=closes_at,
        deadline=lambda started: timing.deadline(moved, started),
    )
    if count is None:
        raise Conflict(PHASE_MOVED, code="phase_moved")
    return count


class Contests:
    """Which contests a participant has joined, and joining one.

    Participations are never removed, so each process remembers the
    (participant, contest) pairs it has seen joined (``cache_size`` at most,
    least recently used first out): starting a round checks membership
    without a read after the first time."""

    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock, *, cache_size: int = 100_000) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._joined: OrderedDict[tuple[int, int], None] = OrderedDict()
        self._cache_size = cache_size

    def _remember(self, user_id: int, contest_id: int) -> None:
        self._joined[(user_id, contest_id)] = None
        self._joined.move_to_end((user_id, contest_id))
        if len(self._joined) > self._cache_size:
            self._joined.popitem(last=False)

    async def joined(self, user: User) -> dict[int, Participation]:
        """This participant's participations, by contest id (none for staff)."""
        if not can(user, Capability.TAKE_PART):
            return {}
        found = {p.contest_id: p for p in await self._storage.participations.of_user(user.id)}
        for contest_id in found:
            self._remember(user.id, contest_id)
        return found

    async def has_joined(self, user: User, contest: Contest) -> bool:
        """Whether this participant has joined ``contest``; Forbidden for staff,
        who never take part."""
        require(user, Capability.TAKE_PART)
        return contest.id in await self.joined(user)

    async def require_joined(self, user: User, contest_id: int) -> None:
        """:class:`NotJoined` unless this participant has joined the contest."""
        if (user.id, contest_id) in self._joined:
            self._joined.move_to_end((user.id, contest_id))
            return
        if contest_id not in await self.joined(user):
            raise NotJoined(await self._catalog.contest(contest_id))

    async def refusal(self, user: User, round_: Round) -> Refusal | None:
        """Why this participant may not enter ``round_`` (its units or areas,
        a final's qualification: :mod:`contest.domain.eligibility`), or None;
        None too before they have joined its contest (joining comes first)."""
        if round_.rules.eligibility.open_to_all:
            return None
        joined = (await self.joined(user)).get(round_.contest_id)
        if joined is None:
            return None
        return await eligibility.refusal(self._storage, self._catalog, round_=round_, joined=joined)

    async def require_eligible(self, user: User, round_: Round) -> None:
        """:class:`~contest.services.eligibility.NotEligible` (403, with the
        reason) unless this participant may enter ``round_``."""
        found = await self.refusal(user, round_)
        if found is not None:
            raise eligibility.NotEligible(found)

    async def join(self, user: User, contest: Contest, fields: Mapping[str, object]) -> Participation:
        """Join ``contest`` with the area and unit in ``fields``. Forbidden for
        staff, :class:`Invalid` naming wrong fields, :class:`AlreadyJoined`
        when this participant has joined it before (what they gave then is
        kept); a past contest cannot be joined any more."""
        require(user, Capability.TAKE_PART)
        now = self._clock.now()
        check_still_open(contest, now)
        if contest.id in await self.joined(user):
            raise AlreadyJoined()
        joining = validate_joining(fields, contest=contest)
        if not await self._storage.participations.join(
            user_id=user.id, contest_id=contest.id, area_id=joining.area_id, unit=joining.unit, now=now
        ):
            raise AlreadyJoined()
        self._remember(user.id, contest.id)
        return Participation(
            user_id=user.id, contest_id=contest.id, area_id=joining.area_id, unit=joining.unit, joined_at=now
        )

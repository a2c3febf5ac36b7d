"""Who may enter a round: qualifying rounds kept to some units or areas, and
finals open only to those who qualified from named earlier rounds.

A round's rule is an :class:`~contest.domain.models.Eligibility`. The console
and the API give it (:func:`read_eligibility`), the domain checks that it can
work (:func:`check_eligibility`), and starting an attempt asks
:func:`refusal`, which also words the reason a participant sees.

Qualification reads the *final* standings of the named rounds only. The
provisional ones can still change after complaints and judges' decisions
(issue 9: provisional results, then a complaint window, then final): letting
a participant in on a provisional rank could admit someone a later correction
pushes out, or keep out someone it lifts, after the final has begun. So until
a named round's results are final, its participants are told so and wait.
Ties share a rank (``domain/ranking.py``), so "the best N" admits everyone
ranked N or better, ties at the boundary included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from contest.domain.models import Contest, Eligibility, Round
from contest.domain.numbers import parse_int
from contest.domain.text import read_choice
from contest.errors import Invalid

LIMIT = 1_000_000

OPEN_TO = {
    "everyone": "Mọi thí sinh",
    "units": "Thí sinh thuộc các đơn vị đã chọn",
    "areas": "Thí sinh cư trú tại các nơi đã chọn",
}
"""The console's "open to" choices."""

QUALIFY_BY = {"none": "Không xét", "top": "Top N của mỗi vòng", "score": "Đạt từ S điểm ở một trong các vòng"}
"""The console's "qualify from earlier rounds" choices."""


@dataclass(frozen=True, slots=True)
class Place:
    """A participant's result in one of the rounds a final names: whether that
    round's standings are final, and the participant's rank and score in them
    (None: not ranked there)."""

    round_id: int
    title: str
    final: bool
    question_count: int
    rank: int | None = None
    score: int | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a participant may not enter: a stable code and a Vietnamese message."""

    code: str
    message: str


def _names(items: Sequence[str]) -> str:
    return ", ".join(f"«{item}»" for item in items)


def requirement(rule: Eligibility, titles: Sequence[str]) -> str:
    """A final's condition in words: "Vòng chung kết dành cho thí sinh đạt top
    20 vòng «A», «B»" or "… đạt từ 25 điểm ở một trong các vòng «A», «B»"."""
    if rule.top is not None:
        return f"Vòng chung kết dành cho thí sinh đạt top {rule.top} vòng {_names(titles)}"
    return f"Vòng chung kết dành cho thí sinh đạt từ {rule.min_score} điểm ở một trong các vòng {_names(titles)}"


def describe(rule: Eligibility, *, contest: Contest, titles: Mapping[int, str]) -> list[str]:
    """The rule in words, a sentence each (the console's round page):
    ``["Mọi thí sinh"]`` for a round open to all; ``titles`` names rounds by id."""
    if rule.open_to_all:
        return [OPEN_TO["everyone"] + "."]
    lines = []
    if rule.units:
        units = [u.name for u in contest.units if u.id in rule.units]
        lines.append(f"Dành cho thí sinh thuộc các đơn vị: {_names(units)}.")
    if rule.areas:
        areas = [a.name for a in contest.areas if a.id in rule.areas]
        lines.append(f"Dành cho thí sinh cư trú tại: {_names(areas)}.")
    if rule.rounds:
        lines.append(requirement(rule, [titles.get(r, f"#{r}") for r in rule.rounds]) + " (theo kết quả chính thức).")
    return lines


def _qualifies(rule: Eligibility, place: Place) -> bool:
    if not place.final or place.rank is None or place.score is None:
        return False
    if rule.top is not None:
        return place.rank <= rule.top
    return rule.min_score is not None and place.score >= rule.min_score


def refusal(rule: Eligibility, *, contest: Contest, area_id: int, unit: str, places: Sequence[Place]) -> Refusal | None:
    """None when a participant of ``contest`` (living in ``area_id``, of
    ``unit`` as they gave it) may enter a round with ``rule``; else why not.
    ``places`` holds their result in each round the rule names. Codes:
    ``not_eligible_unit``, ``not_eligible_area``, ``qualifying_not_final``
    (no final result qualifies them and a named round's results are not final
    yet), ``not_qualified``."""
    if rule.units:
        names = [u.name for u in contest.units if u.id in rule.units]
        if unit not in names:
            return Refusal("not_eligible_unit", f"Vòng này dành cho thí sinh thuộc các đơn vị: {_names(names)}.")
    if rule.areas and area_id not in rule.areas:
        names = [a.name for a in contest.areas if a.id in rule.areas]
        return Refusal("not_eligible_area", f"Vòng này dành cho thí sinh cư trú tại: {_names(names)}.")
    if not rule.rounds or any(_qualifies(rule, p) for p in places):
        return None
    condition = requirement(rule, [p.title for p in places])
    waiting = [p.title for p in places if not p.final]
    if waiting:
        return Refusal(
            "qualifying_not_final", f"{condition}; kết quả vòng {_names(waiting)} chưa được công bố chính thức."
        )
    ranked = [p for p in places if p.rank is not None and p.score is not None]
    if not ranked:
        return Refusal("not_qualified", f"{condition}; bạn không có kết quả ở vòng nào trong số đó.")
    if rule.top is not None:
        best = min(ranked, key=lambda p: p.rank or 0)
        return Refusal(
            "not_qualified", f"Bạn xếp hạng {best.rank} ở vòng «{best.title}»; cần xếp trong top {rule.top}."
        )
    best = max(ranked, key=lambda p: p.score or 0)
    return Refusal(
        "not_qualified",
        f"Bạn đạt {best.score}/{best.question_count} điểm ở vòng «{best.title}»; cần từ {rule.min_score} điểm.",
    )


def _ids(value: object, *, field: str, label: str) -> frozenset[int]:
    """Ids from a JSON list (``[3, 5]``), a form's several values or one
    value; an id given twice counts once (a set: ``[1, 1]`` is ``[1]``)."""
    items = value if isinstance(value, list | tuple) else [value]
    return frozenset(
        parse_int(item, field=field, label=label, minimum=1, maximum=2**53) for item in items if item != ""
    )


def read_eligibility(fields: Mapping[str, object], base: Eligibility) -> Eligibility:
    """A round's eligibility from a JSON body (``eligible_units``,
    ``eligible_areas``, ``qualify_from``: lists of ids; ``qualify_top``,
    ``qualify_min_score``: whole numbers or null) or the console's form (the
    same names, plus ``open_to`` everyone|units|areas and ``qualify_by``
    none|top|score, which say what the form's lists mean when none is
    ticked). What ``fields`` leaves out stays as in ``base``.
    :class:`Invalid` naming each field that cannot be read."""
    errors: dict[str, str] = {}
    rule = base

    def ids(name: str, label: str, *, present: bool) -> frozenset[int] | None:
        if name not in fields:
            return frozenset() if present else None
        raw = fields[name]
        if raw is None:
            return frozenset()
        try:
            return _ids(raw, field=name, label=label)
        except Invalid as exc:
            errors.update(exc.errors)
            return None

    def whole(name: str, label: str, minimum: int) -> int | None:
        raw = fields.get(name)
        if raw is None or raw == "":
            return None
        try:
            return parse_int(raw, field=name, label=label, minimum=minimum, maximum=LIMIT)
        except Invalid as exc:
            errors.update(exc.errors)
            return None

    def chosen(name: str, choices: Mapping[str, str]) -> str | None:
        """The choice sent as ``name``; None when left out or refused."""
        raw = fields.get(name)
        if raw is None:
            return None
        try:
            return read_choice(raw, field=name, choices=choices)
        except Invalid as exc:
            errors.update(exc.errors)
            return None

    open_to = chosen("open_to", OPEN_TO)
    by_form = open_to in OPEN_TO
    units = ids("eligible_units", "Đơn vị", present=by_form)
    areas = ids("eligible_areas", "Nơi cư trú", present=by_form)
    if units is not None:
        rule = replace(rule, units=units if open_to in (None, "units") else frozenset())
    if areas is not None:
        rule = replace(rule, areas=areas if open_to in (None, "areas") else frozenset())
    if open_to == "units" and not rule.units:
        errors.setdefault("eligible_units", "Chọn ít nhất một đơn vị.")
    if open_to == "areas" and not rule.areas:
        errors.setdefault("eligible_areas", "Chọn ít nhất một nơi cư trú.")

    qualify_by = chosen("qualify_by", QUALIFY_BY)
    if qualify_by is not None:
        rounds = ids("qualify_from", "Vòng xét vào", present=True) or frozenset()
        top = whole("qualify_top", "Số thí sinh đứng đầu mỗi vòng", 1)
        score = whole("qualify_min_score", "Điểm tối thiểu", 0)
        rule = replace(
            rule,
            rounds=() if qualify_by == "none" else tuple(sorted(rounds)),
            top=top if qualify_by == "top" else None,
            min_score=score if qualify_by == "score" else None,
        )
        if qualify_by in ("top", "score") and not rounds:
            errors.setdefault("qualify_from", "Chọn các vòng xét vào.")
        if qualify_by == "top" and top is None:
            errors.setdefault("qualify_top", "Nhập số thí sinh đứng đầu mỗi vòng được vào (từ 1).")
        if qualify_by == "score" and score is None:
            errors.setdefault("qualify_min_score", "Nhập điểm tối thiểu để được vào.")
    else:
        rounds_given = ids("qualify_from", "Vòng xét vào", present=False)
        if rounds_given is not None:
            rule = replace(rule, rounds=tuple(sorted(rounds_given)))
        if "qualify_top" in fields:
            rule = replace(rule, top=whole("qualify_top", "Số thí sinh đứng đầu mỗi vòng", 1))
        if "qualify_min_score" in fields:
            rule = replace(rule, min_score=whole("qualify_min_score", "Điểm tối thiểu", 0))
    if errors:
        raise Invalid(errors)
    return rule


def check_eligibility(
    rule: Eligibility, *, contest: Contest, opens_at: datetime, rounds: Sequence[Round], round_id: int | None = None
) -> None:
    """:class:`Invalid` naming each field of ``rule`` that cannot work for a
    round of ``contest`` opening at ``opens_at`` (``round_id``: the round
    itself, when it exists): units and areas from the contest's lists, not
    both; the rounds a final names among ``rounds`` (the contest's), other
    than itself, each closing before it opens; exactly one of "the best N"
    (N ≥ 1) and "at least S" (S from 0 to the largest question count of the
    named rounds)."""
    errors: dict[str, str] = {}
    if not rule.units <= {u.id for u in contest.units}:
        errors["eligible_units"] = "Chọn đơn vị trong danh sách đơn vị của cuộc thi."
    if not rule.areas <= {a.id for a in contest.areas}:
        errors["eligible_areas"] = "Chọn nơi cư trú trong danh sách của cuộc thi."
    if rule.units and rule.areas:
        errors["eligible_areas"] = "Chỉ giới hạn theo đơn vị hoặc theo nơi cư trú, không cả hai."
    has_rounds = {r.id: r for r in rounds if r.contest_id == contest.id and r.id != round_id}
    named = [has_rounds.get(r) for r in rule.rounds]
    if any(r is None for r in named):
        errors["qualify_from"] = "Chọn các vòng xét vào trong số các vòng khác của cuộc thi này."
    elif late := [r.title for r in named if r is not None and r.closes_at > opens_at]:
        errors["qualify_from"] = f"Vòng xét vào phải đóng trước khi vòng này mở: {_names(late)}."
    if rule.rounds:
        if rule.top is None and rule.min_score is None:
            errors["qualify_top"] = "Nhập số thí sinh đứng đầu mỗi vòng được vào (từ 1) hoặc điểm tối thiểu."
        elif rule.top is not None and rule.min_score is not None:
            errors["qualify_min_score"] = "Chỉ chọn một cách xét: top N của mỗi vòng hoặc điểm tối thiểu."
        elif rule.top is not None and rule.top < 1:
            errors["qualify_top"] = "Số thí sinh đứng đầu mỗi vòng được vào phải từ 1."
        elif rule.min_score is not None and "qualify_from" not in errors:
            most = max(r.rules.question_count for r in named if r is not None)
            if not 0 <= rule.min_score <= most:
                errors["qualify_min_score"] = f"Điểm tối thiểu từ 0 đến {most} (số câu của vòng xét vào)."
    elif rule.top is not None or rule.min_score is not None:
        errors["qualify_from"] = "Chọn các vòng xét vào."
    if errors:
        raise Invalid(errors)


def check_still_before(round_id: int, *, closes_at: datetime, rounds: Sequence[Round]) -> None:
    """:class:`Invalid` on ``closes_at`` when a round of ``rounds`` that
    qualifies from ``round_id`` would open before ``round_id`` closes."""
    finals = [r.title for r in rounds if round_id in r.rules.eligibility.rounds and r.opens_at < closes_at]
    if finals:
        message = f"Vòng {_names(finals)} xét vào từ kết quả vòng này nên vòng này phải đóng trước khi chúng mở."
        raise Invalid({"closes_at": message})


def to_json(rule: Eligibility) -> dict[str, object]:
    """The rule as stored and as the API and the log show it."""
    return {
        "eligible_units": sorted(rule.units),
        "eligible_areas": sorted(rule.areas),
        "qualify_from": list(rule.rounds),
        "qualify_top": rule.top,
        "qualify_min_score": rule.min_score,
    }


def from_json(data: Mapping[str, object]) -> Eligibility:
    """A rule as :func:`to_json` wrote it (``{}``: open to all)."""

    def ids(name: str) -> list[int]:
        value = data.get(name)
        return [int(v) for v in value] if isinstance(value, list) else []

    top, score = data.get("qualify_top"), data.get("qualify_min_score")
    return Eligibility(
        units=frozenset(ids("eligible_units")),
        areas=frozenset(ids("eligible_areas")),
        rounds=tuple(ids("qualify_from")),
        top=top if isinstance(top, int) else None,
        min_score=score if isinstance(score, int) else None,
    )

"""The round phase machine: every move, allowed or refused, and the phase a
round is in by the clock and by judges' decisions."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from contest.domain import phases
from contest.domain.models import Phase, Round
from contest.domain.phases import PhaseRefused, check_move, effective
from contest.web.render import catalog
from tests.conftest import RULES

ALLOWED = {
    (Phase.CLOSED, Phase.UNDER_REVIEW),
    (Phase.UNDER_REVIEW, Phase.PROVISIONAL),
    (Phase.PROVISIONAL, Phase.UNDER_REVIEW),
    (Phase.PROVISIONAL, Phase.FINAL),
}
CLOCK = "Giai đoạn «{}» theo giờ mở và đóng của vòng thi, không chuyển bằng tay được."
NOT_CLOSED = "Vòng thi chưa kết thúc: chỉ chấm và công bố kết quả sau giờ đóng."
FINAL = "Kết quả vòng thi đã chính thức, không thay đổi được nữa."
REFUSED_DECISIONS = {
    (Phase.SCHEDULED, Phase.UNDER_REVIEW): NOT_CLOSED,
    (Phase.SCHEDULED, Phase.PROVISIONAL): NOT_CLOSED,
    (Phase.SCHEDULED, Phase.FINAL): NOT_CLOSED,
    (Phase.OPEN, Phase.UNDER_REVIEW): NOT_CLOSED,
    (Phase.OPEN, Phase.PROVISIONAL): NOT_CLOSED,
    (Phase.OPEN, Phase.FINAL): NOT_CLOSED,
    (Phase.CLOSED, Phase.PROVISIONAL): "Không chuyển được vòng thi từ «Đã kết thúc» sang «Kết quả tạm thời».",
    (Phase.CLOSED, Phase.FINAL): "Không chuyển được vòng thi từ «Đã kết thúc» sang «Kết quả chính thức».",
    (Phase.UNDER_REVIEW, Phase.UNDER_REVIEW): "Vòng thi đã ở giai đoạn «Đang chấm».",
    (Phase.UNDER_REVIEW, Phase.FINAL): "Không chuyển được vòng thi từ «Đang chấm» sang «Kết quả chính thức».",
    (Phase.PROVISIONAL, Phase.PROVISIONAL): "Vòng thi đã ở giai đoạn «Kết quả tạm thời».",
    (Phase.FINAL, Phase.UNDER_REVIEW): FINAL,
    (Phase.FINAL, Phase.PROVISIONAL): FINAL,
    (Phase.FINAL, Phase.FINAL): "Vòng thi đã ở giai đoạn «Kết quả chính thức».",
}
"""Every refused move to a phase judges decide, with the reason it gives; a
move to a phase the clock decides is always refused with :data:`CLOCK`."""


def refusal(current: Phase, to: Phase) -> str:
    return REFUSED_DECISIONS.get((current, to)) or CLOCK.format(phases.LABELS[to])


@pytest.mark.parametrize(("current", "to"), sorted(ALLOWED))
def test_check_move_allows_the_judges_moves(current: Phase, to: Phase) -> None:
    check_move(current, to)


@pytest.mark.parametrize(("current", "to"), [pair for pair in itertools.product(Phase, Phase) if pair not in ALLOWED])
def test_check_move_refuses_every_other_move(current: Phase, to: Phase) -> None:
    with pytest.raises(PhaseRefused) as refused:
        check_move(current, to)
    assert (refused.value.status, refused.value.code, refused.value.message) == (
        409,
        "phase_move_refused",
        refusal(current, to),
    )


def test_check_move_table_covers_every_pair() -> None:
    decided = {(c, t) for c, t in itertools.product(Phase, Phase) if t in phases.DECIDED}
    assert set(REFUSED_DECISIONS) | ALLOWED == decided
    assert not set(REFUSED_DECISIONS) & ALLOWED


OPENS = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
ROUND = Round(
    id=1, contest_id=1, title="Vòng 1", opens_at=OPENS, closes_at=OPENS + timedelta(days=7), rules=RULES, bank_id=1
)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (OPENS - timedelta(seconds=1), Phase.SCHEDULED),
        (OPENS, Phase.OPEN),
        (OPENS + timedelta(days=7) - timedelta(seconds=1), Phase.OPEN),
        (OPENS + timedelta(days=7), Phase.CLOSED),
    ],
)
def test_effective_follows_the_clock_until_judges_decide(moment: datetime, expected: Phase) -> None:
    assert effective(ROUND, moment) is expected


@pytest.mark.parametrize("decided", [Phase.UNDER_REVIEW, Phase.PROVISIONAL, Phase.FINAL])
def test_effective_is_the_decision_once_past_closed(decided: Phase) -> None:
    assert effective(replace(ROUND, stored_phase=decided), OPENS + timedelta(days=30)) is decided


def test_every_phase_has_a_label_with_an_english_translation() -> None:
    assert set(phases.LABELS) == set(Phase)
    assert all(label in catalog("en") for label in phases.LABELS.values())

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
CLOCK = "theo giờ mở và đóng của vòng thi, không chuyển bằng tay được."
SAME = "Vòng thi đã ở giai đoạn «{}»."
FINAL = "Kết quả vòng thi đã chính thức, không thay đổi được nữa."
NOT_CLOSED = "Vòng thi chưa kết thúc: chỉ chấm và công bố kết quả sau giờ đóng."


def refusal(current: Phase, to: Phase) -> str:
    """The reason each refused move gives, as the table of the issue reads."""
    if to in (Phase.SCHEDULED, Phase.OPEN, Phase.CLOSED):
        return f"Giai đoạn «{phases.LABELS[to]}» {CLOCK}"
    if current is to:
        return SAME.format(phases.LABELS[to])
    if current is Phase.FINAL:
        return FINAL
    if current in (Phase.SCHEDULED, Phase.OPEN):
        return NOT_CLOSED
    return f"Không chuyển được vòng thi từ «{phases.LABELS[current]}» sang «{phases.LABELS[to]}»."


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


def test_check_move_refusals_name_the_reason() -> None:
    assert refusal(Phase.OPEN, Phase.UNDER_REVIEW) == NOT_CLOSED
    assert (
        refusal(Phase.UNDER_REVIEW, Phase.FINAL)
        == "Không chuyển được vòng thi từ «Đang chấm» sang «Kết quả chính thức»."
    )
    assert refusal(Phase.FINAL, Phase.CLOSED) == "Giai đoạn «Đã kết thúc» " + CLOCK


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

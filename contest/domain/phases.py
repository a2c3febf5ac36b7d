"""A round's phase and the moves between them, stated once.

``scheduled → open → closed → under_review → provisional → final``. The first
three follow the clock (the round's open and close times, ``timing.py``); the
last three are judges' decisions, stored with who made them, when and why.
A provisional result may go back under review (a complaint upheld); a final
one never changes. Nobody moves a round by hand to a phase the clock decides,
and no decision is taken before the round has closed.

The effective phase of a round is its stored decision once that is past
``closed``, else what the clock says.
"""

from __future__ import annotations

from datetime import datetime

from contest.domain import timing
from contest.domain.models import Phase, Round, RoundStatus, ShowScore
from contest.errors import Conflict

LABELS: dict[Phase, str] = {
    Phase.SCHEDULED: "Sắp mở",
    Phase.OPEN: "Đang mở",
    Phase.CLOSED: "Đã kết thúc",
    Phase.UNDER_REVIEW: "Đang chấm",
    Phase.PROVISIONAL: "Kết quả tạm thời",
    Phase.FINAL: "Kết quả chính thức",
}
"""Each phase as people read it (pages translate these through ``locale/``)."""

BY_CLOCK: dict[RoundStatus, Phase] = {
    RoundStatus.UPCOMING: Phase.SCHEDULED,
    RoundStatus.OPEN: Phase.OPEN,
    RoundStatus.CLOSED: Phase.CLOSED,
}
DECIDED = frozenset({Phase.UNDER_REVIEW, Phase.PROVISIONAL, Phase.FINAL})
"""The phases people decide; the others are the clock's."""
PUBLISHED = frozenset({Phase.PROVISIONAL, Phase.FINAL})
"""The phases in which a round's results are published: participants see
the leaderboard, their rank and (whatever the round says) their score."""

MOVES: dict[Phase, frozenset[Phase]] = {
    Phase.CLOSED: frozenset({Phase.UNDER_REVIEW}),
    Phase.UNDER_REVIEW: frozenset({Phase.PROVISIONAL}),
    Phase.PROVISIONAL: frozenset({Phase.UNDER_REVIEW, Phase.FINAL}),
}
"""Every move a person may make, from the effective phase; nothing else is allowed."""


class PhaseRefused(Conflict):
    code = "phase_move_refused"


def effective(round_: Round, now: datetime) -> Phase:
    """The phase ``round_`` is in at ``now``."""
    if round_.stored_phase in DECIDED:
        return round_.stored_phase
    return BY_CLOCK[timing.round_status(round_, now)]


def scores_shown(round_: Round, now: datetime) -> bool:
    """Whether a participant sees their score, which answers were right and
    which attempt counts: right after submitting when the round says
    ``show_score = immediately``; with ``after_publication``, only once its
    results are published (provisional or final). The round's rules (thể lệ)
    state which; the organiser sets it on the round."""
    return round_.rules.show_score is ShowScore.IMMEDIATELY or effective(round_, now) in PUBLISHED


def check_move(current: Phase, to: Phase) -> None:
    """Allow moving a round from its effective phase ``current`` to ``to``,
    or raise :class:`PhaseRefused` (409) saying why in Vietnamese."""
    if to in MOVES.get(current, frozenset()):
        return
    if to not in DECIDED:
        reason = f"Giai đoạn «{LABELS[to]}» theo giờ mở và đóng của vòng thi, không chuyển bằng tay được."
    elif current is to:
        reason = f"Vòng thi đã ở giai đoạn «{LABELS[to]}»."
    elif current is Phase.FINAL:
        reason = "Kết quả vòng thi đã chính thức, không thay đổi được nữa."
    elif current not in DECIDED and current is not Phase.CLOSED:
        reason = "Vòng thi chưa kết thúc: chỉ chấm và công bố kết quả sau giờ đóng."
    else:
        reason = f"Không chuyển được vòng thi từ «{LABELS[current]}» sang «{LABELS[to]}»."
    raise PhaseRefused(reason)

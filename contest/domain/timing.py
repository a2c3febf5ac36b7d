"""When things may happen: contest and round status, attempt deadlines and the grace period.

The server's clock decides. An attempt's deadline is its start plus the round's
time limit, but never later than the round's close. Answers are accepted until
the deadline plus a few seconds of grace that cover network latency; the grace
never extends the time a participant is shown.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from contest.domain.models import Contest, ContestStatus, Round, RoundStatus


def contest_status(contest: Contest, now: datetime) -> ContestStatus:
    """Upcoming before ``starts_at``, open until ``ends_at``, past from then on."""
    if now < contest.starts_at:
        return ContestStatus.UPCOMING
    if now < contest.ends_at:
        return ContestStatus.OPEN
    return ContestStatus.PAST


def round_status(round_: Round, now: datetime) -> RoundStatus:
    if now < round_.opens_at:
        return RoundStatus.UPCOMING
    if now < round_.closes_at:
        return RoundStatus.OPEN
    return RoundStatus.CLOSED


def deadline(round_: Round, started_at: datetime) -> datetime:
    return min(started_at + timedelta(seconds=round_.rules.duration_seconds), round_.closes_at)


def accepts_answers(deadline_at: datetime, now: datetime, *, grace: timedelta) -> bool:
    """Whether an answer or a submission arriving at ``now`` is in time."""
    return now <= deadline_at + grace


def duration_ms(started_at: datetime, finished_at: datetime, deadline_at: datetime) -> int:
    """Time taken, never more than the time allowed (a submission that lands in
    the grace period counts as finished at the deadline)."""
    end = min(finished_at, deadline_at)
    return max(0, int((end - started_at) / timedelta(milliseconds=1)))

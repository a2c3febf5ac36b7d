"""Which attempt counts, and in what order participants stand.

The rule, stated once: among finished attempts, the better one has

1. the higher score; then
2. the smaller prediction error, |prediction − actual|, where *actual* is the
   number of participants who answered every question right — known only once
   the round has closed; an attempt without a prediction is behind every attempt
   with one; before the figure is known this step is skipped; then
3. the shorter time taken; then
4. the earlier submission.

A participant's counting attempt is their best one by this rule, and the round's
standings order participants by their counting attempts with the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from contest.domain.models import AttemptSummary

_LATEST = datetime.max


def rank_key(attempt: AttemptSummary, *, actual: int | None = None) -> tuple[int, float, int, datetime]:
    """Sort key: smaller is better. Only for finished attempts."""
    if attempt.result is None:
        raise ValueError("chỉ xếp hạng bài đã kết thúc")
    if actual is None:
        error: float = 0
    elif attempt.prediction is None:
        error = float("inf")
    else:
        error = abs(attempt.prediction - actual)
    finished = attempt.submitted_at.replace(tzinfo=None) if attempt.submitted_at else _LATEST
    return (-attempt.result.score, error, attempt.result.duration_ms, finished)


def best_attempt(attempts: Iterable[AttemptSummary], *, actual: int | None = None) -> AttemptSummary | None:
    finished = [a for a in attempts if a.result is not None]
    return min(finished, key=lambda a: rank_key(a, actual=actual), default=None)


def count_all_correct(counting: Iterable[AttemptSummary]) -> int:
    """How many participants' counting attempts got every question right: the
    figure the prediction question asks participants to guess."""
    return sum(1 for a in counting if a.result is not None and a.result.correct == a.result.total)

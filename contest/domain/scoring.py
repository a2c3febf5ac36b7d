"""Scoring an attempt.

A question is right when the set of options chosen equals the set of correct
options exactly: no partial credit, as in the contests this platform serves.
The score is the sum of the points of the questions answered right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from contest.domain.models import Result
from contest.domain.timing import duration_ms


class Keyed(Protocol):
    """A question as scoring sees it (a drawn question or its stored key)."""

    @property
    def id(self) -> int: ...
    @property
    def correct(self) -> frozenset[int]: ...
    @property
    def points(self) -> int: ...


def score(
    questions: Sequence[Keyed],
    answers: Mapping[int, frozenset[int]],
    *,
    started_at: datetime,
    finished_at: datetime,
    deadline_at: datetime,
) -> Result:
    correct = [q for q in questions if q.correct and answers.get(q.id, frozenset()) == q.correct]
    return Result(
        correct=len(correct),
        total=len(questions),
        score=sum(q.points for q in correct),
        duration_ms=duration_ms(started_at, finished_at, deadline_at),
    )

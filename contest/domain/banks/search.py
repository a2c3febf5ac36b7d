"""Finding questions in a bank the way organisers type: without diacritics
(the rule of :mod:`contest.domain.search`)."""

from __future__ import annotations

from collections.abc import Iterable

from contest.domain.models import Question
from contest.domain.search import matches


def matching(questions: Iterable[Question], *, text: str = "", topic: str = "", difficulty: str = "") -> list[Question]:
    """Questions matching every filter given; ``text`` is looked for in the
    code, the question and the options, so "chu ky so" finds "chữ ký số"."""
    return [
        q
        for q in questions
        if (not topic or q.topic == topic)
        and (not difficulty or q.difficulty.value == difficulty)
        and matches(text, q.code, q.text, *q.options)
    ]

"""Finding questions in a bank the way organisers type: without diacritics."""

from __future__ import annotations

from collections.abc import Iterable

from contest.domain.banks.common import fold
from contest.domain.models import Question


def matching(questions: Iterable[Question], *, text: str = "", topic: str = "", difficulty: str = "") -> list[Question]:
    """Questions matching every filter given; ``text`` is looked for in the
    code, the question and the options, so "chu ky so" finds "chữ ký số"."""
    needle = fold(text)
    return [
        q
        for q in questions
        if (not topic or q.topic == topic)
        and (not difficulty or q.difficulty.value == difficulty)
        and (not needle or needle in fold(" ".join((q.code, q.text, *q.options))))
    ]

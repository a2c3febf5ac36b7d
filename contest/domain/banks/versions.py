"""Comparing and editing bank versions.

A version is a tuple of questions identified by code. Editing never mutates a
version: it builds the next one, which storage saves whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from contest.domain.models import Question


@dataclass(frozen=True, slots=True)
class Change:
    before: Question
    after: Question

    @property
    def fields(self) -> tuple[str, ...]:
        """Names of the fields that differ, for the organiser's diff page."""
        names = (
            "text",
            "options",
            "correct",
            "topic",
            "difficulty",
            "multiple",
            "keep_order",
            "points",
            "explanation",
            "source",
        )
        return tuple(n for n in names if getattr(self.before, n) != getattr(self.after, n))


@dataclass(frozen=True, slots=True)
class Diff:
    added: tuple[Question, ...]
    changed: tuple[Change, ...]
    removed: tuple[Question, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff(old: Sequence[Question], new: Sequence[Question]) -> Diff:
    """What changed from ``old`` to ``new``, matched by question code, in the
    order of ``new`` (removed ones in the order of ``old``)."""
    before = {q.code: q for q in old}
    after = {q.code: q for q in new}
    return Diff(
        added=tuple(q for q in new if q.code not in before),
        changed=tuple(Change(before[q.code], q) for q in new if q.code in before and before[q.code] != q),
        removed=tuple(q for q in old if q.code not in after),
    )


def replace_question(questions: Sequence[Question], edited: Question) -> tuple[Question, ...]:
    """The next version with ``edited`` in place of the question with its code
    (appended when the code is new)."""
    codes = [q.code for q in questions]
    if edited.code not in codes:
        return (*questions, edited)
    return tuple(edited if q.code == edited.code else q for q in questions)


def retire(questions: Sequence[Question], code: str) -> tuple[Question, ...]:
    """The next version without the question ``code``."""
    return tuple(q for q in questions if q.code != code)


def with_key(question: Question, correct: frozenset[int]) -> Question:
    return replace(question, correct=correct, multiple=question.multiple or len(correct) > 1)

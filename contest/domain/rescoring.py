"""Re-applying a corrected key to attempts already drawn.

When a key turns out to be wrong during a round, the organiser corrects it in
the bank and re-scores the round's attempts. Each attempt's questions are
matched to the bank by code, and each option by its bank letter; the key is
re-applied only when the option texts are still those the participant saw, so
a question rewritten in the meantime is never re-keyed by accident.

Judges correct a key too (:func:`corrected`), from a complaint or an
attempt, while the round is under review or provisional: the same
re-scoring, for that one question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from contest.domain.models import LETTERS, DrawnQuestion, Question
from contest.errors import Invalid


@dataclass(frozen=True, slots=True)
class Rekeyed:
    questions: tuple[DrawnQuestion, ...]
    changed: tuple[str, ...]
    """Codes whose key or points changed in this attempt."""
    skipped: tuple[str, ...]
    """Codes whose options in the bank no longer match what was shown."""


def rekey(drawn: Sequence[DrawnQuestion], bank: Mapping[str, Question]) -> Rekeyed:
    questions, changed, skipped = [], [], []
    for q in drawn:
        current = bank.get(q.code)
        if current is None:
            questions.append(q)
            continue
        if any(
            LETTERS.index(o.letter) >= len(current.options) or current.options[LETTERS.index(o.letter)] != o.text
            for o in q.options
        ):
            skipped.append(q.code)
            questions.append(q)
            continue
        correct = frozenset(o.id for o in q.options if LETTERS.index(o.letter) in current.correct)
        if correct != q.correct or current.points != q.points:
            changed.append(q.code)
            q = replace(q, correct=correct, points=current.points, explanation=current.explanation)
        questions.append(q)
    return Rekeyed(tuple(questions), tuple(changed), tuple(skipped))


@dataclass(frozen=True, slots=True)
class RescoreReport:
    """What re-scoring a round did (or, in a dry run, would do)."""

    attempts_checked: int = 0
    attempts_rekeyed: int = 0
    results_changed: int = 0
    skipped: tuple[str, ...] = ()
    results: tuple[tuple[int, int, int], ...] = ()
    """(attempt id, right answers, score) of each finished attempt whose result changed."""

    def plus(self, other: RescoreReport) -> RescoreReport:
        return RescoreReport(
            self.attempts_checked + other.attempts_checked,
            self.attempts_rekeyed + other.attempts_rekeyed,
            self.results_changed + other.results_changed,
            tuple(sorted(set(self.skipped) | set(other.skipped))),
            self.results + other.results,
        )


def corrected(question: Question, letters: object) -> Question:
    """``question`` with the key ``letters`` (bank letters: a list, or text
    such as ``"B"`` or ``"A, C"``). Invalid for no letter, a letter beyond
    its options, several for a single-answer question, or the key it has."""
    raw = letters if isinstance(letters, list) else str(letters or "").replace(",", " ").split()
    picked = [str(x).strip().upper() for x in raw if str(x).strip()]
    shown = LETTERS[: len(question.options)]
    if not picked or any(p not in shown for p in picked):
        raise Invalid({"answer": f"Chọn đáp án đúng trong các phương án {', '.join(shown)}."})
    correct = frozenset(LETTERS.index(p) for p in picked)
    if len(correct) > 1 and not question.multiple:
        raise Invalid({"answer": "Câu hỏi này chỉ có một đáp án đúng."})
    if correct == question.correct:
        raise Invalid({"answer": "Đáp án này đang là đáp án của câu hỏi."})
    return replace(question, correct=correct)

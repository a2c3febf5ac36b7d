"""Re-applying a corrected key to attempts already drawn.

When a key turns out to be wrong during a round, the organiser corrects it in
the bank and re-scores the round's attempts. Each attempt's questions are
matched to the bank by code, and each option by its bank letter; the key is
re-applied only when the option texts are still those the participant saw, so
a question rewritten in the meantime is never re-keyed by accident.

Judges correct a key too (:func:`corrected`), from a complaint or an
attempt, while the round is under review or provisional: the same
re-scoring, for that one question. What a round's attempts hold
(:attr:`Rekeyed.held`) may differ from the bank's key: another round of the
same bank may have had the question corrected already.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from contest.domain.banks.common import letter_words
from contest.domain.models import LETTERS, DrawnQuestion, Question
from contest.errors import Invalid, Message

HeldKey = tuple[str, frozenset[int]]
"""A question's code and a key an attempt holds for it, in bank indexes."""


@dataclass(frozen=True, slots=True)
class Rekeyed:
    questions: tuple[DrawnQuestion, ...]
    changed: tuple[str, ...]
    """Codes whose key or points changed in this attempt."""
    skipped: tuple[str, ...]
    """Codes whose options in the bank no longer match what was shown."""
    held: frozenset[HeldKey] = frozenset()
    """The keys the attempt held, before re-keying, for the codes it re-keys or would."""


def held_key(question: DrawnQuestion) -> frozenset[int]:
    """The key an attempt holds for ``question``, as indexes of the bank's
    options (its options' ``letter``), whatever order they were shown in."""
    return frozenset(LETTERS.index(o.letter) for o in question.options if o.id in question.correct)


def rekey(drawn: Sequence[DrawnQuestion], bank: Mapping[str, Question]) -> Rekeyed:
    questions, changed, skipped, held = [], [], [], set()
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
        held.add((q.code, held_key(q)))
        correct = frozenset(o.id for o in q.options if LETTERS.index(o.letter) in current.correct)
        if correct != q.correct or current.points != q.points:
            changed.append(q.code)
            q = replace(q, correct=correct, points=current.points, explanation=current.explanation)
        questions.append(q)
    return Rekeyed(tuple(questions), tuple(changed), tuple(skipped), frozenset(held))


@dataclass(frozen=True, slots=True)
class RescoreReport:
    """What re-scoring a round did (or, in a dry run, would do)."""

    attempts_checked: int = 0
    attempts_rekeyed: int = 0
    results_changed: int = 0
    skipped: tuple[str, ...] = ()
    results: tuple[tuple[int, int, int], ...] = ()
    """(attempt id, right answers, score) of each finished attempt whose result changed."""
    held: frozenset[HeldKey] = frozenset()
    """Every key the attempts held before, by code (:attr:`Rekeyed.held`)."""

    def plus(self, other: RescoreReport) -> RescoreReport:
        return RescoreReport(
            self.attempts_checked + other.attempts_checked,
            self.attempts_rekeyed + other.attempts_rekeyed,
            self.results_changed + other.results_changed,
            tuple(sorted(set(self.skipped) | set(other.skipped))),
            self.results + other.results,
            self.held | other.held,
        )

    def keys_held(self, code: str) -> tuple[frozenset[int], ...]:
        """The keys the attempts held for ``code``, fewest letters first then
        alphabetical (usually one; none when no attempt drew it)."""
        return tuple(sorted((k for c, k in self.held if c == code), key=lambda k: (len(k), sorted(k))))


CHOOSE = "Chọn đáp án đúng trong các phương án {letters}."
NOT_OPTIONS = "Câu hỏi này không có phương án {bad}: chọn đáp án đúng trong các phương án {letters}."
ONE_ONLY = "Câu hỏi này chỉ có một đáp án đúng (thí sinh chỉ chọn được một phương án): chọn một trong {letters}."
ALREADY = "Các bài thi của vòng này đang chấm theo đáp án {letters} rồi."


def corrected(question: Question, letters: object) -> Question:
    """``question`` with the key ``letters``: every letter written, as the
    bank editor reads a key (:func:`~contest.domain.banks.common.letter_words`:
    ``"B"``, ``"CD"``, ``"C, D"``, ``"c;d"``), or a list of such texts. The
    letters are a set: none is dropped, repeated ones count once.

    Invalid (``answer``, naming what is wrong) for no letter, a letter or a
    part that is not one of the question's options, a value that is neither
    text nor a list of texts, or several letters for a single-answer
    question (participants could choose only one option)."""
    parts = letters if isinstance(letters, list | tuple) else [letters]
    shown = LETTERS[: len(question.options)]
    listed = ", ".join(shown)
    if not all(isinstance(p, str) for p in parts):
        raise Invalid({"answer": Message(CHOOSE, letters=listed)})
    picked = [w for p in parts for w in letter_words(p)]
    if not picked:
        raise Invalid({"answer": Message(CHOOSE, letters=listed)})
    bad = [w for w in dict.fromkeys(picked) if len(w) != 1 or w not in shown]
    if bad:
        raise Invalid({"answer": Message(NOT_OPTIONS, bad=", ".join(bad), letters=listed)})
    correct = frozenset(LETTERS.index(p) for p in picked)
    if len(correct) > 1 and not question.multiple:
        raise Invalid({"answer": Message(ONE_ONLY, letters=listed)})
    return replace(question, correct=correct)


def letters_of(key: frozenset[int]) -> str:
    """A key in bank letters: ``"B"``, ``"A, C"``."""
    return ", ".join(LETTERS[i] for i in sorted(key))

"""Drawing the questions of one attempt.

An attempt draws ``question_count`` questions from the bank without repeats
(optionally so many per topic), shuffles their order, and shuffles each
question's options unless the question keeps its order (options such as "Cả A
và B" refer to their neighbours). The random generator is passed in, so a test
can fix the seed and a server can use a secure one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from contest.domain.models import LETTERS, DrawnKey, DrawnOption, DrawnQuestion, Question, RoundRules
from contest.errors import Conflict


class NotEnoughQuestions(Conflict):
    """The bank cannot supply what the round's rules ask for (409); the
    message says which count falls short, in Vietnamese."""

    code = "bank_too_small"

    def __init__(self, message: str, *, field: str = "question_count") -> None:
        super().__init__(message)
        self.field = field
        """The round's setting that asks for too much (``question_count`` or ``topic_quota``)."""


def drawable(bank: Sequence[Question], rules: RoundRules) -> list[Question]:
    """The bank's questions a round may draw: all but those it excludes."""
    return [q for q in bank if q.code not in rules.excluded]


def check_rules(bank: Sequence[Question], rules: RoundRules) -> None:
    """Raise :class:`NotEnoughQuestions` (in Vietnamese) when no attempt could
    be drawn from the bank's :func:`drawable` questions; organisers see this
    before a round opens."""
    bank = drawable(bank, rules)
    if rules.question_count > len(bank):
        raise NotEnoughQuestions(f"Vòng thi cần {rules.question_count} câu nhưng ngân hàng chỉ có {len(bank)} câu.")
    quota_total = 0
    for topic, count in rules.topic_quota:
        available = sum(1 for q in bank if q.topic == topic)
        if count > available:
            raise NotEnoughQuestions(
                f"Chủ đề «{topic}» cần {count} câu nhưng ngân hàng chỉ có {available} câu.", field="topic_quota"
            )
        quota_total += count
    if quota_total > rules.question_count:
        raise NotEnoughQuestions(
            f"Tổng số câu theo chủ đề ({quota_total}) vượt số câu của vòng ({rules.question_count}).",
            field="topic_quota",
        )


def draw(bank: Sequence[Question], rules: RoundRules, *, rng: random.Random) -> tuple[DrawnQuestion, ...]:
    """The questions of one attempt, numbered 1…N in the order shown, never
    one the round excludes."""
    check_rules(bank, rules)
    bank = drawable(bank, rules)
    chosen: list[Question] = []
    taken: set[int] = set()
    for topic, count in rules.topic_quota:
        pool = [i for i, q in enumerate(bank) if q.topic == topic and i not in taken]
        picked = rng.sample(pool, count)
        taken.update(picked)
        chosen.extend(bank[i] for i in picked)
    rest = [i for i in range(len(bank)) if i not in taken]
    chosen.extend(bank[i] for i in rng.sample(rest, rules.question_count - len(chosen)))
    rng.shuffle(chosen)
    return tuple(_drawn(position, q, rng) for position, q in enumerate(chosen, start=1))


def _drawn(position: int, question: Question, rng: random.Random) -> DrawnQuestion:
    order = list(range(len(question.options)))
    if not question.keep_order:
        rng.shuffle(order)
    options = tuple(
        DrawnOption(id=shown, text=question.options[original], letter=LETTERS[original])
        for shown, original in enumerate(order, start=1)
    )
    correct = frozenset(o.id for o in options if LETTERS.index(o.letter) in question.correct)
    return DrawnQuestion(
        id=position,
        code=question.code,
        text=question.text,
        multiple=question.multiple,
        options=options,
        correct=correct,
        points=question.points,
        topic=question.topic,
        explanation=question.explanation,
        citation=question.source.citation if question.source else "",
    )


def keep(question: DrawnQuestion) -> DrawnKey:
    """What an attempt stores of a drawn question."""
    return DrawnKey(
        id=question.id,
        code=question.code,
        letters="".join(o.letter for o in question.options),
        correct=question.correct,
        points=question.points,
        multiple=question.multiple,
    )


def redraw(key: DrawnKey, question: Question) -> DrawnQuestion:
    """The question as the attempt showed it, from what the attempt stored and
    the bank version's question (the inverse of :func:`keep`)."""
    return DrawnQuestion(
        id=key.id,
        code=key.code,
        text=question.text,
        multiple=key.multiple,
        options=tuple(
            DrawnOption(id=shown, text=question.options[LETTERS.index(letter)], letter=letter)
            for shown, letter in enumerate(key.letters, start=1)
        ),
        correct=key.correct,
        points=key.points,
        topic=question.topic,
        explanation=question.explanation,
        citation=question.source.citation if question.source else "",
    )

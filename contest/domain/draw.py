"""Drawing the questions of one attempt.

An attempt draws ``question_count`` questions from the bank without repeats
(optionally at least so many per topic, and exactly so many per difficulty),
shuffles their order, and shuffles each
question's options unless the question keeps its order (options such as "Cả A
và B" refer to their neighbours). The random generator is passed in, so a test
can fix the seed and a server can use a secure one.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import combinations

from contest.domain.models import LETTERS, Difficulty, DrawnKey, DrawnOption, DrawnQuestion, Question, RoundRules
from contest.errors import Conflict


class NotEnoughQuestions(Conflict):
    """The bank cannot supply what the round's rules ask for (409); the
    message says which count falls short, in Vietnamese."""

    code = "bank_too_small"

    def __init__(self, message: str, *, field: str = "question_count") -> None:
        super().__init__(message)
        self.field = field
        """The round's setting that asks for too much (``question_count``,
        ``topic_quota`` or ``difficulty_quota``)."""


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
    for level, count in rules.difficulty_quota:
        available = sum(1 for q in bank if q.difficulty is level)
        if count > available:
            raise NotEnoughQuestions(
                f"Mức độ {level.label} cần {count} câu nhưng ngân hàng chỉ có {available} câu.",
                field="difficulty_quota",
            )
    if rules.difficulty_quota and rules.topic_quota:
        cells = Counter((q.topic, q.difficulty) for q in bank)
        needs = dict(rules.topic_quota)
        most = _most(needs, dict(rules.difficulty_quota), cells)
        if most < quota_total:
            stock = "; ".join(
                f"«{topic}»: " + ", ".join(f"{cells[topic, level]} câu {level.label.lower()}" for level in Difficulty)
                for topic in needs
            )
            raise NotEnoughQuestions(
                f"Số câu theo chủ đề và theo mức độ không cùng rút được: các chủ đề cần {quota_total} câu nhưng "
                f"trong các mức độ đã chọn, ngân hàng chỉ cho được {most} câu (ngân hàng có {stock}).",
                field="difficulty_quota",
            )


def _most(
    needs: Mapping[str, int], levels: Mapping[Difficulty, int], cells: Mapping[tuple[str, Difficulty], int]
) -> int:
    """How many of the topics' ``needs`` can be drawn at once within the
    difficulties' counts ``levels``, from ``cells`` questions of each (topic,
    difficulty): the maximum flow from topics to difficulties, as its minimum
    cut (cut the difficulties of a set S at their counts, and each topic
    either at its need or at its questions of the difficulties outside S);
    three difficulties make eight cuts."""
    return min(
        sum(levels.get(level, 0) for level in kept)
        + sum(
            min(need, sum(cells[topic, level] for level in Difficulty if level not in kept))
            for topic, need in needs.items()
        )
        for size in range(len(Difficulty) + 1)
        for kept in combinations(Difficulty, size)
    )


def draw(bank: Sequence[Question], rules: RoundRules, *, rng: random.Random) -> tuple[DrawnQuestion, ...]:
    """The questions of one attempt, numbered 1…N in the order shown, never
    one the round excludes."""
    check_rules(bank, rules)
    bank = drawable(bank, rules)
    taken: list[int] = []
    if rules.difficulty_quota:
        taken = _by_difficulty(bank, rules, rng)
    else:
        for topic, count in rules.topic_quota:
            taken += rng.sample([i for i, q in enumerate(bank) if q.topic == topic and i not in taken], count)
    drawn = set(taken)
    rest = [i for i in range(len(bank)) if i not in drawn]
    taken += rng.sample(rest, rules.question_count - len(taken))
    chosen = [bank[i] for i in taken]
    rng.shuffle(chosen)
    return tuple(_drawn(position, q, rng) for position, q in enumerate(chosen, start=1))


def _by_difficulty(bank: Sequence[Question], rules: RoundRules, rng: random.Random) -> list[int]:
    """Indexes into ``bank`` honouring both quotas (:func:`check_rules` has
    found it possible): each topic's questions one at a time, of a difficulty
    picked at random among those that leave the rest still possible
    (:func:`_most`), then each difficulty filled up from any topic."""
    cells = Counter((q.topic, q.difficulty) for q in bank)
    needs = dict(rules.topic_quota)
    levels = dict(rules.difficulty_quota)
    pools = {cell: [i for i, q in enumerate(bank) if (q.topic, q.difficulty) == cell] for cell in cells}
    for pool in pools.values():
        rng.shuffle(pool)
    taken: list[int] = []
    for topic in list(needs):
        while needs[topic]:
            choices = [level for level in Difficulty if levels.get(level, 0) and cells[topic, level]]
            rng.shuffle(choices)
            for level in choices:
                needs[topic] -= 1
                levels[level] -= 1
                cells[topic, level] -= 1
                if _most(needs, levels, cells) == sum(needs.values()):
                    taken.append(pools[topic, level].pop())
                    break
                needs[topic] += 1
                levels[level] += 1
                cells[topic, level] += 1
    left = set(range(len(bank))) - set(taken)
    for level, count in levels.items():
        taken += rng.sample(sorted(i for i in left if bank[i].difficulty is level), count)
    return taken


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

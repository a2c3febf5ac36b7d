"""Drawing with counts per topic and per difficulty together: every draw
honours both when the bank can, and the bank that cannot is refused before
a round is made, naming what falls short."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.draw import NotEnoughQuestions, check_rules, draw
from contest.domain.models import Difficulty, Question, RoundRules

EASY, MEDIUM, HARD = Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD


def bank_of(cells: dict[tuple[str, Difficulty], int]) -> list[Question]:
    """So many questions of each (topic, difficulty)."""
    return [
        Question(
            code=f"{topic}-{level.value}-{i}",
            text="?",
            options=("a", "b"),
            correct=frozenset({0}),
            topic=topic,
            difficulty=level,
        )
        for (topic, level), count in cells.items()
        for i in range(count)
    ]


def test_draw_by_difficulty_gives_exactly_each_count() -> None:
    bank = bank_of({("A", EASY): 5, ("A", MEDIUM): 5, ("B", HARD): 5, ("B", EASY): 5})
    rules = RoundRules(8, 60, 1, difficulty_quota=((EASY, 4), (MEDIUM, 1), (HARD, 3)))
    for seed in range(20):
        drawn = draw(bank, rules, rng=random.Random(seed))
        levels = Counter(q.code.split("-")[1] for q in drawn)
        assert levels == {"easy": 4, "medium": 1, "hard": 3}
        assert len({q.code for q in drawn}) == 8


def test_draw_by_topic_and_difficulty_takes_the_only_way_both_fit() -> None:
    # Topic A has only easy and medium questions; the hard ones must all come from B, so A's three
    # questions are its one easy one plus two medium ones whatever the seed.
    bank = bank_of({("A", EASY): 1, ("A", MEDIUM): 5, ("B", EASY): 3, ("B", HARD): 4})
    rules = RoundRules(6, 60, 1, topic_quota=(("A", 3),), difficulty_quota=((EASY, 1), (MEDIUM, 2), (HARD, 3)))
    for seed in range(30):
        drawn = draw(bank, rules, rng=random.Random(seed))
        topics = Counter(q.topic for q in drawn)
        levels = Counter(q.code.split("-")[1] for q in drawn)
        assert topics["A"] >= 3
        assert levels == {"easy": 1, "medium": 2, "hard": 3}


def test_check_rules_refuses_a_difficulty_the_bank_lacks() -> None:
    bank = bank_of({("A", EASY): 5, ("A", HARD): 2})
    with pytest.raises(NotEnoughQuestions, match="Mức độ Khó cần 3 câu nhưng ngân hàng chỉ có 2 câu") as refused:
        check_rules(bank, RoundRules(5, 60, 1, difficulty_quota=((EASY, 2), (HARD, 3))))
    assert refused.value.field == "difficulty_quota"


def test_check_rules_refuses_topic_and_difficulty_counts_that_cannot_meet() -> None:
    # Each count alone is fine (4 easy questions, A has 4), but A has only 1 hard question and the
    # round asks for 3 hard and only 1 easy: A can give at most 1 easy + 1 hard.
    bank = bank_of({("A", EASY): 3, ("A", HARD): 1, ("B", EASY): 1, ("B", HARD): 5})
    rules = RoundRules(4, 60, 1, topic_quota=(("A", 3),), difficulty_quota=((EASY, 1), (HARD, 3)))
    with pytest.raises(NotEnoughQuestions) as refused:
        check_rules(bank, rules)
    assert refused.value.field == "difficulty_quota"
    assert refused.value.message == (
        "Số câu theo chủ đề và theo mức độ không cùng rút được: các chủ đề cần 3 câu nhưng trong các mức độ đã chọn,"
        " ngân hàng chỉ cho được 2 câu (ngân hàng có «A»: 3 câu dễ, 0 câu trung bình, 1 câu khó)."
    )


_cells = st.dictionaries(
    st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(list(Difficulty))), st.integers(0, 4), min_size=1
)


@settings(max_examples=200, deadline=None)
@given(_cells, st.integers(1, 12), st.dictionaries(st.sampled_from(["A", "B", "C"]), st.integers(1, 4)), st.randoms())
def test_draw_honours_both_counts_whenever_check_rules_allows(
    cells: dict[tuple[str, Difficulty], int], n: int, topics: dict[str, int], rng: random.Random
) -> None:
    bank = bank_of(cells)
    have = Counter(q.difficulty for q in bank)
    # Counts per difficulty adding up to n, in proportion to the bank where possible.
    levels: list[tuple[Difficulty, int]] = []
    left = n
    for level in Difficulty:
        take = min(have[level], left) if level is not HARD else left
        if take:
            levels.append((level, take))
        left -= take
    rules = RoundRules(n, 60, 1, topic_quota=tuple(topics.items()), difficulty_quota=tuple(levels))
    try:
        check_rules(bank, rules)
    except NotEnoughQuestions:
        return
    drawn = draw(bank, rules, rng=rng)
    assert len({q.code for q in drawn}) == n
    assert Counter(q.code.split("-")[1] for q in drawn) == {level.value: k for level, k in levels}
    got = Counter(q.topic for q in drawn)
    assert all(got[topic] >= k for topic, k in topics.items())

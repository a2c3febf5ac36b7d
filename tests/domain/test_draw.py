from __future__ import annotations

import random

import pytest

from contest.domain.draw import NotEnoughQuestions, check_rules, draw
from contest.domain.models import LETTERS, RoundRules
from tests.conftest import make_bank


def test_draw_picks_count_without_repeats() -> None:
    bank = make_bank(40)
    drawn = draw(bank, RoundRules(30, 1500, 3), rng=random.Random(1))
    assert len(drawn) == 30
    assert len({q.code for q in drawn}) == 30
    assert [q.id for q in drawn] == list(range(1, 31))


def test_draw_shuffles_question_order_and_options() -> None:
    bank = make_bank(40)
    rules = RoundRules(40, 1500, 3)
    first = draw(bank, rules, rng=random.Random(1))
    second = draw(bank, rules, rng=random.Random(2))
    assert [q.code for q in first] != [q.code for q in second]
    shuffled = [q for q in first if [o.letter for o in q.options] != list(LETTERS[: len(q.options)])]
    assert shuffled, "no question had its options shuffled"


def test_draw_keeps_order_when_asked() -> None:
    bank = [q for q in make_bank(40) if q.keep_order]
    for seed in range(20):
        for q in draw(bank, RoundRules(len(bank), 60, 1), rng=random.Random(seed)):
            assert [o.letter for o in q.options] == ["A", "B", "C", "D"]
            assert [o.id for o in q.options] == [1, 2, 3, 4]


def test_draw_maps_key_to_shown_option_ids() -> None:
    bank = {q.code: q for q in make_bank(40)}
    for q in draw(list(bank.values()), RoundRules(40, 60, 1), rng=random.Random(5)):
        original = bank[q.code]
        assert {LETTERS.index(o.letter) for o in q.options if o.id in q.correct} == set(original.correct)
        assert {o.text for o in q.options if o.id in q.correct} == {original.options[i] for i in original.correct}


def test_draw_honours_topic_quota() -> None:
    bank = make_bank(40)
    rules = RoundRules(10, 60, 1, topic_quota=(("Chủ đề A", 7),))
    for seed in range(10):
        drawn = draw(bank, rules, rng=random.Random(seed))
        assert sum(q.topic == "Chủ đề A" for q in drawn) >= 7
        assert len({q.code for q in drawn}) == 10


def test_draw_refuses_when_bank_is_too_small() -> None:
    with pytest.raises(NotEnoughQuestions, match="cần 50 câu nhưng ngân hàng chỉ có 40 câu"):
        check_rules(make_bank(40), RoundRules(50, 60, 1))
    with pytest.raises(NotEnoughQuestions, match="Chủ đề «Chủ đề A» cần 21 câu"):
        check_rules(make_bank(40), RoundRules(30, 60, 1, topic_quota=(("Chủ đề A", 21),)))
    with pytest.raises(NotEnoughQuestions, match="vượt số câu của vòng"):
        check_rules(make_bank(40), RoundRules(5, 60, 1, topic_quota=(("Chủ đề A", 3), ("Chủ đề B", 3))))

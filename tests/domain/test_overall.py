"""Each ranking order on one crafted set, and the overall leaderboard across
rounds (``domain/ranking.overall``): its order, the order the rounds agree
on, its rule in words, and its properties by Hypothesis."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.ranking import (
    RankingRule,
    TieBreak,
    TrueFigure,
    describe_overall,
    overall,
    overall_tie_break,
    rank,
)
from tests.domain.test_ranking import _attempts, _build, ranks, scored

CRAFTED = [
    scored(1, 1, 10, prediction=3, ms=9000, at=1),  # perfect, error 0 (figure: 3 participants), slow
    scored(2, 2, 10, prediction=9, ms=1000, at=2),  # perfect, error 6, fast
    scored(3, 3, 9, prediction=3, ms=1000, at=3),  # not perfect, error 0
]


def test_each_order_ranks_the_crafted_set_as_its_rule_says() -> None:
    def order(tie: TieBreak) -> list[tuple[int, int]]:
        return ranks(rank(CRAFTED, RankingRule(tie_break=tie, true_figure=TrueFigure.PARTICIPANTS)))

    assert order(TieBreak.PREDICTION) == [(1, 1), (2, 2), (3, 3)]
    assert order(TieBreak.PREDICTION_IF_PERFECT) == [(1, 1), (2, 2), (3, 3)]
    assert order(TieBreak.NO_PREDICTION) == [(1, 2), (2, 1), (3, 3)]
    assert order(TieBreak.PREDICTION_THEN_SUBMISSION) == [(1, 1), (2, 2), (3, 3)]
    # Equal imperfect scores: the prediction counts only for a perfect one, so time decides.
    imperfect = [scored(1, 1, 9, prediction=2, ms=9000, at=1), scored(2, 2, 9, prediction=9, ms=1000, at=2)]
    perfect_only = RankingRule(tie_break=TieBreak.PREDICTION_IF_PERFECT, true_figure=TrueFigure.PARTICIPANTS)
    assert ranks(rank(imperfect, perfect_only)) == [(1, 2), (2, 1)]
    assert ranks(rank(imperfect, RankingRule(true_figure=TrueFigure.PARTICIPANTS))) == [(1, 1), (2, 2)]
    # Equal errors: straight to the earlier submission, time taken not used.
    close = [scored(1, 1, 10, prediction=1, ms=9000, at=1), scored(2, 2, 10, prediction=3, ms=1000, at=2)]
    rule = RankingRule(tie_break=TieBreak.PREDICTION_THEN_SUBMISSION, true_figure=TrueFigure.PARTICIPANTS)
    assert ranks(rank(close, rule)) == [(1, 1), (2, 2)]
    assert ranks(rank(close, RankingRule(tie_break=TieBreak.PREDICTION, true_figure=TrueFigure.PARTICIPANTS))) == [
        (1, 2),
        (2, 1),
    ]


def test_overall_order_is_the_one_the_rounds_agree_on_else_the_default() -> None:
    none = RankingRule(tie_break=TieBreak.NO_PREDICTION)
    assert overall_tie_break([none, none]) is TieBreak.NO_PREDICTION
    assert overall_tie_break([none, RankingRule()]) is TieBreak.PREDICTION
    assert overall_tie_break([RankingRule(tie_break=TieBreak.PREDICTION_IF_PERFECT)]) is TieBreak.PREDICTION
    assert overall_tie_break([]) is TieBreak.PREDICTION


def test_overall_rule_in_words_names_only_the_steps_it_uses() -> None:
    assert "sai số" not in describe_overall(TieBreak.NO_PREDICTION)
    assert "thời gian" not in describe_overall(TieBreak.PREDICTION_THEN_SUBMISSION)
    assert describe_overall(TieBreak.PREDICTION) == (
        "Cộng điểm lượt được tính của mỗi vòng đã công bố kết quả; bằng tổng điểm thì xét tổng sai số dự đoán nhỏ"
        " hơn, rồi tổng thời gian làm bài ngắn hơn, rồi lần nộp bài sau cùng sớm hơn. Những người bằng nhau ở mọi"
        " tiêu chí được xếp đồng hạng."
    )


def test_overall_no_prediction_ignores_errors_and_uses_summed_time() -> None:
    rule = RankingRule(tie_break=TieBreak.NO_PREDICTION)
    first = rank([scored(1, 1, 5, ms=3000), scored(2, 2, 5, ms=1000)], rule)
    second = rank([scored(3, 1, 5, ms=1000), scored(4, 2, 5, ms=2000)], rule)
    assert [(e.rank, e.user_id, e.duration_ms) for e in overall([first, second], TieBreak.NO_PREDICTION)] == [
        (1, 2, 3000),
        (2, 1, 4000),
    ]


_rounds = st.lists(_attempts, min_size=1, max_size=3)
_orders = st.sampled_from(TieBreak)


@settings(max_examples=75)
@given(_rounds, _orders, st.randoms())
def test_overall_property_permuting_rounds_and_attempts_changes_nothing(
    rounds: list[list[tuple[int, int, int | None, int, int]]], tie: TieBreak, rnd: random.Random
) -> None:
    rule = RankingRule(tie_break=tie, true_figure=TrueFigure.PARTICIPANTS)
    standings = [rank(_build(rows), rule) for rows in rounds]
    shuffled = []
    for rows in rounds:
        attempts = _build(rows)
        rnd.shuffle(attempts)
        shuffled.append(rank(attempts, rule))
    rnd.shuffle(shuffled)
    assert overall(shuffled, tie) == overall(standings, tie)


@settings(max_examples=75)
@given(_rounds, _orders)
def test_overall_property_equal_entries_share_a_rank_and_the_next_skips(
    rounds: list[list[tuple[int, int, int | None, int, int]]], tie: TieBreak
) -> None:
    rule = RankingRule(tie_break=tie, true_figure=TrueFigure.PARTICIPANTS)
    table = overall([rank(_build(rows), rule) for rows in rounds], tie)
    assert len({e.user_id for e in table}) == len(table)
    for e in table:
        assert e.rank == sum(1 for other in table if other.rank < e.rank) + 1
    for a, b in itertools.pairwise(table):
        assert a.score >= b.score
        if tie is TieBreak.NO_PREDICTION:
            same = (a.score, a.duration_ms, a.submitted_ms) == (b.score, b.duration_ms, b.submitted_ms)
        elif tie is TieBreak.PREDICTION_THEN_SUBMISSION:
            same = (a.score, a.error, a.submitted_ms) == (b.score, b.error, b.submitted_ms)
        else:
            same = (a.score, a.error, a.duration_ms, a.submitted_ms) == (
                b.score,
                b.error,
                b.duration_ms,
                b.submitted_ms,
            )
        assert (a.rank == b.rank) == same

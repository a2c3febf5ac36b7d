"""The ranking rule (``contest/domain/ranking.py``): the order, its variants,
the counting attempt chosen with the true figure, ties, exclusions, the
overall leaderboard; and its properties, by Hypothesis."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.models import Counting
from contest.domain.ranking import (
    RankedEntry,
    RankingRule,
    Scored,
    Standings,
    TieBreak,
    TrueFigure,
    overall,
    rank,
)

T0_MS = int(datetime(2026, 11, 27, 3, 0, tzinfo=UTC).timestamp() * 1000)
TOTAL = 10


def scored(
    aid: int, user: int, correct: int, *, prediction: int | None = None, ms: int = 60_000, at: int = 0, number: int = 1
) -> Scored:
    return Scored(aid, user, number, correct, correct, TOTAL, ms, T0_MS + at * 1000, prediction)


def ranks(standings: object) -> list[tuple[int, int]]:
    return [(e.rank, e.user_id) for e in standings.entries]  # type: ignore[attr-defined]


def test_rank_orders_by_score_then_error_then_time_then_submission() -> None:
    attempts = [
        scored(1, 1, 9, prediction=1, ms=1000, at=1),
        scored(2, 2, 10, prediction=5, ms=5000, at=5),  # perfect: the figure is 2
        scored(3, 3, 10, prediction=2, ms=9000, at=9),
        scored(4, 4, 9, prediction=1, ms=1000, at=0),
        scored(5, 5, 9, prediction=1, ms=500, at=9),
    ]
    standings = rank(attempts)
    assert standings.true_figure == 2
    assert ranks(standings) == [(1, 3), (2, 2), (3, 5), (4, 4), (5, 1)]
    assert [e.error for e in standings.entries] == [0, 3, 1, 1, 1]


def test_rank_exact_ties_share_a_rank_and_the_next_skips() -> None:
    attempts = [scored(1, 1, 8), scored(2, 2, 7), scored(3, 3, 7), scored(4, 4, 6)]
    assert ranks(rank(attempts, RankingRule(tie_break=TieBreak.NO_PREDICTION))) == [(1, 1), (2, 2), (2, 3), (4, 4)]


def test_rank_counting_attempt_is_chosen_with_the_true_figure() -> None:
    # Two attempts of equal score: the faster one with a wrong prediction, the
    # slower one with the exact prediction. Once the figure is known the exact one counts.
    faster_wrong = scored(1, 1, 10, prediction=50, ms=1000, at=1)
    slower_exact = scored(2, 1, 10, prediction=1, ms=9000, at=2, number=2)
    standings = rank([faster_wrong, slower_exact])
    assert standings.true_figure == 1
    assert standings.entries[0].attempt_id == 2
    before_close = rank([faster_wrong, slower_exact], figure_known=False)
    assert before_close.true_figure is None
    assert before_close.entries[0].attempt_id == 1


def test_rank_missing_prediction_is_behind_every_prediction() -> None:
    attempts = [scored(1, 1, 9, prediction=None, ms=1), scored(2, 2, 9, prediction=10_000, ms=99_000)]
    assert ranks(rank(attempts, RankingRule(true_figure=TrueFigure.PARTICIPANTS))) == [(1, 2), (2, 1)]


def test_rank_counting_first_and_last_by_attempt_number() -> None:
    attempts = [scored(1, 1, 3, number=1), scored(2, 1, 9, number=2), scored(3, 1, 5, number=3)]
    assert rank(attempts, RankingRule(counting=Counting.FIRST)).entries[0].attempt_id == 1
    assert rank(attempts, RankingRule(counting=Counting.LAST)).entries[0].attempt_id == 3
    assert rank(attempts).entries[0].attempt_id == 2


def test_rank_true_figure_rules() -> None:
    attempts = [scored(1, 1, 10), scored(2, 1, 4, number=2), scored(3, 2, 4)]
    assert rank(attempts).true_figure == 1
    assert rank(attempts, RankingRule(true_figure=TrueFigure.PARTICIPANTS)).true_figure == 2
    assert rank(attempts, RankingRule(true_figure=TrueFigure.ATTEMPTS)).true_figure == 3
    assert rank(attempts, RankingRule(tie_break=TieBreak.NO_PREDICTION)).true_figure is None


def test_rank_prediction_if_perfect_ignores_prediction_below_a_perfect_score() -> None:
    rule = RankingRule(tie_break=TieBreak.PREDICTION_IF_PERFECT, true_figure=TrueFigure.PARTICIPANTS)
    attempts = [scored(1, 1, 9, prediction=4, ms=9000), scored(2, 2, 9, prediction=None, ms=1000)]
    assert ranks(rank(attempts, rule)) == [(1, 2), (2, 1)]
    perfect = [scored(1, 1, 10, prediction=2, ms=9000), scored(2, 2, 10, prediction=None, ms=1000)]
    assert ranks(rank(perfect, rule)) == [(1, 1), (2, 2)]


def test_rank_prediction_then_submission_skips_time_taken() -> None:
    rule = RankingRule(tie_break=TieBreak.PREDICTION_THEN_SUBMISSION, true_figure=TrueFigure.PARTICIPANTS)
    attempts = [scored(1, 1, 9, prediction=2, ms=9000, at=1), scored(2, 2, 9, prediction=2, ms=1000, at=2)]
    assert ranks(rank(attempts, rule)) == [(1, 1), (2, 2)]
    assert ranks(rank(attempts, RankingRule(true_figure=TrueFigure.PARTICIPANTS))) == [(1, 2), (2, 1)]


def test_rank_excluded_participants_and_attempts_are_out_of_the_figure_too() -> None:
    attempts = [scored(1, 1, 10), scored(2, 2, 10), scored(3, 2, 5, number=2), scored(4, 3, 10)]
    standings = rank(attempts, excluded_users={1}, excluded_attempts={2})
    assert standings.true_figure == 1
    assert [(e.user_id, e.attempt_id) for e in standings.entries] == [(3, 4), (2, 3)]


def test_rule_describe_is_plain_vietnamese() -> None:
    assert RankingRule().describe() == (
        "Mỗi người được tính lượt tốt nhất. Xếp hạng theo điểm cao hơn, rồi dự đoán sát hơn, rồi thời gian làm bài"
        " ngắn hơn, rồi nộp bài sớm hơn. Con số đúng của câu dự đoán là số người có lượt được tính trả lời đúng tất"
        " cả các câu, tính khi vòng thi kết thúc. Những người bằng nhau ở mọi tiêu chí được xếp đồng hạng."
    )
    assert "dự đoán" not in RankingRule(tie_break=TieBreak.NO_PREDICTION).describe()


def test_overall_sums_scores_and_breaks_ties_with_summed_figures() -> None:
    rule = RankingRule(true_figure=TrueFigure.PARTICIPANTS)
    first = rank([scored(1, 1, 9, prediction=2), scored(2, 2, 8, prediction=2)], rule)
    second = rank([scored(3, 1, 5, prediction=9), scored(4, 2, 6, prediction=2), scored(5, 3, 10)], rule)
    table = overall([first, second])
    assert [(e.rank, e.user_id, e.score, e.rounds) for e in table] == [(1, 2, 14, 2), (2, 1, 14, 2), (3, 3, 10, 1)]
    assert [e.error for e in table] == [1, 6, 7]  # the missing prediction adds the round's worst + 1


# Properties ---------------------------------------------------------------------------------------------------

_attempts = st.lists(
    st.builds(
        lambda user, correct, prediction, ms, at: (user, correct, prediction, ms, at),
        st.integers(1, 8),
        st.integers(0, TOTAL),
        st.none() | st.integers(0, 6),
        st.sampled_from([1000, 2000, 3000]),
        st.integers(0, 3),
    ),
    max_size=25,
)
_rules = st.builds(RankingRule, st.sampled_from(Counting), st.sampled_from(TieBreak), st.sampled_from(TrueFigure))


def _build(rows: list[tuple[int, int, int | None, int, int]]) -> list[Scored]:
    numbers: dict[int, int] = {}
    result = []
    for aid, (user, correct, prediction, ms, at) in enumerate(rows, start=1):
        numbers[user] = numbers.get(user, 0) + 1
        result.append(scored(aid, user, correct, prediction=prediction, ms=ms, at=at, number=numbers[user]))
    return result


@settings(max_examples=300)
@given(_attempts, _rules, st.randoms())
def test_rank_property_permuting_the_input_changes_nothing(
    rows: list[tuple[int, int, int | None, int, int]], rule: RankingRule, rnd: random.Random
) -> None:
    attempts = _build(rows)
    shuffled = list(attempts)
    rnd.shuffle(shuffled)
    assert rank(shuffled, rule) == rank(attempts, rule)


@settings(max_examples=300)
@given(
    _attempts,
    st.sampled_from([TieBreak.PREDICTION, TieBreak.PREDICTION_THEN_SUBMISSION, TieBreak.NO_PREDICTION]),
    st.sampled_from([TrueFigure.ALL_CORRECT, TrueFigure.PARTICIPANTS]),
    st.data(),
)
def test_rank_property_a_worse_attempt_changes_no_rank(
    rows: list[tuple[int, int, int | None, int, int]], tie: TieBreak, figure: TrueFigure, data: st.DataObject
) -> None:
    attempts = _build(rows)
    rule = RankingRule(tie_break=tie, true_figure=figure)
    before = rank(attempts, rule)
    if not before.entries:
        return
    entry = data.draw(st.sampled_from(before.entries))
    if entry.score == 0:
        return
    worse = scored(len(attempts) + 1, entry.user_id, entry.score - 1, prediction=entry.prediction, number=99)
    after = rank([*attempts, worse], rule)
    assert ranks(after) == ranks(before)
    assert after.true_figure == before.true_figure


@settings(max_examples=300)
@given(_attempts, _rules)
def test_rank_property_equal_entries_share_a_rank_and_the_next_skips(
    rows: list[tuple[int, int, int | None, int, int]], rule: RankingRule
) -> None:
    entries = rank(_build(rows), rule).entries
    assert len({e.user_id for e in entries}) == len(entries)
    for e in entries:
        assert e.rank == sum(1 for other in entries if other.rank < e.rank) + 1
    for a, b in itertools.pairwise(entries):
        same = (a.score, a.error, a.duration_ms, a.submitted_ms) == (b.score, b.error, b.duration_ms, b.submitted_ms)
        if rule.tie_break is TieBreak.PREDICTION and (a.error is not None) == (b.error is not None):
            assert (a.rank == b.rank) == same


def _reference(
    attempts: list[Scored], rule: RankingRule, *, figure_known: bool, excluded: tuple[set[int], set[int]]
) -> Standings:
    """The rule as the module docstring states it, with tuples, ``min`` and
    ``sorted``: what ``rank`` (packed keys, one pass, one sort) must equal."""
    kept = [a for a in attempts if a.user_id not in excluded[0] and a.attempt_id not in excluded[1]]
    tie = rule.tie_break

    def steps(a: Scored, figure: int | None) -> tuple[int, ...]:
        if figure is None or tie is TieBreak.NO_PREDICTION:
            return (-a.score, 0, 0, a.duration_ms, a.submitted_ms)
        error = 1 << 62 if a.prediction is None else abs(a.prediction - figure)
        if tie is TieBreak.PREDICTION_IF_PERFECT and a.correct != a.total:
            return (-a.score, 1, 0, a.duration_ms, a.submitted_ms)
        if tie is TieBreak.PREDICTION_THEN_SUBMISSION:
            return (-a.score, 0, error, 0, a.submitted_ms)
        return (-a.score, 0, error, a.duration_ms, a.submitted_ms)

    def counting(figure: int | None) -> list[Scored]:
        users: dict[int, list[Scored]] = {}
        for a in kept:
            users.setdefault(a.user_id, []).append(a)
        if rule.counting is Counting.FIRST:
            return [min(xs, key=lambda a: a.number) for xs in users.values()]
        if rule.counting is Counting.LAST:
            return [max(xs, key=lambda a: a.number) for xs in users.values()]
        return [min(xs, key=lambda a: (steps(a, figure), a.attempt_id)) for xs in users.values()]

    figure = None
    if figure_known and tie.uses_prediction:
        figure = {
            TrueFigure.ATTEMPTS: len(kept),
            TrueFigure.PARTICIPANTS: len({a.user_id for a in kept}),
            TrueFigure.ALL_CORRECT: sum(1 for a in counting(None) if a.correct == a.total),
        }[rule.true_figure]
    ordered = sorted(counting(figure), key=lambda a: (steps(a, figure), a.user_id))
    entries = []
    for a in ordered:
        tied = next(i for i, b in enumerate(ordered, start=1) if steps(b, figure) == steps(a, figure))
        error = None if figure is None or a.prediction is None else abs(a.prediction - figure)
        entries.append(
            RankedEntry(
                tied,
                a.user_id,
                a.attempt_id,
                a.score,
                a.correct,
                a.total,
                a.duration_ms,
                a.submitted_ms,
                a.prediction,
                error,
            )
        )
    return Standings(rule, figure, tuple(entries))


_wide = st.lists(
    st.tuples(
        st.integers(0, 6) | st.integers(0, 1 << 40),  # user
        st.integers(0, 3),  # number
        st.integers(0, 1000),  # score; correct and total below
        st.booleans(),  # perfect
        st.sampled_from([0, 1, 1 << 47]) | st.integers(0, (1 << 48) - 1),  # duration ms
        st.sampled_from([0, 5, 1 << 47]) | st.integers(0, (1 << 48) - 1),  # submitted ms
        st.none() | st.integers(0, 12) | st.integers(0, 1 << 40),  # prediction
    ),
    max_size=30,
)


@settings(max_examples=400)
@given(_wide, _rules, st.booleans(), st.data())
def test_rank_property_equals_the_rule_as_stated_on_plain_tuples(
    rows: list[tuple[int, int, int, bool, int, int, int | None]],
    rule: RankingRule,
    figure_known: bool,
    data: st.DataObject,
) -> None:
    users = sorted({r[0] for r in rows})
    plain = [  # as a store reads them
        (aid, user, n, s, 10 if perfect else 9, 10, ms, at, p)
        for aid, (user, n, s, perfect, ms, at, p) in enumerate(rows, start=1)
    ]
    attempts = [Scored(*a) for a in plain]
    excluded_users = set(data.draw(st.lists(st.sampled_from(users), max_size=2))) if users else set()
    excluded_attempts = set(data.draw(st.lists(st.integers(1, len(rows) + 1), max_size=2)))
    fast = rank(
        plain,
        rule,
        figure_known=figure_known,
        excluded_users=excluded_users,
        excluded_attempts=excluded_attempts,
    )
    expected = _reference(attempts, rule, figure_known=figure_known, excluded=(excluded_users, excluded_attempts))
    assert fast == expected

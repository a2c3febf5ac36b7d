from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contest.domain import ranking, scoring, timing
from contest.domain.models import (
    AttemptStatus,
    AttemptSummary,
    Counting,
    DrawnOption,
    DrawnQuestion,
    Result,
    Round,
    RoundRules,
    RoundStatus,
)

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def a_round(**kw: object) -> Round:
    fields: dict = {
        "id": 1,
        "contest_id": 1,
        "title": "V",
        "opens_at": T0,
        "closes_at": T0 + timedelta(days=1),
        "rules": RoundRules(30, 1500, 3),
        "bank_id": 1,
    }
    fields.update(kw)
    return Round(**fields)


def test_round_status_follows_the_window() -> None:
    r = a_round()
    assert timing.round_status(r, T0 - timedelta(seconds=1)) is RoundStatus.UPCOMING
    assert timing.round_status(r, T0) is RoundStatus.OPEN
    assert timing.round_status(r, T0 + timedelta(days=1)) is RoundStatus.CLOSED


def test_deadline_is_start_plus_limit_but_never_after_close() -> None:
    r = a_round()
    assert timing.deadline(r, T0) == T0 + timedelta(minutes=25)
    late = T0 + timedelta(days=1, minutes=-10)
    assert timing.deadline(r, late) == r.closes_at


def test_answers_accepted_until_deadline_plus_grace() -> None:
    grace = timedelta(seconds=10)
    assert timing.accepts_answers(T0, T0 + timedelta(seconds=10), grace=grace)
    assert not timing.accepts_answers(T0, T0 + timedelta(seconds=10, microseconds=1), grace=grace)


def q(qid: int, correct: set[int], points: int = 1) -> DrawnQuestion:
    options = tuple(DrawnOption(i, f"o{i}", "ABCD"[i - 1]) for i in range(1, 5))
    return DrawnQuestion(
        id=qid,
        code=f"Q{qid}",
        text="?",
        multiple=len(correct) > 1,
        options=options,
        correct=frozenset(correct),
        points=points,
    )


def test_score_counts_exact_sets_only() -> None:
    questions = [q(1, {1}), q(2, {2, 3}), q(3, {4}, points=2), q(4, {1})]
    answers = {1: frozenset({1}), 2: frozenset({2}), 3: frozenset({4}), 4: frozenset({1, 2})}
    result = scoring.score(
        questions,
        answers,
        started_at=T0,
        finished_at=T0 + timedelta(seconds=95),
        deadline_at=T0 + timedelta(minutes=25),
    )
    assert result == Result(correct=2, total=4, score=3, duration_ms=95_000)


def test_score_time_is_capped_at_the_deadline() -> None:
    result = scoring.score(
        [q(1, {1})], {}, started_at=T0, finished_at=T0 + timedelta(minutes=30), deadline_at=T0 + timedelta(minutes=25)
    )
    assert result.duration_ms == 25 * 60 * 1000
    assert result.correct == 0


def attempt(aid: int, score: int, *, prediction: int | None = None, ms: int = 60_000, at: int = 0) -> AttemptSummary:
    return AttemptSummary(
        id=aid,
        round_id=1,
        user_id=1,
        number=aid,
        status=AttemptStatus.SUBMITTED,
        started_at=T0,
        deadline=T0,
        submitted_at=T0 + timedelta(seconds=at),
        prediction=prediction,
        result=Result(correct=score, total=30, score=score, duration_ms=ms),
    )


def test_best_attempt_prefers_higher_score() -> None:
    assert ranking.best_attempt([attempt(1, 20), attempt(2, 25), attempt(3, 24)]).id == 2


def test_best_attempt_then_closer_prediction_when_known() -> None:
    attempts = [attempt(1, 25, prediction=100, ms=1000), attempt(2, 25, prediction=480, ms=9000)]
    assert ranking.best_attempt(attempts, actual=500).id == 2
    assert ranking.best_attempt(attempts).id == 1  # before the figure is known, time decides


def test_best_attempt_missing_prediction_loses_the_tie() -> None:
    attempts = [attempt(1, 25, prediction=None, ms=1000), attempt(2, 25, prediction=10_000, ms=9000)]
    assert ranking.best_attempt(attempts, actual=500).id == 2


def test_best_attempt_then_shorter_time_then_earlier_submission() -> None:
    assert ranking.best_attempt([attempt(1, 25, ms=9000), attempt(2, 25, ms=8000)]).id == 2
    assert ranking.best_attempt([attempt(1, 25, at=50), attempt(2, 25, at=40)]).id == 2


def test_best_attempt_follows_the_rounds_counting() -> None:
    attempts = [attempt(1, 20), attempt(2, 25), attempt(3, 24)]
    assert ranking.best_attempt(attempts, ranking.RankingRule(counting=Counting.FIRST)).id == 1
    assert ranking.best_attempt(attempts, ranking.RankingRule(counting=Counting.LAST)).id == 3


def test_best_attempt_ignores_attempts_in_progress() -> None:
    running = AttemptSummary(
        id=9, round_id=1, user_id=1, number=3, status=AttemptStatus.IN_PROGRESS, started_at=T0, deadline=T0
    )
    assert ranking.best_attempt([running]) is None
    assert ranking.best_attempt([running, attempt(1, 3)]).id == 1


def test_true_figure_counts_participants_whose_counting_attempt_is_perfect() -> None:
    perfect = ranking.Scored.of(attempt(1, 30))
    assert ranking.true_figure([perfect, ranking.Scored.of(attempt(2, 29))], ranking.RankingRule()) == 1

"""Which attempt counts, the true figure, and in what order participants stand.

One pure function, :func:`rank`, used by every page, API and export. Its
input is one :class:`Scored` per finished attempt, the round's
:class:`RankingRule` and the exclusions the judges decided (user ids and
attempt ids); its output is :class:`Standings`: the rule, the true figure and
one :class:`RankedEntry` per participant, best first.

The order (the default, :attr:`TieBreak.PREDICTION`): the better attempt has

1. the higher score; then
2. the smaller prediction error, |prediction − true figure|; an attempt
   without a prediction is behind every attempt with one; before the figure
   is known this step is skipped; then
3. the shorter time taken; then
4. the earlier submission.

The variants real contests use (``/work/shared/domain.md`` A.3, 5):

* :attr:`TieBreak.PREDICTION_IF_PERFECT` — the prediction counts only for a
  perfect score (VCNET, Phong Nha): among equal scores a perfect attempt is
  ahead, and perfect attempts are ordered by error; then time, submission;
* :attr:`TieBreak.PREDICTION_THEN_SUBMISSION` — score, error, then straight
  to the earliest submission (VCNET), time taken not used;
* :attr:`TieBreak.NO_PREDICTION` — score, time, submission.

Which attempt counts (``models.Counting``, the round's setting): the best by the order above (the
default), the first or the last (by attempt number). The best is chosen *with*
the true figure: of two attempts of equal score, the slower one with the exact
prediction counts once the figure is known.

The true figure (:class:`TrueFigure`) is computed at close: by default the
number of participants whose counting attempt answered every question right
(that attempt chosen without the figure, which the figure cannot depend on:
score, time, submission); or the number of participants; or of attempts.
Excluded participants and attempts count for nothing, the figure included.

Exact ties (every step of the order equal) share a rank, and the next rank
skips: 1, 2, 2, 4. Tied entries are listed by user id, so the result never
depends on the order of the input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from contest.domain.models import AttemptSummary, Counting, TieBreak, TrueFigure

_MISSING = 1 << 62
"""The error of an attempt without a prediction once the figure is known:
behind every real error."""


COUNTING_LABELS: dict[Counting, str] = {
    Counting.BEST: "lượt tốt nhất",
    Counting.FIRST: "lượt đầu tiên",
    Counting.LAST: "lượt cuối cùng",
}
"""Which attempt counts (the round's setting, :class:`models.Counting`), as the rule says it."""


@dataclass(frozen=True, slots=True)
class RankingRule:
    """A round's ranking rule; the defaults are the platform's."""

    counting: Counting = Counting.BEST
    tie_break: TieBreak = TieBreak.PREDICTION
    true_figure: TrueFigure = TrueFigure.ALL_CORRECT

    def describe(self) -> str:
        """The rule in plain Vietnamese, as every leaderboard prints it."""
        text = f"Mỗi người được tính {COUNTING_LABELS[self.counting]}. Xếp hạng theo {self.tie_break.label}."
        if self.tie_break.uses_prediction:
            text += f" Con số đúng của câu dự đoán là {self.true_figure.label}, tính khi vòng thi kết thúc."
        return text + " Những người bằng nhau ở mọi tiêu chí được xếp đồng hạng."


class Scored(NamedTuple):
    """One finished attempt as the ranking reads it (the input). A named
    tuple, as :class:`RankedEntry`: a round at close has a million of them,
    and a frozen dataclass takes ten times as long to build."""

    attempt_id: int
    user_id: int
    number: int
    """The attempt's number for this participant in the round (1, 2, …)."""
    score: int
    correct: int
    total: int
    duration_ms: int
    submitted_ms: int
    """When it was submitted, in milliseconds since the epoch (UTC): a
    million datetimes take longer to make and compare than the ranking."""
    prediction: int | None = None

    @property
    def perfect(self) -> bool:
        return self.correct == self.total

    @classmethod
    def of(cls, attempt: AttemptSummary) -> Scored:
        """From a finished attempt (``ValueError`` for one in progress)."""
        if attempt.result is None or attempt.submitted_at is None:
            raise ValueError("chỉ xếp hạng bài đã kết thúc")
        r = attempt.result
        return cls(
            attempt.id,
            attempt.user_id,
            attempt.number,
            r.score,
            r.correct,
            r.total,
            r.duration_ms,
            int(attempt.submitted_at.timestamp() * 1000),
            attempt.prediction,
        )


ScoredRow = tuple[int, int, int, int, int, int, int, int, int | None]
"""A :class:`Scored` as a plain tuple, the same fields in the same order:
what a store reads (a million named tuples take a second to make)."""

Key = Callable[[ScoredRow], int]
"""A sort key of the order (:func:`order_key`)."""


class RankedEntry(NamedTuple):
    """One participant's place (the output): ``rank`` (ties share it), the
    counting attempt and its figures; ``error`` is |prediction − true figure|,
    None when the figure is unknown, the rule uses no prediction or the
    attempt has none."""

    rank: int
    user_id: int
    attempt_id: int
    score: int
    correct: int
    total: int
    duration_ms: int
    submitted_ms: int
    prediction: int | None
    error: int | None


@dataclass(frozen=True, slots=True)
class Standings:
    """A round's ranking: the rule, the true figure (None when the rule uses
    no prediction or the figure is not yet known) and the entries, best first."""

    rule: RankingRule
    true_figure: int | None
    entries: tuple[RankedEntry, ...]


_SCORE_TOP = 1 << 40
"""Scores, errors and times are packed into one integer key
(:func:`order_key`): a million keys compare in C instead of as tuples,
several times faster. Each field has room to spare: scores below 2**40,
errors below 2**63 (a missing prediction is 2**62), times below 2**48 ms
(about 8,900 years). From the top: 40 bits of (2**40 − score), one bit
"not perfect", 64 of error, 48 of time taken, 48 of submission time."""


def order_key(rule: RankingRule, figure: int | None) -> Key:
    """The sort key of the rule's order for a figure (None: not known yet,
    the prediction step is skipped): smaller is better; equal keys are
    equal at every step of the order. Steps a variant skips are 0. Each key
    is one expression on the attempt's fields by position (no call inside):
    a round at close computes two million of them."""
    top, missing = _SCORE_TOP, _MISSING
    tie = rule.tie_break
    if tie is TieBreak.NO_PREDICTION or figure is None:
        return lambda a: (top - a[3]) << 161 | a[6] << 48 | a[7]
    if tie is TieBreak.PREDICTION_IF_PERFECT:
        return lambda a: (
            (top - a[3]) << 161 | (missing if a[8] is None else abs(a[8] - figure)) << 96 | a[6] << 48 | a[7]
            if a[4] == a[5]
            else (top - a[3]) << 161 | 1 << 160 | a[6] << 48 | a[7]
        )
    if tie is TieBreak.PREDICTION_THEN_SUBMISSION:
        return lambda a: (top - a[3]) << 161 | (missing if a[8] is None else abs(a[8] - figure)) << 96 | a[7]
    return lambda a: (top - a[3]) << 161 | (missing if a[8] is None else abs(a[8] - figure)) << 96 | a[6] << 48 | a[7]


def _choose(
    attempts: Sequence[ScoredRow], counting: Counting, key: Key, among: Sequence[int] | None = None
) -> dict[int, int]:
    """Each participant's counting attempt (user id -> a whole number whose
    lowest 32 bits are its index in ``attempts``; for the best, the bits
    above 96 are its ``key``): the best by ``key`` (smaller is better; among
    equal keys the lower attempt id), else the first or last by attempt
    number (among equal numbers the first listed); ``among``: only the
    attempts at these indices. One packed whole number per attempt (key,
    attempt id, index) and one comparison: a million attempts in a fraction
    of a second."""
    if among is None:
        listed: Iterable[tuple[int, ScoredRow]] = enumerate(attempts)
        users = [a[1] for a in attempts]
    else:
        listed = [(i, attempts[i]) for i in among]
        users = [attempts[i][1] for i in among]
    if counting is Counting.BEST:
        packed = [(key(a) << 64 | a[0]) << 32 | i for i, a in listed]
    else:
        sign = 1 if counting is Counting.FIRST else -1
        packed = [sign * a[2] << 32 | i for i, a in listed]
    best: dict[int, int] = {}
    held = best.get
    for k, user in zip(packed, users, strict=True):
        if k < held(user, _ABOVE):
            best[user] = k
    return best


_ABOVE = 1 << 320
"""Above every number :func:`_choose` packs (a key of 201 bits, an attempt
id of 64, an index of 32)."""

_INDEX = 0xFFFFFFFF
"""The lowest 32 bits, where :func:`_choose` and :func:`rank` pack an index."""


def counting_attempts(attempts: Iterable[ScoredRow], counting: Counting, key: Key) -> dict[int, ScoredRow]:
    """Each participant's counting attempt (user id -> attempt): by
    ``key`` (smaller is better) for the best, else by attempt number; among
    equal keys the lower attempt id."""
    listed = list(attempts)
    return {user: listed[k & _INDEX] for user, k in _choose(listed, counting, key).items()}


def true_figure(attempts: Sequence[ScoredRow], rule: RankingRule) -> int:
    """The true figure by the rule (module docstring), of attempts already
    cleared of exclusions."""
    return _figure(attempts, rule, _choose(attempts, rule.counting, order_key(rule, None)))


def _figure(attempts: Sequence[ScoredRow], rule: RankingRule, chosen: dict[int, int]) -> int:
    """:func:`true_figure`, given each participant's attempt chosen without
    the figure (:func:`_choose` by ``order_key(rule, None)``)."""
    if rule.true_figure is TrueFigure.ATTEMPTS:
        return len(attempts)
    if rule.true_figure is TrueFigure.PARTICIPANTS:
        return len(chosen)
    return sum(1 for k in chosen.values() if attempts[k & _INDEX][4] == attempts[k & _INDEX][5])


def _choose_again(attempts: Sequence[ScoredRow], chosen: dict[int, int], key: Key) -> dict[int, int]:
    """The best attempts ``chosen`` without the figure, chosen again by
    ``key`` (with it) where that can change them. Every order is by score
    first, so only among a participant's attempts of their best score, and
    only for those with several: a few of them, instead of the ranking
    going over a million attempts twice."""
    best = {user: attempts[k & _INDEX][3] for user, k in chosen.items()}
    level = [i for i, a in enumerate(attempts) if a[3] == best[a[1]]]
    if len(level) == len(chosen):
        return chosen
    several = {user for user, n in Counter(attempts[i][1] for i in level).items() if n > 1}
    return chosen | _choose(attempts, Counting.BEST, key, [i for i in level if attempts[i][1] in several])


def rank(
    attempts: Iterable[ScoredRow],
    rule: RankingRule = RankingRule(),
    *,
    figure_known: bool = True,
    excluded_users: Collection[int] = frozenset(),
    excluded_attempts: Collection[int] = frozenset(),
) -> Standings:
    """The round's standings. ``attempts``: :class:`Scored`, or plain tuples
    in its order (a store's read of a million rows). ``figure_known`` False
    ranks before the round closes (the prediction step skipped, no figure);
    exclusions are the judges' disqualifications of participants and of
    single attempts. User and attempt ids are below 2**64."""
    if excluded_users or excluded_attempts:
        kept = [a for a in attempts if a[1] not in excluded_users and a[0] not in excluded_attempts]
    else:
        kept = list(attempts)
    chosen = _choose(kept, rule.counting, order_key(rule, None))
    figure = _figure(kept, rule, chosen) if figure_known and rule.tie_break.uses_prediction else None
    key = order_key(rule, figure)
    if figure is not None and rule.counting is Counting.BEST:
        chosen = _choose_again(kept, chosen, key)
    # The standings' order, tied entries by user id: a sort of whole numbers (key, user id, index).
    packed = [(key(kept[k & _INDEX]) << 64 | user) << 32 | k & _INDEX for user, k in chosen.items()]
    order = sorted_in_pieces(packed)
    if not order:
        return Standings(rule, figure, ())
    # The entries made column by column, in C (one Python call a participant took a second).
    ids, users, _, scores, corrects, totals, durations, submitted, predictions = zip(
        *[kept[k & _INDEX] for k in order], strict=True
    )
    if figure is None:
        errors: list[int | None] = [None] * len(order)
    else:
        errors = [None if p is None else abs(p - figure) for p in predictions]
    columns = (users, ids, scores, corrects, totals, durations, submitted, predictions, errors)
    return Standings(rule, figure, _taken_in_pieces(map(RankedEntry._make, zip(_places(order), *columns, strict=True))))


E = TypeVar("E", RankedEntry, "OverallEntry")


def _taken_in_pieces(made: Iterator[E]) -> tuple[E, ...]:
    """Everything ``made`` makes (entries made in C, from columns), taken
    :data:`SORT_PIECE` at a time: taken in one call, 500,000 would hold every
    other thread of the process for half a second."""
    taken: list[E] = []
    while piece := list(islice(made, SORT_PIECE)):
        taken += piece
    return tuple(taken)


def _places(order: list[int]) -> list[int]:
    """Each entry's rank, from the standings' packed numbers in order (the
    key above bit 96): equal keys share the first one's position."""
    places: list[int] = []
    previous = -1
    place = 0
    for position, k in enumerate(order, start=1):
        if k >> 96 != previous:
            place, previous = position, k >> 96
        places.append(place)
    return places


SORT_PIECE = 20_000
"""Items :func:`sorted_in_pieces` sorts in one call (tens of ms)."""


def sorted_in_pieces(items: Sequence[Any], key: Callable[[Any], Any] | None = None) -> list[Any]:
    """``items`` sorted (by ``key``; stable): by pieces of :data:`SORT_PIECE`,
    then once more, which finds the pieces' sorted runs and merges them. One
    sort of 500,000 items is one call of a quarter to a whole second, during
    which no other thread of the process runs (the event loop answering
    answer saves included); here the longest call is the last, a merge of
    runs, about half as long, and the whole takes about as long."""
    merged = [x for i in range(0, len(items), SORT_PIECE) for x in sorted(items[i : i + SORT_PIECE], key=key)]
    merged.sort(key=key)
    return merged


def best_attempt(
    attempts: Iterable[AttemptSummary], rule: RankingRule = RankingRule(), *, actual: int | None = None
) -> AttemptSummary | None:
    """A participant's counting finished attempt under ``rule`` (the round's:
    the best by its order, or the first or last; ``actual``: the true figure
    when known); None when none is finished."""
    finished = {a.id: a for a in attempts if a.result is not None and a.submitted_at is not None}
    chosen = counting_attempts((Scored.of(a) for a in finished.values()), rule.counting, order_key(rule, actual))
    return next((finished[s[0]] for s in chosen.values()), None)


class OverallEntry(NamedTuple):
    """One participant across a contest's rounds: sums of the counting
    attempts' score, error and time, the latest of their submissions, and
    how many rounds they are ranked in. A named tuple: a contest's overall
    leaderboard has hundreds of thousands."""

    rank: int
    user_id: int
    rounds: int
    score: int
    error: int
    duration_ms: int
    submitted_ms: int


OverallSums = tuple[int, int, int, int, int, int]
"""One participant's sums across rounds (:func:`overall_sums`): user id,
rounds ranked in, score, prediction error, time taken (ms), latest
submission (ms since the epoch)."""

_SUM_TOP = 1 << 63
"""Summed scores are below this: :func:`overall_order` packs 2**63 − the
summed score into the key's highest 64 bits."""

_OVERALL_KEYS: dict[TieBreak, Callable[[OverallSums], int]] = {
    TieBreak.NO_PREDICTION: lambda s: ((_SUM_TOP - s[2]) << 96 | s[4]) << 64 | s[5],
    TieBreak.PREDICTION_THEN_SUBMISSION: lambda s: ((_SUM_TOP - s[2]) << 128 | s[3]) << 64 | s[5],
}
"""The overall order's key by tie break, one whole number (smaller is
better; summed errors below 2**128, times below 2**96, submissions below
2**64); the others: :func:`_overall_key`."""


def _overall_key(s: OverallSums) -> int:
    return (((_SUM_TOP - s[2]) << 128 | s[3]) << 96 | s[4]) << 64 | s[5]


def overall_sums(rounds: Iterable[Standings]) -> list[OverallSums]:
    """Each participant's sums over the rounds' standings: the counting
    scores, the errors (a round without a known figure adds 0, a missing
    prediction one more than the round's worst error), the times, and the
    latest submission. ``storage/overall.py`` sums the stored standings the
    same way in SQL (a test checks they agree)."""
    sums: dict[int, list[int]] = {}
    for standings in rounds:
        worst = max((e.error for e in standings.entries if e.error is not None), default=0)
        for e in standings.entries:
            s = sums.setdefault(e.user_id, [e.user_id, 0, 0, 0, 0, e.submitted_ms])
            s[1] += 1
            s[2] += e.score
            if standings.true_figure is not None:
                s[3] += worst + 1 if e.error is None else e.error
            s[4] += e.duration_ms
            s[5] = max(s[5], e.submitted_ms)
    return [(u, n, score, error, duration, latest) for u, n, score, error, duration, latest in sums.values()]


def overall_order(sums: Iterable[OverallSums], tie_break: TieBreak = TieBreak.PREDICTION) -> tuple[OverallEntry, ...]:
    """The overall leaderboard from each participant's sums: the higher
    summed score first, ties broken in the contest's order (``tie_break``)
    with the summed error, the summed time and the latest submission (the
    earlier first); equal at every step share a rank (1, 2, 2, 4), listed by
    user id."""
    key = _OVERALL_KEYS.get(tie_break, _overall_key)
    listed = list(sums)
    # A sort of whole numbers (key, user id, index), as the round's standings (:func:`rank`).
    order = sorted_in_pieces([(key(s) << 64 | s[0]) << 32 | i for i, s in enumerate(listed)])
    if not order:
        return ()
    columns = zip(*[listed[k & _INDEX] for k in order], strict=True)
    return _taken_in_pieces(map(OverallEntry._make, zip(_places(order), *columns, strict=True)))


def overall(rounds: Iterable[Standings], tie_break: TieBreak = TieBreak.PREDICTION) -> tuple[OverallEntry, ...]:
    """The contest's overall leaderboard (default rule): the sum of each
    round's counting score, ties broken in the contest's order with summed
    figures (:func:`overall_sums`, :func:`overall_order`)."""
    return overall_order(overall_sums(rounds), tie_break)


def overall_tie_break(rules: Iterable[RankingRule]) -> TieBreak:
    """The order the overall leaderboard breaks ties in: the one the summed
    rounds all use (prediction only for a perfect score sums every error,
    as the default does), else the default."""
    orders = {TieBreak.PREDICTION if r.tie_break is TieBreak.PREDICTION_IF_PERFECT else r.tie_break for r in rules}
    return orders.pop() if len(orders) == 1 else TieBreak.PREDICTION


def describe_overall(tie_break: TieBreak) -> str:
    """The overall leaderboard's rule (:func:`overall`) in plain Vietnamese."""
    steps = {
        TieBreak.NO_PREDICTION: "tổng thời gian làm bài ngắn hơn, rồi lần nộp bài sau cùng sớm hơn",
        TieBreak.PREDICTION_THEN_SUBMISSION: "tổng sai số dự đoán nhỏ hơn, rồi lần nộp bài sau cùng sớm hơn",
    }.get(
        tie_break,
        "tổng sai số dự đoán nhỏ hơn, rồi tổng thời gian làm bài ngắn hơn, rồi lần nộp bài sau cùng sớm hơn",
    )
    return (
        "Cộng điểm lượt được tính của mỗi vòng đã công bố kết quả; bằng tổng điểm thì xét "
        f"{steps}. Những người bằng nhau ở mọi tiêu chí được xếp đồng hạng."
    )

"""What a committee reports about a round or a contest, computed from stored
facts (attempts, their drawn keys and answers, participations).

Participation is counted in distinct participants: someone who made three
attempts is one participant. Days are Vietnam dates (Asia/Ho_Chi_Minh, UTC+7
all year, no daylight saving).

Item analysis takes every finished attempt (submitted or expired) of the
round, each a :class:`Response`:

- *times drawn*: attempts that drew the question;
- *facility*: the share of those that answered it right (0 to 1);
- *discrimination*: the upper-lower index D = p(upper) − p(lower), where the
  upper and lower groups are the attempts whose score is at least the score
  of the attempt at the top 27 % (respectively at most the one at the bottom
  27 %) of the round, ties included (Kelley's 27 %; D runs from −1 to 1, and
  0.3 or more separates well);
- a *likely miskey*: among the upper group's attempts that drew the question
  (at least :data:`MISKEY_MIN_UPPER`), one wrong answer (the same set of
  bank letters) was chosen by more than half, and more often than the key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

VIETNAM_OFFSET_MS = 7 * 3600 * 1000
"""Asia/Ho_Chi_Minh's offset from UTC in milliseconds, the same all year:
storage adds it to a stored moment and divides by :data:`DAY_MS` to get a
Vietnam day number."""
DAY_MS = 86_400_000

GROUP_SHARE = 0.27
MISKEY_MIN_UPPER = 5


@dataclass(frozen=True, slots=True)
class Count:
    """One row of a participation table: a label (a day, an area, a unit)
    and its distinct participants; ``rate`` is participants ÷ headcount
    where the unit's headcount is known."""

    label: str
    participants: int
    headcount: int | None = None

    @property
    def rate(self) -> float | None:
        return None if not self.headcount else self.participants / self.headcount


def by_day(counts: Mapping[int, int]) -> list[tuple[date, int]]:
    """{Vietnam day number: participants} as dates, every day from the first
    to the last (days without anyone included, so a chart's gaps are true)."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [(_EPOCH + timedelta(days=d), counts.get(d, 0)) for d in range(first, last + 1)]


_EPOCH = date(1970, 1, 1)


def ranked(counts: Mapping[str, int], *, headcounts: Mapping[str, int] | None = None) -> list[Count]:
    """Areas or units, the most participants first (ties by name), each with
    its headcount when ``headcounts`` names it: what collective prizes are
    decided on."""
    known = headcounts or {}
    return [
        Count(label, n, known.get(label)) for label, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


@dataclass(frozen=True, slots=True)
class Bin:
    """[low, high) and how many values fell in it."""

    low: int
    high: int
    count: int


def histogram(counts: Mapping[int, int], *, width: int) -> list[Bin]:
    """Values given as {value: how many}, gathered in bins of ``width``
    from the smallest bin holding a value to the largest, empty bins
    included so the shape is true."""
    if width < 1:
        raise ValueError("width must be at least 1")
    if not counts:
        return []
    by_bin: Counter[int] = Counter()
    for value, n in counts.items():
        by_bin[value // width] += n
    first, last = min(by_bin), max(by_bin)
    return [Bin(b * width, (b + 1) * width, by_bin[b]) for b in range(first, last + 1)]


@dataclass(frozen=True, slots=True)
class Answered:
    """One question of one attempt: its code, the key and the answer
    given, both as sets of bank letters (empty: not answered)."""

    code: str
    key: frozenset[str]
    chosen: frozenset[str]


@dataclass(frozen=True, slots=True)
class Response:
    score: int
    answers: Sequence[Answered]


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Scores at or above ``upper`` are the upper group; at or below
    ``lower`` the lower group."""

    upper: int
    lower: int


def cutoffs(scores: Mapping[int, int]) -> Cutoffs | None:
    """The 27 % groups' boundary scores from {score: attempts}; None when
    there are no attempts."""
    total = sum(scores.values())
    if total == 0:
        return None
    need = max(1, round(total * GROUP_SHARE))
    return Cutoffs(upper=_reach(sorted(scores, reverse=True), scores, need), lower=_reach(sorted(scores), scores, need))


def _reach(order: Sequence[int], scores: Mapping[int, int], need: int) -> int:
    seen = 0
    for score in order:
        seen += scores[score]
        if seen >= need:
            return score
    return order[-1]


@dataclass
class _Tally:
    drawn: int = 0
    right: int = 0
    upper: int = 0
    upper_right: int = 0
    lower: int = 0
    lower_right: int = 0
    upper_choices: Counter[frozenset[str]] = field(default_factory=Counter)
    key: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ItemStats:
    code: str
    drawn: int
    facility: float
    discrimination: float | None
    """None when either group never drew the question."""
    miskey: frozenset[str] | None
    """The wrong answer the upper group mostly chose (bank letters), if any."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """A round's item analysis: each question's figures (:class:`ItemStats`)
    over ``attempts`` finished attempts. ``computed_at``: when it was kept
    after the round closed (None: computed for this page, while the round is
    open, over its first ``attempts`` only when ``partial``)."""

    items: list[ItemStats]
    attempts: int
    computed_at: datetime | None = None
    partial: bool = False


class ItemAnalysis:
    """Accumulates responses (fed in batches, so a round of any size is read
    in bounded memory) and gives each question's figures."""

    def __init__(self, groups: Cutoffs) -> None:
        self._groups = groups
        self._tallies: dict[str, _Tally] = {}

    def add(self, responses: Iterable[Response]) -> None:
        for response in responses:
            upper = response.score >= self._groups.upper
            lower = response.score <= self._groups.lower
            for answer in response.answers:
                tally = self._tallies.setdefault(answer.code, _Tally())
                tally.key = answer.key
                right = bool(answer.key) and answer.chosen == answer.key
                tally.drawn += 1
                tally.right += right
                if upper:
                    tally.upper += 1
                    tally.upper_right += right
                    tally.upper_choices[answer.chosen] += 1
                if lower:
                    tally.lower += 1
                    tally.lower_right += right

    def results(self) -> list[ItemStats]:
        """Every question drawn, the hardest (lowest facility) first, then by code."""
        items = [_item(code, t) for code, t in self._tallies.items()]
        return sorted(items, key=lambda i: (i.facility, i.code))


def _item(code: str, t: _Tally) -> ItemStats:
    discrimination = None
    if t.upper and t.lower:
        discrimination = t.upper_right / t.upper - t.lower_right / t.lower
    miskey = None
    if t.upper >= MISKEY_MIN_UPPER:
        wrong = [(n, chosen) for chosen, n in t.upper_choices.items() if chosen and chosen != t.key]
        if wrong:
            n, chosen = max(wrong, key=lambda pair: (pair[0], sorted(pair[1])))
            if n * 2 > t.upper and n > t.upper_right:
                miskey = chosen
    return ItemStats(code=code, drawn=t.drawn, facility=t.right / t.drawn, discrimination=discrimination, miskey=miskey)

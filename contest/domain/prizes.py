"""Prizes from a ranking, stated once.

Individual prizes: the round's quotas (``Prizes``: first, second, third,
consolation) are laid over the places in order: the first ``first`` places
win first prizes, the next ``second`` second prizes, and so on. Participants
who share a rank share whatever their places give, unless their places span
two kinds (or a prize and none): then none of them is given a prize here, and
the tie is reported for the judges to decide — never cut silently.

Collective prizes: units or areas ordered by how many participants they
sent, or, where headcounts exist, by their participation rate (participants
÷ headcount); places that tie share a rank ("1, 2, 2, 4"); one without a
headcount has no rate and is left out of a rate ranking.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import groupby

from contest.domain.models import Prizes


class Prize(enum.StrEnum):
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    CONSOLATION = "consolation"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS: dict[Prize, str] = {
    Prize.FIRST: "Giải Nhất",
    Prize.SECOND: "Giải Nhì",
    Prize.THIRD: "Giải Ba",
    Prize.CONSOLATION: "Giải Khuyến khích",
}


@dataclass(frozen=True, slots=True)
class BoundaryTie:
    """Participants sharing ``rank`` whose places span several kinds:
    ``places`` says how many of their places each kind (None: no prize)
    gives, in order."""

    rank: int
    user_ids: tuple[int, ...]
    places: tuple[tuple[Prize | None, int], ...]


@dataclass(frozen=True, slots=True)
class Awards:
    prizes: dict[int, Prize]
    """user id -> prize, for everyone the quotas decide."""
    ties: tuple[BoundaryTie, ...]


def _slots(quotas: Prizes) -> list[Prize]:
    counts = (quotas.first, quotas.second, quotas.third, quotas.consolation)
    return [kind for kind, n in zip(Prize, counts, strict=True) for _ in range(n)]


def assign(ranked: Sequence[tuple[int, int]], quotas: Prizes) -> Awards:
    """Prizes for ``ranked`` ((user id, rank) in the ranking's order, ties
    sharing a rank) under ``quotas``."""
    slots = _slots(quotas)
    prizes: dict[int, Prize] = {}
    ties: list[BoundaryTie] = []
    position = 0
    for rank, group in groupby(ranked, key=lambda entry: entry[1]):
        users = [user for user, _rank in group]
        kinds: list[Prize | None] = [
            slots[p] if p < len(slots) else None for p in range(position, position + len(users))
        ]
        position += len(users)
        if len(set(kinds)) > 1:
            ties.append(BoundaryTie(rank, tuple(users), tuple((k, len(list(g))) for k, g in groupby(kinds))))
        elif kinds[0] is not None:
            prizes.update((user, kinds[0]) for user in users)
        if position >= len(slots):
            break
    return Awards(prizes, tuple(ties))


@dataclass(frozen=True, slots=True)
class Collective:
    """One unit's or area's place: ``rate`` is None in a ranking by
    participants."""

    rank: int
    name: str
    participants: int
    headcount: int | None
    rate: Fraction | None


def collective(
    participants: Mapping[str, int], headcounts: Mapping[str, int | None], *, by_rate: bool
) -> list[Collective]:
    """Units (or areas) by ``participants`` (name -> how many took part), or
    with ``by_rate`` by participants ÷ headcount (those without a headcount
    left out); best first, ties sharing a rank, then by name."""
    rows: list[tuple[Fraction, str, int, int | None, Fraction | None]] = []
    for name, count in participants.items():
        headcount = headcounts.get(name)
        rate = Fraction(count, headcount) if headcount else None
        if not by_rate:
            rows.append((Fraction(count), name, count, headcount, rate))
        elif rate is not None:
            rows.append((rate, name, count, headcount, rate))
    rows.sort(key=lambda r: (-r[0], r[1]))
    result: list[Collective] = []
    for position, (value, name, count, headcount, rate) in enumerate(rows, start=1):
        tied = bool(result) and rows[position - 2][0] == value
        result.append(Collective(result[-1].rank if tied else position, name, count, headcount, rate))
    return result

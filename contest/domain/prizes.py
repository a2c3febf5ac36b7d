"""Prizes from a ranking, stated once.

Individual prizes: the round's quotas (``Prizes``: first, second, third,
consolation) are laid over the places in order: the first ``first`` places
win first prizes, the next ``second`` second prizes, and so on. Participants
who share a rank share whatever their places give, unless their places span
two kinds (or a prize and none): then none of them is given a prize here, and
the tie is reported for the judges to decide — never cut silently. No
prize goes to a participant with no correct answer: the places are laid
only over those with at least one, and a quota they do not fill is left
unawarded (:attr:`Awards.unawarded`, shown to the judges and in the biên
bản) rather than handed to a score of 0.

The judges' decision on such a tie (:class:`Decision`, :func:`decide`): one
of the prizes the tie's places give, to some or all of the tied (all: the
quota is exceeded), with a written reason; the others in the tie get the
lowest kind its places give (possibly none). A decision settles only the tie
it was made for (the same rank, participants and places, :func:`settle`): a
re-ranking that dissolves or changes the tie leaves it stale, and the judges
decide again.

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
from contest.domain.phases import PhaseRefused
from contest.domain.text import read_choice
from contest.errors import Invalid


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
    unawarded: tuple[tuple[Prize, int], ...] = ()
    """How many of each kind no participant with a correct answer reached, in order."""


def _slots(quotas: Prizes) -> list[Prize]:
    counts = (quotas.first, quotas.second, quotas.third, quotas.consolation)
    return [kind for kind, n in zip(Prize, counts, strict=True) for _ in range(n)]


def assign(ranked: Sequence[tuple[int, int, int]], quotas: Prizes) -> Awards:
    """Prizes for ``ranked`` ((user id, rank, correct answers) in the
    ranking's order, ties sharing a rank) under ``quotas``; those with no
    correct answer (last in any order, which puts score first) get none."""
    slots = _slots(quotas)
    prizes: dict[int, Prize] = {}
    ties: list[BoundaryTie] = []
    position = 0
    contenders = [(user, rank) for user, rank, correct in ranked if correct > 0]
    for rank, group in groupby(contenders, key=lambda entry: entry[1]):
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
    unawarded = tuple((kind, len(list(g))) for kind, g in groupby(slots[position:]))
    return Awards(prizes, tuple(ties), unawarded)


@dataclass(frozen=True, slots=True)
class Decision:
    """The judges' decision on the tie at ``rank`` of ``tied`` (ascending user
    ids) with ``places``: ``prize`` to ``winners``, the rest of the tie the
    lowest kind of ``places``."""

    rank: int
    tied: tuple[int, ...]
    places: tuple[tuple[Prize | None, int], ...]
    prize: Prize
    winners: tuple[int, ...]
    reason: str

    def settles(self, tie: BoundaryTie) -> bool:
        return (self.rank, self.tied, self.places) == (tie.rank, tuple(sorted(tie.user_ids)), tie.places)

    def given(self) -> dict[int, Prize]:
        """What each tied participant gets under this decision (no entry: no prize)."""
        rest = self.places[-1][0]
        result = {user: rest for user in self.tied if rest is not None}
        result.update((user, self.prize) for user in self.winners)
        return result


def decide(ties: Sequence[BoundaryTie], prize: object, user_ids: object, reason: str) -> Decision:
    """The decision giving ``prize`` (a :class:`Prize` value) to ``user_ids``
    (a non-empty list of participants all in one of ``ties``) for ``reason``.
    Invalid (422) for a prize that tie's places do not give, or participants
    not all in one boundary tie."""
    kind = read_choice(prize, field="prize", choices={k: k.label for k in Prize})
    users = user_ids if isinstance(user_ids, list) else []
    tie = next((t for t in ties if users and all(u in t.user_ids for u in users)), None)
    if tie is None or not all(type(u) is int for u in users):
        raise Invalid({"user_ids": "Chọn ít nhất một thí sinh, tất cả trong cùng một nhóm đồng hạng ở ranh giới giải."})
    if all(kind is not k for k, _n in tie.places):
        raise Invalid({"prize": f"Nhóm đồng hạng {tie.rank} không có {kind.label}."})
    return Decision(tie.rank, tuple(sorted(tie.user_ids)), tie.places, kind, tuple(sorted(set(users))), reason)


@dataclass(frozen=True, slots=True)
class Settled:
    """The awards with the judges' decisions applied: ``prizes`` (user id ->
    prize) for everyone the quotas or a decision give one; the ties decided
    (each with its decision), those still undecided, and decisions in force
    that no longer match any tie (stale: the standings changed since)."""

    prizes: dict[int, Prize]
    decided: tuple[tuple[BoundaryTie, Decision], ...]
    undecided: tuple[BoundaryTie, ...]
    stale: tuple[Decision, ...]
    unawarded: tuple[tuple[Prize, int], ...] = ()
    """:attr:`Awards.unawarded`."""

    @property
    def ties(self) -> tuple[BoundaryTie, ...]:
        """Every boundary tie, decided or not, by rank."""
        return tuple(sorted((*self.undecided, *(t for t, _d in self.decided)), key=lambda t: t.rank))


def settle(awards: Awards, decisions: Sequence[Decision]) -> Settled:
    """Apply ``decisions`` (those in force, at most one per rank) to ``awards``."""
    given = dict(awards.prizes)
    decided, undecided, used = [], [], set()
    for tie in awards.ties:
        match = next((d for d in decisions if d.settles(tie)), None)
        if match is None:
            undecided.append(tie)
            continue
        used.add(match.rank)
        decided.append((tie, match))
        given.update(match.given())
    stale = tuple(d for d in decisions if d.rank not in used)
    return Settled(given, tuple(decided), tuple(undecided), stale, awards.unawarded)


def check_settled(settled: Settled) -> None:
    """Allow final results, or raise :class:`PhaseRefused` (409
    ``prize_ties_undecided``) naming the ranks whose boundary tie the
    judges have not decided (or whose decision went stale)."""
    if settled.undecided:
        ranks = ", ".join(str(t.rank) for t in settled.undecided)
        raise PhaseRefused(
            f"Còn đồng hạng ở ranh giới giải chưa được Ban Giám khảo quyết định (hạng {ranks}):"
            " quyết định trước khi công bố kết quả chính thức.",
            code="prize_ties_undecided",
        )


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

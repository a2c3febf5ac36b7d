"""Prizes from a ranking: quotas laid over places, boundary ties left to the
judges, collective prizes by participants or participation rate."""

from __future__ import annotations

from fractions import Fraction

from contest.domain.models import Prizes
from contest.domain.prizes import BoundaryTie, Prize, assign, collective

QUOTAS = Prizes(first=1, second=2, third=0, consolation=2)


def test_prizes_follow_the_places_when_nobody_ties() -> None:
    awards = assign([(10, 1), (11, 2), (12, 3), (13, 4), (14, 5), (15, 6)], QUOTAS)
    assert awards.prizes == {
        10: Prize.FIRST,
        11: Prize.SECOND,
        12: Prize.SECOND,
        13: Prize.CONSOLATION,
        14: Prize.CONSOLATION,
    }
    assert awards.ties == ()


def test_tie_within_one_kind_shares_it() -> None:
    awards = assign([(10, 1), (11, 2), (12, 2), (13, 4)], QUOTAS)
    assert awards.prizes == {10: Prize.FIRST, 11: Prize.SECOND, 12: Prize.SECOND, 13: Prize.CONSOLATION}
    assert awards.ties == ()


def test_tie_across_a_boundary_goes_to_the_judges() -> None:
    awards = assign([(10, 1), (11, 1), (12, 3), (13, 4), (14, 4), (15, 4), (16, 7)], QUOTAS)
    assert awards.prizes == {12: Prize.SECOND}
    assert awards.ties == (
        BoundaryTie(1, (10, 11), ((Prize.FIRST, 1), (Prize.SECOND, 1))),
        BoundaryTie(4, (13, 14, 15), ((Prize.CONSOLATION, 2), (None, 1))),
    )


def test_no_quotas_give_no_prizes() -> None:
    assert assign([(10, 1), (11, 1)], Prizes()).prizes == {}
    assert assign([], QUOTAS).prizes == {}


def test_collective_by_participants_shares_ranks() -> None:
    places = collective({"Sở A": 30, "Sở B": 50, "Sở C": 30, "Sở D": 5}, {}, by_rate=False)
    assert [(p.rank, p.name, p.participants) for p in places] == [
        (1, "Sở B", 50),
        (2, "Sở A", 30),
        (2, "Sở C", 30),
        (4, "Sở D", 5),
    ]


def test_collective_by_rate_needs_a_headcount() -> None:
    places = collective({"Sở A": 30, "Sở B": 50, "Sở C": 9}, {"Sở A": 40, "Sở B": 100, "Sở C": None}, by_rate=True)
    assert [(p.rank, p.name, p.rate) for p in places] == [(1, "Sở A", Fraction(3, 4)), (2, "Sở B", Fraction(1, 2))]

"""Prizes from a ranking: quotas laid over places, boundary ties left to the
judges, collective prizes by participants or participation rate."""

from __future__ import annotations

from fractions import Fraction

import pytest

from contest.domain.models import Prizes
from contest.domain.phases import PhaseRefused
from contest.domain.prizes import BoundaryTie, Decision, Prize, assign, check_settled, collective, decide, settle
from contest.errors import Invalid

QUOTAS = Prizes(first=1, second=2, third=0, consolation=2)


def test_prizes_follow_the_places_when_nobody_ties() -> None:
    awards = assign([(10, 1, 5), (11, 2, 5), (12, 3, 5), (13, 4, 5), (14, 5, 5), (15, 6, 5)], QUOTAS)
    assert awards.prizes == {
        10: Prize.FIRST,
        11: Prize.SECOND,
        12: Prize.SECOND,
        13: Prize.CONSOLATION,
        14: Prize.CONSOLATION,
    }
    assert awards.ties == ()


def test_tie_within_one_kind_shares_it() -> None:
    awards = assign([(10, 1, 5), (11, 2, 5), (12, 2, 5), (13, 4, 5)], QUOTAS)
    assert awards.prizes == {10: Prize.FIRST, 11: Prize.SECOND, 12: Prize.SECOND, 13: Prize.CONSOLATION}
    assert awards.ties == ()


def test_tie_across_a_boundary_goes_to_the_judges() -> None:
    awards = assign([(10, 1, 5), (11, 1, 5), (12, 3, 5), (13, 4, 5), (14, 4, 5), (15, 4, 5), (16, 7, 5)], QUOTAS)
    assert awards.prizes == {12: Prize.SECOND}
    assert awards.ties == (
        BoundaryTie(1, (10, 11), ((Prize.FIRST, 1), (Prize.SECOND, 1))),
        BoundaryTie(4, (13, 14, 15), ((Prize.CONSOLATION, 2), (None, 1))),
    )


def test_no_quotas_give_no_prizes() -> None:
    assert assign([(10, 1, 5), (11, 1, 5)], Prizes()).prizes == {}
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


TIE = BoundaryTie(4, (14, 13, 15), ((Prize.CONSOLATION, 2), (None, 1)))
UPPER = BoundaryTie(1, (10, 11), ((Prize.FIRST, 1), (Prize.SECOND, 1)))


def test_decision_gives_the_prize_to_those_chosen_and_the_rest_the_lowest_kind() -> None:
    decision = decide([UPPER, TIE], "first", [11], "Bốc thăm")
    assert decision == Decision(1, (10, 11), UPPER.places, Prize.FIRST, (11,), "Bốc thăm")
    assert decision.given() == {10: Prize.SECOND, 11: Prize.FIRST}
    assert decide([TIE], "consolation", [15, 13], "Đúng hơn câu khó").given() == {
        13: Prize.CONSOLATION,
        15: Prize.CONSOLATION,
    }
    everyone = decide([TIE], "consolation", [13, 14, 15], "Vượt cơ cấu giải")
    assert everyone.given() == dict.fromkeys((13, 14, 15), Prize.CONSOLATION)


def test_decision_refuses_a_prize_or_people_that_fit_no_tie() -> None:
    refused = [
        ("third", [13], "prize"),
        ("nhất", [13], "prize"),
        ("consolation", [13, 10], "user_ids"),
        ("consolation", [], "user_ids"),
        ("consolation", "13", "user_ids"),
        ("consolation", [True], "user_ids"),
    ]
    for prize, users, field in refused:
        with pytest.raises(Invalid) as raised:
            decide([UPPER, TIE], prize, users, "x")
        assert list(raised.value.errors) == [field], (prize, users)


def test_settle_applies_decisions_that_match_and_reports_stale_and_undecided() -> None:
    awards = assign([(10, 1, 5), (11, 1, 5), (12, 3, 5), (13, 4, 5), (14, 4, 5), (15, 4, 5), (16, 7, 5)], QUOTAS)
    upper = decide(awards.ties, "first", [10], "Bốc thăm")
    changed = Decision(4, (13, 14), ((Prize.CONSOLATION, 2),), Prize.CONSOLATION, (13,), "Cũ")
    settled = settle(awards, [upper, changed])
    assert settled.prizes == {10: Prize.FIRST, 11: Prize.SECOND, 12: Prize.SECOND}
    assert settled.decided == ((awards.ties[0], upper),)
    assert settled.undecided == (awards.ties[1],) and settled.stale == (changed,)
    assert settled.ties == awards.ties
    with pytest.raises(PhaseRefused) as raised:
        check_settled(settled)
    assert raised.value.code == "prize_ties_undecided" and "(hạng 4)" in raised.value.message
    check_settled(settle(awards, [upper, decide(awards.ties, "consolation", [14], "Nhanh hơn")]))


def test_no_prize_for_no_correct_answer_and_the_quota_left_is_unawarded() -> None:
    awards = assign([(10, 1, 3), (11, 2, 1), (12, 3, 0), (13, 3, 0)], QUOTAS)
    assert awards.prizes == {10: Prize.FIRST, 11: Prize.SECOND}
    assert awards.ties == ()
    assert awards.unawarded == ((Prize.SECOND, 1), (Prize.CONSOLATION, 2))
    assert settle(awards, []).unawarded == awards.unawarded
    assert assign([(10, 1, 1)], Prizes(first=1)).unawarded == ()

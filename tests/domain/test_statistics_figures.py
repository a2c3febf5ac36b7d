"""Statistics from stored facts: participation tables, distributions and the
item analysis (facility, upper-lower 27 % discrimination, likely miskeys)."""

from __future__ import annotations

from datetime import date

from contest.domain.statistics import (
    Answered,
    Bin,
    Count,
    Cutoffs,
    ItemAnalysis,
    Response,
    by_day,
    cutoffs,
    histogram,
    ranked,
)


def test_ranked_most_participants_first_ties_by_name_with_rate() -> None:
    rows = ranked({"Sở Y tế": 3, "Sở Tư pháp": 9, "Sở Nội vụ": 3}, headcounts={"Sở Tư pháp": 12})
    assert rows == [Count("Sở Tư pháp", 9, 12), Count("Sở Nội vụ", 3), Count("Sở Y tế", 3)]
    assert rows[0].rate == 0.75
    assert rows[1].rate is None


def test_by_day_fills_days_without_anyone() -> None:
    # Day 20_000 since 1970-01-01 is 04/10/2024.
    assert by_day({20_000: 4, 20_002: 1}) == [(date(2024, 10, 4), 4), (date(2024, 10, 5), 0), (date(2024, 10, 6), 1)]
    assert by_day({}) == []


def test_histogram_bins_of_a_width_with_empty_bins() -> None:
    assert histogram({65: 2, 70: 1, 250: 4}, width=60) == [
        Bin(60, 120, 3),
        Bin(120, 180, 0),
        Bin(180, 240, 0),
        Bin(240, 300, 4),
    ]
    assert histogram({}, width=1) == []


def test_cutoffs_take_27_percent_from_each_end_ties_included() -> None:
    # 10 attempts: 27 % is 3. The top three scores are 9, 8, 8 (and a third 8 ties in).
    scores = {9: 1, 8: 3, 5: 2, 3: 2, 1: 2}
    assert cutoffs(scores) == Cutoffs(upper=8, lower=3)
    assert cutoffs({}) is None


def _response(score: int, chosen: str, key: str = "A") -> Response:
    return Response(score=score, answers=[Answered("Q1", frozenset(key), frozenset(chosen))])


def test_item_analysis_facility_and_discrimination() -> None:
    analysis = ItemAnalysis(Cutoffs(upper=8, lower=2))
    analysis.add([_response(9, "A"), _response(8, "A"), _response(8, "B")])  # upper: 2 of 3 right
    analysis.add([_response(5, "A"), _response(2, "B"), _response(1, "")])  # lower: 0 of 2 right
    [item] = analysis.results()
    assert (item.code, item.drawn) == ("Q1", 6)
    assert item.facility == 3 / 6
    assert item.discrimination == 2 / 3 - 0
    assert item.miskey is None


def test_item_analysis_flags_a_wrong_option_the_strongest_mostly_choose() -> None:
    analysis = ItemAnalysis(Cutoffs(upper=8, lower=2))
    analysis.add([_response(9, "C"), _response(9, "C"), _response(8, "C"), _response(8, "C"), _response(8, "A")])
    analysis.add([_response(1, "A"), _response(2, "B")])
    [item] = analysis.results()
    assert item.miskey == frozenset("C")
    assert item.discrimination == 1 / 5 - 1 / 2


def test_item_analysis_needs_five_of_the_upper_group_to_flag() -> None:
    analysis = ItemAnalysis(Cutoffs(upper=8, lower=2))
    analysis.add([_response(9, "C"), _response(9, "C"), _response(8, "C"), _response(8, "A")])
    assert analysis.results()[0].miskey is None


def test_item_analysis_hardest_first() -> None:
    analysis = ItemAnalysis(Cutoffs(upper=1, lower=0))
    analysis.add(
        [
            Response(
                1, [Answered("DE", frozenset("A"), frozenset("A")), Answered("KHO", frozenset("B"), frozenset("A"))]
            ),
        ]
    )
    assert [i.code for i in analysis.results()] == ["KHO", "DE"]
    assert analysis.results()[1].discrimination is None  # nobody in the lower group drew it

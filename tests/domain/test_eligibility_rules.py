from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from contest.domain.eligibility import (
    Place,
    check_eligibility,
    check_still_before,
    describe,
    read_eligibility,
    refusal,
)
from contest.domain.models import Area, Contest, Eligibility, Round, RoundRules, Unit
from contest.errors import Invalid

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)
CONTEST = Contest(
    id=1,
    slug="cuoc-thi",
    title="Cuộc thi",
    description="",
    rules="",
    privacy_notice="",
    min_age=None,
    starts_at=NOW,
    ends_at=NOW + 60 * DAY,
    areas=(Area(1, "Phường Ba Đình"), Area(2, "Xã Sóc Sơn")),
    units=(Unit(1, "Sở Tư pháp"), Unit(2, "Sở Nội vụ")),
)
TOP20 = Eligibility(rounds=(11, 12), top=20)
AT_LEAST_25 = Eligibility(rounds=(11,), min_score=25)


def place(round_id: int, *, final: bool = True, rank: int | None = None, score: int | None = None) -> Place:
    return Place(round_id, f"Vòng {round_id - 10}", final, 30, rank, score)


@pytest.mark.parametrize(
    ("rule", "area", "unit", "places", "expected"),
    [
        (Eligibility(), 1, "", [], None),
        (Eligibility(units=frozenset({1})), 1, "Sở Tư pháp", [], None),
        (
            Eligibility(units=frozenset({1})),
            1,
            "Sở Nội vụ",
            [],
            ("not_eligible_unit", "Vòng này dành cho thí sinh thuộc các đơn vị: «Sở Tư pháp»."),
        ),
        (
            Eligibility(units=frozenset({1, 2})),
            1,
            "",
            [],
            ("not_eligible_unit", "Vòng này dành cho thí sinh thuộc các đơn vị: «Sở Tư pháp», «Sở Nội vụ»."),
        ),
        (Eligibility(areas=frozenset({2})), 2, "", [], None),
        (
            Eligibility(areas=frozenset({2})),
            1,
            "Sở Tư pháp",
            [],
            ("not_eligible_area", "Vòng này dành cho thí sinh cư trú tại: «Xã Sóc Sơn»."),
        ),
        (TOP20, 1, "", [place(11, rank=20, score=10), place(12)], None),  # ties at 20 share the place
        (TOP20, 1, "", [place(11, rank=35, score=10), place(12, rank=3, score=28)], None),  # any round will do
        (
            TOP20,
            1,
            "",
            [place(11, rank=21, score=10), place(12, rank=40, score=9)],
            ("not_qualified", "Bạn xếp hạng 21 ở vòng «Vòng 1»; cần xếp trong top 20."),
        ),
        (
            TOP20,
            1,
            "",
            [place(11, rank=3, score=29), place(12, final=False)],
            None,  # qualified from a final result; the other round need not wait
        ),
        (
            TOP20,
            1,
            "",
            [place(11, rank=30, score=9), place(12, final=False)],
            (
                "qualifying_not_final",
                "Vòng chung kết dành cho thí sinh đạt top 20 vòng «Vòng 1», «Vòng 2»; "
                "kết quả vòng «Vòng 2» chưa được công bố chính thức.",
            ),
        ),
        (
            TOP20,
            1,
            "",
            [place(11), place(12)],
            (
                "not_qualified",
                "Vòng chung kết dành cho thí sinh đạt top 20 vòng «Vòng 1», «Vòng 2»; "
                "bạn không có kết quả ở vòng nào trong số đó.",
            ),
        ),
        (AT_LEAST_25, 1, "", [place(11, rank=1, score=25)], None),
        (
            AT_LEAST_25,
            1,
            "",
            [place(11, rank=40, score=18)],
            ("not_qualified", "Bạn đạt 18/30 điểm ở vòng «Vòng 1»; cần từ 25 điểm."),
        ),
        (
            Eligibility(units=frozenset({1}), rounds=(11,), top=5),
            1,
            "Sở Nội vụ",
            [place(11, rank=1, score=30)],
            ("not_eligible_unit", "Vòng này dành cho thí sinh thuộc các đơn vị: «Sở Tư pháp»."),
        ),
    ],
)
def test_refusal_table(
    rule: Eligibility, area: int, unit: str, places: list[Place], expected: tuple[str, str] | None
) -> None:
    found = refusal(rule, contest=CONTEST, area_id=area, unit=unit, places=places)
    assert (None if found is None else (found.code, found.message)) == expected


def round_(id: int, closes: timedelta, *, contest_id: int = 1, questions: int = 30) -> Round:
    return Round(id, contest_id, f"Vòng {id - 10}", NOW, NOW + closes, RoundRules(questions, 600, 1), bank_id=1)


ROUNDS = [round_(11, 7 * DAY), round_(12, 14 * DAY, questions=20), round_(13, 30 * DAY), round_(21, DAY, contest_id=2)]


@pytest.mark.parametrize(
    ("rule", "errors"),
    [
        (Eligibility(units=frozenset({1}), rounds=(11, 12), top=20), {}),
        (Eligibility(rounds=(11, 12), min_score=30), {}),  # the largest question count of the two
        (Eligibility(units=frozenset({9})), {"eligible_units": "Chọn đơn vị trong danh sách đơn vị của cuộc thi."}),
        (Eligibility(areas=frozenset({9})), {"eligible_areas": "Chọn nơi cư trú trong danh sách của cuộc thi."}),
        (
            Eligibility(units=frozenset({1}), areas=frozenset({1})),
            {"eligible_areas": "Chỉ giới hạn theo đơn vị hoặc theo nơi cư trú, không cả hai."},
        ),
        (
            Eligibility(rounds=(21,), top=3),
            {"qualify_from": "Chọn các vòng xét vào trong số các vòng khác của cuộc thi này."},
        ),
        (
            Eligibility(rounds=(13,), top=3),
            {"qualify_from": "Vòng xét vào phải đóng trước khi vòng này mở: «Vòng 3»."},
        ),
        (
            Eligibility(rounds=(11,)),
            {"qualify_top": "Nhập số thí sinh đứng đầu mỗi vòng được vào (từ 1) hoặc điểm tối thiểu."},
        ),
        (
            Eligibility(rounds=(11,), top=3, min_score=2),
            {"qualify_min_score": "Chỉ chọn một cách xét: top N của mỗi vòng hoặc điểm tối thiểu."},
        ),
        (Eligibility(rounds=(11,), top=0), {"qualify_top": "Số thí sinh đứng đầu mỗi vòng được vào phải từ 1."}),
        (
            Eligibility(rounds=(11, 12), min_score=31),
            {"qualify_min_score": "Điểm tối thiểu từ 0 đến 30 (số câu của vòng xét vào)."},
        ),
        (Eligibility(top=3), {"qualify_from": "Chọn các vòng xét vào."}),
    ],
)
def test_check_eligibility_table(rule: Eligibility, errors: dict[str, str]) -> None:
    opens = NOW + 20 * DAY
    if errors:
        with pytest.raises(Invalid) as raised:
            check_eligibility(rule, contest=CONTEST, opens_at=opens, rounds=ROUNDS, round_id=30)
        assert raised.value.errors == errors
    else:
        check_eligibility(rule, contest=CONTEST, opens_at=opens, rounds=ROUNDS, round_id=30)


def test_read_eligibility_from_the_api_replaces_what_it_names() -> None:
    base = Eligibility(units=frozenset({1}), rounds=(11,), top=5)
    got = read_eligibility({"eligible_units": [2], "qualify_top": None, "qualify_min_score": 20}, base)
    assert got == Eligibility(units=frozenset({2}), rounds=(11,), min_score=20)
    assert read_eligibility({}, base) == base


def test_read_eligibility_from_the_form_follows_its_choices() -> None:
    form = {"open_to": "everyone", "eligible_units": ["1"], "qualify_by": "score", "qualify_from": ["11", "12"]}
    got = read_eligibility({**form, "qualify_min_score": "25", "qualify_top": "3"}, Eligibility(units=frozenset({2})))
    assert got == Eligibility(rounds=(11, 12), min_score=25)
    with pytest.raises(Invalid) as raised:
        read_eligibility({"open_to": "units", "qualify_by": "top", "qualify_top": "0"}, Eligibility())
    assert raised.value.errors == {
        "eligible_units": "Chọn ít nhất một đơn vị.",
        "qualify_from": "Chọn các vòng xét vào.",
        "qualify_top": "Số thí sinh đứng đầu mỗi vòng cần là một số nguyên từ 1 đến 1.000.000.",
    }


def test_read_eligibility_refuses_ids_that_are_not_whole_numbers() -> None:
    with pytest.raises(Invalid) as raised:
        read_eligibility({"eligible_areas": ["một"], "qualify_from": "x"}, Eligibility())
    assert set(raised.value.errors) == {"eligible_areas", "qualify_from"}


def test_describe_words_the_rule() -> None:
    titles = {11: "Vòng 1", 12: "Vòng 2"}
    assert describe(Eligibility(), contest=CONTEST, titles=titles) == ["Mọi thí sinh."]
    assert describe(Eligibility(areas=frozenset({2}), rounds=(11, 12), top=20), contest=CONTEST, titles=titles) == [
        "Dành cho thí sinh cư trú tại: «Xã Sóc Sơn».",
        "Vòng chung kết dành cho thí sinh đạt top 20 vòng «Vòng 1», «Vòng 2» (theo kết quả chính thức).",
    ]


def test_a_qualifying_round_may_not_close_after_its_final_opens() -> None:
    final = replace(round_(30, 30 * DAY), opens_at=NOW + 20 * DAY, rules=RoundRules(5, 600, 1, eligibility=TOP20))
    check_still_before(11, closes_at=NOW + 20 * DAY, rounds=[*ROUNDS, final])
    with pytest.raises(Invalid) as raised:
        check_still_before(12, closes_at=NOW + 21 * DAY, rounds=[*ROUNDS, final])
    assert raised.value.errors == {
        "closes_at": "Vòng «Vòng 20» xét vào từ kết quả vòng này nên vòng này phải đóng trước khi chúng mở."
    }

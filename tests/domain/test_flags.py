"""Flags for judges: implausibly fast for the score, same name and year of birth,
identical answer sheets."""

from __future__ import annotations

import pytest

from contest.domain.durations import format_duration
from contest.domain.flags import SHEET_MIN, Flag, identical_answers, same_person, sheet, too_fast
from contest.domain.models import DrawnKey


def reason(flag: Flag | None) -> str:
    assert flag is not None
    return flag.reason


def test_fast_flag_below_three_seconds_per_right_answer() -> None:
    fast = too_fast(correct=10, duration_ms=29_999)
    assert fast is not None and (fast.kind, fast.reason) == (
        "fast",
        "10 câu đúng trong 29 giây: dưới 3 giây mỗi câu đúng.",
    )
    assert fast.values("en") == {"correct": 10, "limit": 3, "time": "29 s"}  # a page in English says it in English
    # The same words and rounding as the ranking's time column (``domain/durations.py``).
    assert format_duration(1_921) == "1 giây"
    assert [format_duration(h * 3_600_000) for h in (1, 167, 168)] == ["1 giờ", "6 ngày 23 giờ", "7 ngày"]
    assert format_duration(15 * 60_000 + 5_999, "en") == "15 min 5 s"  # no zero leading units, ms dropped
    assert reason(too_fast(correct=5, duration_ms=1_921)) == "5 câu đúng trong 1 giây: dưới 3 giây mỗi câu đúng."
    assert too_fast(correct=10, duration_ms=30_000) is None
    assert too_fast(correct=0, duration_ms=1) is None


def test_same_person_flag_counts_the_others() -> None:
    assert same_person(0) is None
    assert reason(same_person(2)) == "Trùng họ tên và năm sinh với 2 tài khoản khác trong vòng thi."


KEYS = tuple(
    DrawnKey(id=i, code=f"Q{i}", letters="CABD", correct=frozenset({1}), points=1, multiple=False) for i in range(1, 7)
)
"""Six questions, each showing bank options C, A, B, D; the first shown (C) right."""


@pytest.mark.parametrize(
    ("answers", "same_as_reference"),
    [
        ({1: {2}, 2: {1}, 3: {1}, 4: {1}, 5: {1}}, True),  # the reference itself
        ({1: {2}, 2: {1}, 3: {1}, 4: {1}, 5: {1}, 6: set()}, True),  # a cleared answer is no answer
        ({2: {1}, 1: {2}, 3: {1}, 4: {1}, 5: {1}}, False),  # saved in another order
        ({1: {3}, 2: {1}, 3: {1}, 4: {1}, 5: {1}}, False),  # another option
        ({1: {2}, 2: {1}, 3: {1}, 4: {1}, 6: {1}}, False),  # another question
    ],
)
def test_sheet_is_the_questions_and_options_in_order_of_saving(
    answers: dict[int, set[int]], same_as_reference: bool
) -> None:
    reference = sheet(
        KEYS, {1: frozenset({2}), 2: frozenset({1}), 3: frozenset({1}), 4: frozenset({1}), 5: frozenset({1})}
    )
    assert reference is not None and len(reference) == 64
    assert (sheet(KEYS, {q: frozenset(o) for q, o in answers.items()}) == reference) is same_as_reference


@pytest.mark.parametrize(
    "answers",
    [
        {1: {2}, 2: {1}, 3: {1}, 4: {1}},  # fewer than SHEET_MIN answers
        {1: {1}, 2: {1}, 3: {1}, 4: {1}, 5: {1}, 6: {1}},  # all right: what every well-prepared participant sends
        {1: {2}, 2: set(), 3: {1}, 4: {1}, 5: set()},  # cleared answers do not count
    ],
)
def test_sheet_needs_enough_answers_and_one_wrong(answers: dict[int, set[int]]) -> None:
    assert SHEET_MIN == 5
    assert sheet(KEYS, {q: frozenset(o) for q, o in answers.items()}) is None


def test_identical_answers_flag_names_the_other_accounts() -> None:
    assert identical_answers([]) is None
    assert (
        reason(identical_answers(["Trần Thị Bình"]))
        == "Trả lời giống hệt, cùng thứ tự (kể cả câu sai) với: Trần Thị Bình."
    )
    many = identical_answers([f"Người {i}" for i in range(1, 8)])
    assert many is not None
    assert many.reason.endswith("Người 1, Người 2, Người 3, Người 4, Người 5 và 2 tài khoản khác.")

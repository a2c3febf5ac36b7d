"""Flags for judges: implausibly fast for the score, same name and year of birth."""

from __future__ import annotations

from contest.domain.flags import Flag, same_person, too_fast


def test_fast_flag_below_three_seconds_per_right_answer() -> None:
    assert too_fast(correct=10, duration_ms=29_999) == Flag(
        "fast", "10 câu đúng trong 30 giây: dưới 3 giây mỗi câu đúng."
    )
    assert too_fast(correct=10, duration_ms=30_000) is None
    assert too_fast(correct=0, duration_ms=1) is None


def test_same_person_flag_counts_the_others() -> None:
    assert same_person(0) is None
    assert same_person(2) == Flag("same_person", "Trùng họ tên và năm sinh với 2 tài khoản khác trong vòng thi.")

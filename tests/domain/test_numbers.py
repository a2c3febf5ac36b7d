"""The one reader of whole numbers from people, URLs and files."""

from __future__ import annotations

import pytest

from contest.domain.numbers import int_or_none, parse_int
from contest.errors import Invalid


@pytest.mark.parametrize(
    ("value", "expected"),
    [(42, 42), ("42", 42), (" 42 ", 42), ("-3", -3), ("007", 7), (42.0, 42), (-0.0, 0), (2.0**53 - 1, 2**53 - 1)],
)
def test_parse_int_reads_digits_and_whole_json_numbers(value: object, expected: int) -> None:
    assert parse_int(value, field="n", label="Số") == expected


@pytest.mark.parametrize(
    "value",
    [
        "²",  # isdigit() is true, int() raises
        "①",
        "٤٢",  # Arabic-Indic: int() reads 42
        "４２",  # full-width: int() reads 42
        "4_2",  # int() reads 42
        "+42",
        "4 2",
        "1.5",
        "1e3",
        "",
        "1" * 19,
        1.5,
        2.0**53,  # a float this large may have lost digits
        float("inf"),
        float("nan"),
        True,
        None,
        [4],
    ],
)
def test_parse_int_refuses_anything_else_with_a_vietnamese_message(value: object) -> None:
    with pytest.raises(Invalid) as caught:
        parse_int(value, field="year", label="Năm sinh")
    assert caught.value.errors == {"year": "Năm sinh cần là một số nguyên (chỉ gồm các chữ số 0–9)."}
    assert caught.value.status == 422


def test_parse_int_names_the_range() -> None:
    with pytest.raises(Invalid) as caught:
        parse_int("100000001", field="p", label="Câu dự đoán", minimum=0, maximum=100_000_000)
    assert caught.value.errors == {"p": "Câu dự đoán cần là một số nguyên từ 0 đến 100.000.000."}
    assert int_or_none("²") is None and int_or_none("5", minimum=1) == 5 and int_or_none("0", minimum=1) is None

"""One cleaning of every text read from a file or a form (common.text_field):
NFC, invisible characters removed with a warning, direction and control
characters refused naming the field, wrong JSON types refused."""

from __future__ import annotations

import json

import pytest

from contest.domain.banks.common import Problem, build_question
from contest.domain.banks.reader import read_bank
from contest.domain.models import Question
from contest.domain.text import clean_text


def build(**fields: object) -> tuple[Question | None, list[tuple[str, str, str]]]:
    problems: list[Problem] = []
    values: dict[str, object] = {"code": "Q1", "text": "Hỏi?", "options": ["Có", "Không"], "answer": "A"}
    question = build_question(**(values | fields), problems=problems)  # type: ignore[arg-type]
    return question, [(p.severity.value, p.column, p.message) for p in problems]


def test_text_invisible_characters_are_removed_everywhere() -> None:
    assert clean_text("Q\u00ad-1\u2060\u200b\u200c\u200d\ufeff") == "Q-1"
    assert clean_text("\u200c") == ""


def test_text_nfd_is_nfc() -> None:
    assert clean_text("Vie\u0302\u0323t") == "Việt"


def test_text_invisible_character_warns_naming_the_field() -> None:
    question, problems = build(options=["Có\u200d", "Không"])
    assert question is not None
    assert question.options == ("Có", "Không")
    assert problems == [("warning", "A", "Đã bỏ ký tự vô hình U+200D (không hiện trên màn hình).")]


def test_text_options_equal_once_cleaned_are_duplicates() -> None:
    question, problems = build(options=["Có", "Có\u200d"])
    assert question is None
    assert ("error", "options", "Hai phương án trùng nhau.") in problems


def test_text_stem_only_invisible_is_empty() -> None:
    question, problems = build(text="\u200c")
    assert question is None
    assert ("error", "question", "Thiếu nội dung câu hỏi.") in problems


@pytest.mark.parametrize(
    ("char", "message"),
    [
        ("\u202e", "Có ký tự điều khiển hướng chữ (U+202E), có thể làm chữ hiển thị bị đảo: hãy xóa ký tự này."),
        ("\u2067", "Có ký tự điều khiển hướng chữ (U+2067), có thể làm chữ hiển thị bị đảo: hãy xóa ký tự này."),
        ("\x07", "Có ký tự điều khiển không in được (U+0007): hãy xóa ký tự này."),
        ("\x1b", "Có ký tự điều khiển không in được (U+001B): hãy xóa ký tự này."),
        ("\x85", "Có ký tự điều khiển không in được (U+0085): hãy xóa ký tự này."),
    ],
)
def test_text_direction_and_control_characters_are_errors_naming_the_field(char: str, message: str) -> None:
    for field, column in (("text", "question"), ("code", "code"), ("topic", "topic"), ("explanation", "explanation")):
        question, problems = build(**{field: f"Hỏi {char}?"})
        assert question is None
        assert ("error", column, message) in problems, field
    question, problems = build(options=["Có", f"Không{char}"])
    assert ("error", "B", message) in problems


def test_text_line_breaks_and_tabs_are_kept() -> None:
    question, problems = build(text="Dòng 1\r\n\tDòng 2")
    assert question is not None
    assert (question.text, problems) == ("Dòng 1\n\tDòng 2", [])


def test_text_codes_equal_once_cleaned_are_duplicates() -> None:
    rows = [
        {"code": code, "text": f"Câu {n}?", "options": ["a", "b"], "answer": "A"}
        for n, code in enumerate(("Q-1", "Q-1\u2060"))
    ]
    parsed = read_bank("a.json", json.dumps({"format": "hoithi-bank", "version": 1, "questions": rows}).encode())
    assert [p.message for p in parsed.errors] == ["Mã câu hỏi «Q-1» trùng với dòng 1."]


@pytest.mark.parametrize(
    ("value", "kind"), [(["F"], "một danh sách"), ({"a": 1}, "một bảng"), (True, "giá trị đúng/sai")]
)
def test_text_wrong_json_types_are_errors_naming_the_field(value: object, kind: str) -> None:
    question, problems = build(code=value)
    assert question is None
    assert ("error", "code", f"Phải là một đoạn chữ, không phải {kind}.") in problems

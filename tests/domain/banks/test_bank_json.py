"""JSON banks: the documented ``hoithi-bank`` format and the simple public shapes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from contest.domain.banks.common import BankError, Problem
from contest.domain.banks.json_format import parse_json
from contest.domain.banks.reader import read_bank
from contest.domain.models import Difficulty, Question, Source

DOCUMENT = """{
  "format": "hoithi-bank",
  "version": 1,
  "questions": [
    {
      "code": "DVC-001", "topic": "Dịch vụ công", "difficulty": "dễ",
      "text": "Mức độ 2 cho phép làm gì?",
      "options": ["Xem thông tin", "Tải mẫu tờ khai", "Nộp phí"],
      "answer": "B", "keep_order": true, "points": 2, "explanation": "Xem Điều 3.",
      "source": {"citation": "Điều 3 Nghị định 43/2011/NĐ-CP", "document": "43/2011/NĐ-CP",
                 "issued": "2011-06-13", "expired": "2022-08-15", "replaced_by": "42/2022/NĐ-CP", "url": ""}
    },
    {"code": "DVC-002", "text": "Chọn hai", "options": ["a", "b", "c"], "answer": "A, D"},
    {"code": "DVC-003", "text": "Hỏi?", "options": "a, b", "answer": "A"},
    {"code": "DVC-004", "text": "Ngày?", "options": ["a", "b"], "answer": "A",
     "source": {"citation": "Điều 1", "issued": "13-13-2011"}}
  ]
}
"""


def test_json_document_reads_fields_and_reports_lines() -> None:
    bank = parse_json(DOCUMENT)
    assert bank.questions == (
        Question(
            code="DVC-001",
            text="Mức độ 2 cho phép làm gì?",
            options=("Xem thông tin", "Tải mẫu tờ khai", "Nộp phí"),
            correct=frozenset({1}),
            topic="Dịch vụ công",
            difficulty=Difficulty.EASY,
            keep_order=True,
            points=2,
            explanation="Xem Điều 3.",
            source=Source(
                citation="Điều 3 Nghị định 43/2011/NĐ-CP",
                document="43/2011/NĐ-CP",
                issued=date(2011, 6, 13),
                expired=date(2022, 8, 15),
                replaced_by="42/2022/NĐ-CP",
            ),
        ),
        Question(
            code="DVC-004", text="Ngày?", options=("a", "b"), correct=frozenset({0}), source=Source(citation="Điều 1")
        ),
    )
    assert bank.problems == (
        Problem("Đáp án D trỏ tới phương án trống.", line=13, column="answer", code="DVC-002"),
        Problem("«options» phải là một danh sách.", line=14, column="options"),
        Problem(
            "Ngày «13-13-2011» không có thật (ngày/tháng vượt quá lịch).", line=15, column="issued", code="DVC-004"
        ),
    )


def test_json_simple_list_with_index_answers() -> None:
    items = [
        {"question": "Luật An ninh mạng năm nào?", "options": ["2015", "2018", "2019", "2020"], "answer": 1},
        {"question": "Chỉ số ngoài phạm vi", "options": ["a", "b", "c", "d"], "answer": 4},
    ]
    bank = read_bank("bank.json", json.dumps(items, ensure_ascii=False, indent=1).encode())
    assert [(q.code, q.options, q.answer_letters) for q in bank.questions] == [
        ("CAU-0001", ("2015", "2018", "2019", "2020"), "B"),
    ]
    assert bank.problems == (
        Problem("Đáp án «4» không hợp lệ: là số thứ tự phương án, tính từ 0 (0 đến 3).", line=12, column="answer"),
    )


@pytest.mark.parametrize("prefix", ["\u200b", "\ufeff", ""], ids=["zero-width-space", "bom", "plain"])
def test_json_simple_list_with_letter_lines(prefix: str) -> None:
    items = [
        {
            "question": "Theo Luật Đấu thầu, hình thức nào sau đây?\nA. Chào hàng cạnh tranh\nB. Đấu thầu rộng rãi\n"
            "có sơ tuyển\nC) Chỉ định thầu\nD. Mua sắm trực tiếp\nE. Tự thực hiện",
            "answer": "E",
        },
        {"id": "X-2", "question": "Câu hai?\nA. Có\nB. Không", "answer": "B"},
    ]
    data = (prefix + json.dumps(items, ensure_ascii=False)).encode("utf-8")
    bank = read_bank("bank.json", data)
    assert bank.problems == ()
    assert [(q.code, q.text, q.options, q.answer_letters) for q in bank.questions] == [
        (
            "CAU-0001",
            "Theo Luật Đấu thầu, hình thức nào sau đây?",
            (
                "Chào hàng cạnh tranh",
                "Đấu thầu rộng rãi có sơ tuyển",
                "Chỉ định thầu",
                "Mua sắm trực tiếp",
                "Tự thực hiện",
            ),
            "E",
        ),
        ("X-2", "Câu hai?", ("Có", "Không"), "B"),
    ]


def test_json_unknown_version_is_refused() -> None:
    with pytest.raises(BankError) as refused:
        parse_json('{"format": "hoithi-bank", "version": 2, "questions": []}')
    assert str(refused.value) == "Phiên bản định dạng «2» chưa được hỗ trợ (chỉ có 1)."


def test_json_object_of_another_format_is_refused() -> None:
    with pytest.raises(BankError) as refused:
        parse_json('{"questions": []}')
    assert str(refused.value) == ('Tệp JSON không ghi «"format": "hoithi-bank"»; xem tài liệu định dạng ngân hàng.')


def test_json_syntax_error_names_line_and_column() -> None:
    with pytest.raises(BankError) as refused:
        parse_json('[\n  {"question": "a",}\n]')
    assert str(refused.value) == (
        "Tệp JSON không hợp lệ (dòng 2, cột 20): Expecting property name enclosed in double quotes."
    )


def test_json_scalar_is_refused() -> None:
    with pytest.raises(BankError) as refused:
        parse_json('"câu hỏi"')
    assert str(refused.value) == "Tệp JSON phải là một đối tượng «hoithi-bank» hoặc một danh sách câu hỏi."


def test_json_item_that_is_not_an_object_is_an_error() -> None:
    bank = parse_json('[\n  {"question": "Hỏi?\\nA. x\\nB. y", "answer": "A"},\n  "lạc"\n]')
    assert [q.code for q in bank.questions] == ["CAU-0001"]
    assert bank.problems == (Problem("Mục thứ 2 không phải một đối tượng {…}.", line=3),)


@pytest.mark.parametrize(("answer", "key"), [(1, "B"), (1.0, "B"), ("1", "B"), ("B", "B"), (" 0 ", "A")])
def test_json_simple_answer_index_may_be_a_number_or_digits(answer: object, key: str) -> None:
    data = json.dumps([{"question": "Hỏi?", "options": ["a", "b"], "answer": answer}])
    assert [q.answer_letters for q in parse_json(data).questions] == [key]


@pytest.mark.parametrize("answer", ["²", "١", True, 1.5])
def test_json_simple_answer_that_is_no_index_is_an_error_not_a_crash(answer: object) -> None:
    bank = parse_json(json.dumps([{"question": "Hỏi?", "options": ["a", "b"], "answer": answer}]))
    assert bank.questions == ()
    assert [p.column for p in bank.problems] == ["answer"]

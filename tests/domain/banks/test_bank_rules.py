"""Rules every format shares (``common.build_question``, ``build_source``),
checked through each format's reader: options that name other options,
single-answer questions with several keys, points, sources and their dates."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest

from contest.domain.banks.common import Problem, Severity
from contest.domain.banks.reader import read_bank
from contest.domain.banks.references import refers_to_others
from contest.domain.banks.toml_format import parse_toml
from contest.domain.models import Source

Workbook = Callable[..., bytes]

REFERRING = (
    "Cả A và B đều đúng",
    "Cả A, B, C",
    "Tất cả A, B và C",
    "Phương án A và C",
    "Đáp án B sai",
    "A và C",
    "A, B và C đều đúng",
    "B và C đúng.",
    "A hoặc B",
    "Tất cả các phương án trên",
    "Tất cả các ý trên đều đúng",
    "Tất cả đều sai",
    "Tất cả",
    "Cả hai phương án trên",
    "Cả hai phương án đều đúng",
    "Cả hai phương án …",
    "Cả hai phương án B và C đều sai",
    "Cả ba đáp án",
    "Cả hai",
    "Không phương án nào đúng",
    "Không có đáp án nào đúng",
    "Không câu nào đúng",
    "Các phương án trên đều sai",
    "Ca A va B deu dung",
    "All of the above",
    "None of the above",
    "Both A and B",
    "Cả a và b",
    "Phương án 1 và 2",
    "Ý a, b đúng",
    "1 và 2 đúng",
    "a và c",
    "Đáp án 2 sai",
    "Các ý 1, 2, 3 đều đúng",
)
ORDINARY = (
    "Hạng A",
    "Giấy phép lái xe hạng A và B",
    "Vitamin A",
    "Điều 3",
    "Khoản 4 Điều 3",
    "Mức độ 3 và 4",
    "Tất cả người dân",
    "Tất cả các phương án phòng cháy chữa cháy",
    "Tất cả các ý kiến của người dân",
    "Cả nước",
    "Cả ba người",
    "Cả hai vợ chồng",
    "Cả năm 2024",
    "Không ai",
    "Chỉ A",
    "Tài khoản VNeID mức 2",
    "Khoản 1 và 2 Điều 5",
    "2 và 3",
    "Năm 1 và năm 2",
    "Từ 1 đến 6",
    "Phương án 2024-2025 của tỉnh",
    "vitamin a và b",
    "Một a",
)


@pytest.mark.parametrize("option", REFERRING)
def test_references_option_naming_others_is_found(option: str) -> None:
    assert refers_to_others(option)


@pytest.mark.parametrize("option", ORDINARY)
def test_references_ordinary_text_is_not_flagged(option: str) -> None:
    assert not refers_to_others(option)


def referring_warning(named: str, line: int | None, code: str, column: str = "keep_order") -> Problem:
    return Problem(
        f"Phương án {named} nhắc tới phương án khác theo chữ cái hoặc vị trí: "
        "câu này được giữ nguyên thứ tự phương án khi thi (không đảo).",
        line=line,
        column=column,
        severity=Severity.WARNING,
        code=code,
    )


REFERRING_FILES = {
    "b.csv": "Mã,Câu hỏi,A,B,C,D,Đáp án\nQ1,Hỏi?,Một,Hai,Tất cả các phương án trên,Không phương án nào đúng,C\n",
    "b.aiken": "Hỏi?\nA. Một\nB. Hai\nC. Tất cả các phương án trên\nD. Không phương án nào đúng\nANSWER: C\n",
    "b.gift": "::Q1::Hỏi?{~Một ~Hai =Tất cả các phương án trên ~Không phương án nào đúng}\n",
    "b.json": json.dumps(
        [
            {
                "code": "Q1",
                "question": "Hỏi?",
                "options": ["Một", "Hai", "Tất cả các phương án trên", "Không phương án nào đúng"],
                "answer": 2,
            }
        ]
    ),
    "b.xml": (
        '<quiz><question type="multichoice"><name><text>Q1</text></name><questiontext><text>Hỏi?</text>'
        "</questiontext><shuffleanswers>1</shuffleanswers>"
        '<answer fraction="0"><text>Một</text></answer><answer fraction="0"><text>Hai</text></answer>'
        '<answer fraction="100"><text>Tất cả các phương án trên</text></answer>'
        '<answer fraction="0"><text>Không phương án nào đúng</text></answer></question></quiz>'
    ),
}


@pytest.mark.parametrize("filename", REFERRING_FILES)
def test_build_question_referring_options_keep_order_with_a_warning_in_every_format(filename: str) -> None:
    bank = read_bank(filename, REFERRING_FILES[filename].encode())
    (question,) = bank.questions
    assert question.keep_order
    assert question.answer_letters == "C"
    assert [p.message for p in bank.problems] == [
        referring_warning("C «Tất cả các phương án trên»; D «Không phương án nào đúng»", None, "Q1").message
    ]


def test_build_question_referring_options_already_kept_in_order_need_no_warning() -> None:
    data = "Mã,Câu hỏi,A,B,C,Đáp án,Giữ thứ tự\nQ1,Hỏi?,Một,Hai,Cả A và B,C,Có\n"
    bank = read_bank("b.csv", data.encode())
    assert bank.problems == ()
    assert bank.questions[0].keep_order


def test_build_question_referring_option_overrides_an_explicit_no() -> None:
    data = "Mã,Câu hỏi,A,B,C,Đáp án,Giữ thứ tự\nQ1,Hỏi?,Một,Hai,Cả A và B,C,Không\n"
    bank = read_bank("b.csv", data.encode())
    assert bank.questions[0].keep_order
    assert bank.problems == (referring_warning("C «Cả A và B»", 2, "Q1", column="G (Giữ thứ tự)"),)


def single_with_two_keys(line: int | None, column: str) -> Problem:
    return Problem(
        "Câu chọn một đáp án («Chọn nhiều»: Không) nhưng có 2 đáp án đúng (A, C): không ai trả lời đúng được. "
        "Hãy để một đáp án, hoặc cho chọn nhiều.",
        line=line,
        column=column,
        code="Q1",
    )


def test_build_question_single_answer_with_two_keys_is_an_error_in_a_spreadsheet() -> None:
    data = 'Mã,Câu hỏi,A,B,C,Đáp án,Chọn nhiều\nQ1,Hỏi?,Một,Hai,Ba,"A, C",Không\nQ2,Hỏi hai?,Một,Hai,Ba,"A, C",\n'
    bank = read_bank("b.csv", data.encode())
    assert bank.problems == (single_with_two_keys(2, "G (Chọn nhiều)"),)
    assert [(q.code, q.multiple) for q in bank.questions] == [("Q2", True)]


def test_build_question_single_answer_with_two_keys_is_an_error_in_json_toml_and_gift() -> None:
    document = {
        "format": "hoithi-bank",
        "version": 1,
        "questions": [{"code": "Q1", "text": "Hỏi?", "options": ["a", "b", "c"], "answer": "A, C", "multiple": False}],
    }
    assert read_bank("b.json", json.dumps(document).encode()).problems == (single_with_two_keys(1, "multiple"),)
    toml = (
        'topic = "T"\n[[questions]]\ncode = "Q1"\ntext = "Hỏi?"\noptions = ["a", "b", "c"]\n'
        'answer = "A, C"\nmultiple = false\n'
    )
    assert parse_toml(toml).problems == (single_with_two_keys(3, "multiple"),)
    gift = '// [id:Q1]\n// hoithi: {"multiple": false}\n::Q1::Hỏi?{~%50%a ~%-100%b ~%50%c}\n'
    assert read_bank("b.gift", gift.encode()).problems == (single_with_two_keys(3, "multiple"),)


@pytest.mark.parametrize("points", ["²", "1,5", "hai", "0", "101", "1e2"])
def test_build_question_points_that_are_not_a_whole_number_are_an_error(points: str) -> None:
    data = f'Mã,Câu hỏi,A,B,Đáp án,Điểm\nQ1,Hỏi?,Một,Hai,A,"{points}"\n'
    bank = read_bank("b.csv", data.encode())
    assert bank.problems == (
        Problem(f"«{points}»: Điểm cần là một số nguyên từ 1 đến 100.", line=2, column="F (Điểm)", code="Q1"),
    )


@pytest.mark.parametrize("answer", [["²"], [1.5], [True], ["A", "Z"], [-1], [100]])
def test_build_question_answer_list_of_anything_but_letters_or_indexes_is_an_error(answer: list[object]) -> None:
    document = {
        "format": "hoithi-bank",
        "version": 1,
        "questions": [{"code": "Q1", "text": "Hỏi?", "options": ["a", "b"], "answer": answer}],
    }
    bank = read_bank("b.json", json.dumps(document).encode())
    assert [(p.column, p.message.split(":")[0]) for p in bank.problems] == [
        ("answer", f"Đáp án «{', '.join(str(a) for a in answer)}» không hợp lệ")
    ]


def test_build_question_answer_list_of_letters_is_read() -> None:
    document = {
        "format": "hoithi-bank",
        "version": 1,
        "questions": [{"code": "Q1", "text": "Hỏi?", "options": ["a", "b", "c"], "answer": ["A", "C"]}],
    }
    bank = read_bank("b.json", json.dumps(document).encode())
    assert [q.answer_letters for q in bank.questions] == ["A, C"]


SOURCE_HEADER = "Mã,Câu hỏi,A,B,Đáp án,Nguồn,Số văn bản,Ngày ban hành,Ngày hết hiệu lực\n"


def test_build_source_without_citation_keeps_the_document_and_its_dates() -> None:
    data = SOURCE_HEADER + "Q1,Hỏi?,Một,Hai,A,,43/2011/NĐ-CP,13/06/2011,15/08/2022\n"
    bank = read_bank("b.csv", data.encode())
    assert bank.problems == ()
    assert bank.questions[0].source == Source(
        citation="43/2011/NĐ-CP", document="43/2011/NĐ-CP", issued=date(2011, 6, 13), expired=date(2022, 8, 15)
    )


def test_build_source_dates_without_any_document_are_dropped_with_a_warning() -> None:
    data = SOURCE_HEADER + "Q1,Hỏi?,Một,Hai,A,,,13/06/2011,15/08/2022\n"
    bank = read_bank("b.csv", data.encode())
    assert bank.questions[0].source is None
    assert bank.problems == (
        Problem(
            "Có «Ngày ban hành», «Ngày hết hiệu lực» nhưng không có «Nguồn» hay «Số văn bản»: bỏ qua các ô này. "
            "Hãy ghi văn bản được trích dẫn để nền tảng cảnh báo khi văn bản hết hiệu lực.",
            line=2,
            column="H (Ngày ban hành)",
            severity=Severity.WARNING,
            code="Q1",
        ),
    )


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("31/02/2020", "H (Ngày ban hành)", "Ngày «31/02/2020» không có thật (ngày/tháng vượt quá lịch)."),
        ("30/13/2024", "H (Ngày ban hành)", "Ngày «30/13/2024» không có thật (ngày/tháng vượt quá lịch)."),
        ("2020-02-30", "H (Ngày ban hành)", "Ngày «2020-02-30» không có thật (ngày/tháng vượt quá lịch)."),
        ("13/6/11", "H (Ngày ban hành)", "Ngày «13/6/11» không đúng dạng dd/mm/yyyy."),
        ("¹³/06/2011", "H (Ngày ban hành)", "Ngày «¹³/06/2011» không đúng dạng dd/mm/yyyy."),
    ],
)
def test_build_source_impossible_dates_are_errors_naming_row_and_column(cell: str, column: str, message: str) -> None:
    data = SOURCE_HEADER + f"Q1,Hỏi?,Một,Hai,A,,43/2011/NĐ-CP,{cell},\n"
    bank = read_bank("b.csv", data.encode())
    assert bank.problems == (Problem(message, line=2, column=column, code="Q1"),)


def test_build_source_expiry_before_issue_is_an_error() -> None:
    data = SOURCE_HEADER + "Q1,Hỏi?,Một,Hai,A,Điều 3,43/2011/NĐ-CP,13/06/2011,01/01/2010\n"
    assert read_bank("b.csv", data.encode()).problems == (
        Problem(
            "Ngày hết hiệu lực 01/01/2010 không sau ngày ban hành 13/06/2011.",
            line=2,
            column="I (Ngày hết hiệu lực)",
            code="Q1",
        ),
    )


def test_build_source_in_xlsx_without_citation_keeps_document_and_checks_dates(workbook: Workbook) -> None:
    header = [
        "Mã câu",
        "Câu hỏi",
        "Phương án A",
        "Phương án B",
        "Đáp án đúng",
        "Nguồn",
        "Số văn bản",
        "Ngày ban hành",
        "Ngày hết hiệu lực",
    ]
    data = workbook(
        {
            "Câu hỏi": [
                header,
                ["Q1", "Hỏi?", "Một", "Hai", "A", None, "43/2011/NĐ-CP", date(2011, 6, 13), "15/08/2022"],
                ["Q2", "Hỏi hai?", "Một", "Hai", "A", None, "42/2022/NĐ-CP", "31/02/2020", None],
            ]
        }
    )
    bank = read_bank("b.xlsx", data)
    assert [q.source for q in bank.questions] == [
        Source(citation="43/2011/NĐ-CP", document="43/2011/NĐ-CP", issued=date(2011, 6, 13), expired=date(2022, 8, 15)),
        Source(citation="42/2022/NĐ-CP", document="42/2022/NĐ-CP"),
    ]
    assert bank.problems == (
        Problem(
            "Ngày «31/02/2020» không có thật (ngày/tháng vượt quá lịch).",
            line=3,
            column="H (Ngày ban hành)",
            code="Q2",
        ),
    )


def test_build_source_string_in_json_is_the_citation_and_unknown_keys_are_warned() -> None:
    document = {
        "format": "hoithi-bank",
        "version": 1,
        "questions": [
            {
                "code": "Q1",
                "text": "Hỏi?",
                "options": ["a", "b"],
                "answer": "A",
                "source": "Điều 3 Luật 20/2023/QH15",
                "nguon": "x",
            },
            {
                "code": "Q2",
                "text": "Hỏi hai?",
                "options": ["a", "b"],
                "answer": "A",
                "source": {"document": "20/2023/QH15", "so_van_ban": "y"},
            },
            {"code": "Q3", "text": "Hỏi ba?", "options": ["a", "b"], "answer": "A", "source": 2023},
        ],
    }
    bank = read_bank("b.json", json.dumps(document, ensure_ascii=False, indent=1).encode())
    assert [q.source for q in bank.questions] == [
        Source(citation="Điều 3 Luật 20/2023/QH15"),
        Source(citation="20/2023/QH15", document="20/2023/QH15"),
        None,
    ]
    assert [(p.severity, p.column, p.message.split(":")[0]) for p in bank.problems] == [
        (Severity.WARNING, "nguon", "Bỏ qua khóa «nguon»"),
        (Severity.WARNING, "source", "Nguồn có trường «so_van_ban» không được hỗ trợ"),
        (
            Severity.ERROR,
            "source",
            "«source» phải là một bảng (citation, document, issued, expired, replaced_by, url) hoặc một chuỗi.",
        ),
    ]


def test_build_source_in_toml_without_citation_keeps_the_expiry() -> None:
    toml = (
        'topic = "T"\n[[questions]]\ncode = "Q1"\ntext = "Hỏi?"\noptions = ["a", "b"]\nanswer = "A"\n'
        'source = { document = "43/2011/NĐ-CP", expired = 2022-08-15 }\nghi_chu = "x"\n'
    )
    bank = parse_toml(toml, name="t.toml")
    assert bank.questions[0].source == Source(
        citation="43/2011/NĐ-CP", document="43/2011/NĐ-CP", expired=date(2022, 8, 15)
    )
    assert bank.problems == (
        Problem(
            "t.toml: Bỏ qua khóa «ghi_chu» không thuộc định dạng (xem docs/bank-format.md).",
            line=3,
            column="ghi_chu",
            severity=Severity.WARNING,
            code="Q1",
        ),
    )


def test_build_question_answer_index_past_the_options_points_to_an_empty_option() -> None:
    document = {
        "format": "hoithi-bank",
        "version": 1,
        "questions": [{"code": "Q1", "text": "Hỏi?", "options": ["a", "b"], "answer": [7]}],
    }
    bank = read_bank("b.json", json.dumps(document).encode())
    assert [p.message for p in bank.problems] == ["Đáp án 8 trỏ tới phương án trống."]


def test_build_question_referring_warning_in_a_sheet_without_the_column_names_the_template_title() -> None:
    data = "Mã,Câu hỏi,A,B,C,Đáp án\nQ1,Hỏi?,Một,Hai,Cả A và B,C\n"
    assert [p.column for p in read_bank("b.csv", data.encode()).problems] == ["Giữ thứ tự"]

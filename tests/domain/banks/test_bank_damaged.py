"""Damaged and hostile files: every one is a :class:`BankError` in Vietnamese
saying what is wrong (and where, when the file says it), never a crash."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

import openpyxl
import pytest

from contest.domain.banks.common import BankError
from contest.domain.banks.reader import read_bank
from contest.domain.banks.toml_format import parse_toml

SHEET = "xl/worksheets/sheet1.xml"


def good_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã câu", "Câu hỏi", "A", "B", "Đáp án đúng", "Điểm"])
    sheet.append(["Q1", "Hỏi?", "có", "không", "A", 2])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def damage(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == member else content)
    return buffer.getvalue()


def refusal(filename: str, data: bytes) -> str:
    with pytest.raises(BankError) as refused:
        read_bank(filename, data)
    return str(refused.value)


def test_damaged_xlsx_good_file_reads() -> None:
    assert [q.code for q in read_bank("a.xlsx", good_xlsx()).questions] == ["Q1"]


def test_damaged_xlsx_sheet_cut_in_half_names_line_and_column() -> None:
    data = damage(good_xlsx(), SHEET, lambda xml: xml[: len(xml) // 2])
    message = refusal("a.xlsx", data)
    assert message.startswith("Tệp «a.xlsx» bị hỏng, không đọc được: phần XML bên trong bị cắt cụt")
    assert "(dòng 1, cột " in message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'r="A2"', b'r="ZZZZZ99999999"'),  # a cell reference past Excel's last column
        (b'<c r="F2" t="n"><v>2</v>', b'<c r="F2" t="n"><v>abc</v>'),  # a number cell holding letters
        (b'<c r="A2" t="inlineStr"><is><t>Q1</t></is></c>', b'<c r="A2" t="s"><v>999</v></c>'),  # no such string
    ],
)
def test_damaged_xlsx_cells_are_a_bank_error(old: bytes, new: bytes) -> None:
    data = damage(good_xlsx(), SHEET, lambda xml: xml.replace(old, new))
    assert refusal("a.xlsx", data).startswith("Tệp «a.xlsx» bị hỏng, không đọc được: ")


def test_damaged_json_nested_too_deep_is_a_bank_error() -> None:
    assert refusal("a.json", b"[" * 100_000).startswith("Tệp «a.json» lồng nhau quá sâu")


def test_damaged_moodle_xml_declaring_another_encoding_is_refused() -> None:
    data = b'<?xml version="1.0" encoding="ISO-8859-1"?><quiz></quiz>'
    assert refusal("a.xml", data) == (
        "Tệp XML khai báo bảng mã «ISO-8859-1»: tệp Moodle XML phải được lưu với mã UTF-8 "
        '(dòng đầu ghi encoding="UTF-8").'
    )


def test_damaged_csv_utf16_without_bom_is_read() -> None:
    text = "Mã câu,Câu hỏi,A,B,Đáp án đúng\nQ1,Thủ đô?,Hà Nội,Huế,A\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        parsed = read_bank("a.csv", text.encode(encoding))
        assert [(q.code, q.options) for q in parsed.questions] == [("Q1", ("Hà Nội", "Huế"))], encoding


def test_damaged_binary_named_csv_is_still_binary() -> None:
    assert refusal("a.csv", bytes(range(256)) * 4) == "Tệp «a.csv» không phải tệp văn bản: nội dung là tệp nhị phân."


def test_damaged_json_lone_surrogate_is_an_error_naming_the_field() -> None:
    data = json.dumps([{"question": "Hỏi \ud800?", "options": ["a", "b"], "answer": 0}]).encode()
    parsed = read_bank("a.json", data)
    assert parsed.questions == ()
    assert next((p.column, p.message) for p in parsed.errors) == (
        "question",
        "Có ký tự hỏng (U+D800, nửa cặp UTF-16): hãy gõ lại đoạn chữ này.",
    )


def test_damaged_file_over_the_question_limit_is_refused() -> None:
    rows = [{"code": f"Q{n}", "text": f"Câu {n}?", "options": ["a", "b"], "answer": "A"} for n in range(10_001)]
    data = json.dumps({"format": "hoithi-bank", "version": 1, "questions": rows}).encode()
    assert (
        refusal("a.json", data)
        == "Tệp có 10.001 câu hỏi: tối đa 10.000 câu một tệp. Hãy chia ngân hàng thành nhiều tệp."
    )


def test_damaged_csv_cell_over_the_field_limit_names_the_line() -> None:
    data = ("Mã câu,Câu hỏi,A,B,Đáp án đúng\nQ1,Hỏi?,a,b,A\nQ2," + "x" * 200_000 + ",a,b,A\n").encode()
    assert refusal("a.csv", data) == "Tệp CSV không đọc được ở dòng 3: một ô dài quá 131.072 ký tự."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'topic = "x"\n[[questions]]\nsource = { issued = 2020-02-31 }\n',
            "a.toml: tệp TOML không hợp lệ ở dòng 3, cột 21: "
            "ngày hoặc giờ không có thật hoặc sai dạng (ghi YYYY-MM-DD).",
        ),
        (
            'topic = "x"\ncode = ' + "[" * 100_000,
            "a.toml: tệp TOML lồng nhau quá sâu (ngoặc mở liên tiếp): không đọc được.",
        ),
    ],
)
def test_damaged_toml_is_said_in_vietnamese(text: str, message: str) -> None:
    with pytest.raises(BankError) as refused:
        parse_toml(text, name="a.toml")
    assert str(refused.value) == message

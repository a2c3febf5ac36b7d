"""The cases reported on 2026-11-29 (``cases/README.md``), each read as an
organiser would upload it."""

from __future__ import annotations

from pathlib import Path

from contest.domain.banks.common import ParsedBank, Problem, Severity
from contest.domain.banks.reader import read_bank

CASES = Path(__file__).resolve().parent / "cases"


def read_case(name: str) -> ParsedBank:
    return read_bank(name, (CASES / name).read_bytes())


def test_aiken_stem_starting_with_letter_and_dot_is_a_question() -> None:
    bank = read_case("aiken-stem-letter-dot.txt")
    assert bank.problems == ()
    (question,) = bank.questions
    assert question.text == "H.265 là chuẩn nén dành cho loại dữ liệu nào?"
    assert question.options == ("Âm thanh", "Video", "Văn bản")
    assert question.answer_letters == "B"


def test_aiken_option_glued_to_its_letter_is_still_an_option_where_expected() -> None:
    bank = read_bank("b.aiken", "A.I là gì?\nA)Trí tuệ nhân tạo\nB)Máy tính\nANSWER: A\n".encode())
    assert [(q.text, q.options) for q in bank.questions] == [("A.I là gì?", ("Trí tuệ nhân tạo", "Máy tính"))]


def test_aiken_options_referring_by_letter_keep_their_order_with_a_warning() -> None:
    bank = read_case("aiken-options-refer-by-letter.txt")
    (question,) = bank.questions
    assert (question.keep_order, question.answer_letters) == (True, "D")
    assert bank.problems == (
        Problem(
            "Phương án D «Cả A và B đều đúng» nhắc tới phương án khác theo chữ cái hoặc vị trí: "
            "câu này được giữ nguyên thứ tự phương án khi thi (không đảo).",
            line=1,
            column="keep_order",
            severity=Severity.WARNING,
            code=question.code,
        ),
    )


def test_moodle_xml_every_image_is_reported_and_leaves_a_placeholder() -> None:
    bank = read_case("moodle-img-without-file.xml")
    assert [q.text for q in bank.questions] == [
        "Quan sát sơ đồ sau:\n[Hình ảnh: sơ đồ]\nThiết bị nào là tường lửa & vì sao?",
        "Biểu tượng này là gì? [Hình ảnh]",
    ]
    assert [(p.line, p.severity, p.message.split(":")[0]) for p in bank.problems] == [
        (6, Severity.WARNING, "Câu «Sơ đồ mạng» có 1 hình ảnh hoặc tệp nhúng"),
        (19, Severity.WARNING, "Câu «Ảnh nhúng base64» có 1 hình ảnh hoặc tệp nhúng"),
    ]


def test_gift_html_image_is_reported_and_leaves_a_placeholder() -> None:
    gift = '::Cờ::[html]<p>Cờ nào? <img src="https://example.invalid/co.png" alt="lá cờ"></p>{=Việt Nam ~Lào}\n'
    bank = read_bank("b.gift", gift.encode())
    assert [q.text for q in bank.questions] == ["Cờ nào? [Hình ảnh: lá cờ]"]
    assert [p.message.split(":")[0] for p in bank.problems] == ["Câu «Cờ» có 1 hình ảnh hoặc tệp nhúng"]


def test_xlsx_hidden_first_sheet_is_skipped_with_a_warning() -> None:
    bank = read_case("xlsx-hidden-first-sheet.xlsx")
    assert [(q.text, q.answer_letters) for q in bank.questions] == [("Câu hỏi (bản mới)", "C")]
    assert bank.problems == (
        Problem(
            "Đã đọc trang tính «Câu hỏi»; bỏ qua trang đang ẩn «Bản cũ»: nội dung ẩn trong Excel không được nhập. "
            "Nếu cần nhập trang đó, hãy bỏ ẩn rồi tải lên lại.",
            severity=Severity.WARNING,
        ),
    )


def test_xlsx_cells_read_as_excel_shows_them_in_vietnamese() -> None:
    bank = read_case("xlsx-percent-time.xlsx")
    assert bank.problems == ()
    assert [(q.code, q.options) for q in bank.questions] == [
        ("PCT-1", ("50%", "80%", "30%")),
        ("TIME-1", ("7:30", "8:00", "13:30")),
        ("NUM-1", ("1.500.000", "2.000.000", "50.000")),
        ("DEC-1", ("2,34", "2,67", "3")),
    ]

"""The organiser's template as .xlsx and CSV: headers, cells, encodings."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

import openpyxl
import pytest

from contest.domain.banks.common import BankError, Problem, Severity
from contest.domain.banks.reader import read_bank
from contest.domain.banks.tabular import COLUMNS, MISSING_HEADER
from contest.domain.banks.xlsx_format import write_xlsx
from contest.domain.models import Difficulty, Question, Source

Workbook = Callable[..., bytes]
HEADER = ["Mã câu", "Chủ đề", "Mức độ", "Câu hỏi", "Phương án A", "Phương án B", "Phương án C", "Đáp án đúng"]


def test_xlsx_header_below_title_rows_in_any_order_with_synonyms(workbook: Workbook) -> None:
    rows = [
        ["NGÂN HÀNG CÂU HỎI HỘI THI CHUYỂN ĐỔI SỐ"],
        [],
        [
            "ĐÁP ÁN ĐÚNG",
            "Nội dung câu hỏi",
            "Mã",
            "Đáp án A",
            "Đáp án B",
            "Đáp án C",
            "Độ khó",
            "Căn cứ",
            "Ngày ban hành",
            "Giữ thứ tự",
            "Điểm",
        ],
        ["A, C", "Chọn các số chẵn", "Q-1", 2, 3, 4, "khó", "Điều 5 Luật 20/2023/QH15", datetime(2023, 6, 22), "x", 2],
        [],
        ["B", "Luật Giao dịch điện tử đầu tiên ban hành năm nào?", "Q-2", 2020, 2005, 2.5, "Dễ"],
    ]
    bank = read_bank("bank.xlsx", workbook({"Câu hỏi": rows}))
    assert bank.problems == ()
    assert bank.questions == (
        Question(
            code="Q-1",
            text="Chọn các số chẵn",
            options=("2", "3", "4"),
            correct=frozenset({0, 2}),
            difficulty=Difficulty.HARD,
            multiple=True,
            keep_order=True,
            points=2,
            source=Source(citation="Điều 5 Luật 20/2023/QH15", issued=date(2023, 6, 22)),
        ),
        Question(
            code="Q-2",
            text="Luật Giao dịch điện tử đầu tiên ban hành năm nào?",
            options=("2020", "2005", "2,5"),
            correct=frozenset({1}),
            difficulty=Difficulty.EASY,
        ),
    )


def test_xlsx_english_headers_read_every_field(workbook: Workbook) -> None:
    rows = [
        [
            "Code",
            "Topic",
            "Difficulty",
            "Question",
            "Option A",
            "Option B",
            "Correct answer",
            "Multiple",
            "Keep order",
            "Points",
            "Explanation",
            "Source",
            "Document",
            "Issued",
            "Expired",
            "Replaced by",
            "URL",
        ],
        [
            "DVC-1",
            "Dịch vụ công",
            "hard",
            "Mức độ 2 là gì?",
            "Xem thông tin",
            "Tải mẫu",
            "B",
            "yes",
            "no",
            3,
            "Vì…",
            "Điều 3",
            "43/2011/NĐ-CP",
            "13/06/2011",
            "2022-08-15",
            "42/2022/NĐ-CP",
            "https://vbpl.vn/",
        ],
    ]
    (question,) = read_bank("bank.xlsx", workbook({"Sheet": rows})).questions
    assert question == Question(
        code="DVC-1",
        text="Mức độ 2 là gì?",
        options=("Xem thông tin", "Tải mẫu"),
        correct=frozenset({1}),
        topic="Dịch vụ công",
        difficulty=Difficulty.HARD,
        multiple=True,
        keep_order=False,
        points=3,
        explanation="Vì…",
        source=Source(
            citation="Điều 3",
            document="43/2011/NĐ-CP",
            issued=date(2011, 6, 13),
            expired=date(2022, 8, 15),
            replaced_by="42/2022/NĐ-CP",
            url="https://vbpl.vn/",
        ),
    )


def test_xlsx_date_in_a_text_column_reads_as_written(workbook: Workbook) -> None:
    rows = [HEADER, ["Q1", "", "", "Ngày ban hành Nghị định 43?", datetime(2011, 6, 13), "01/01/2012", "", "A"]]
    (question,) = read_bank("bank.xlsx", workbook({"S": rows})).questions
    # openpyxl gives a datetime the format "yyyy-mm-dd h:mm:ss", which Excel shows with its time
    assert question.options == ("13/06/2011 0:00:00", "01/01/2012")


def test_xlsx_formula_and_error_cells_are_errors(workbook: Workbook) -> None:
    rows = [
        HEADER,
        ["Q1", "", "", "Hỏi 1?", "=1+1", "b", "", "A"],
        ["Q2", "", "", "Hỏi 2?", "a", "#N/A", "", "A"],
        ["Q3", "", "", "Hỏi 3?", "a", "b", "", "B"],
    ]
    bank = read_bank("bank.xlsx", workbook({"S": rows}))
    assert [q.code for q in bank.questions] == ["Q3"]
    assert bank.problems == (
        Problem(
            "Ô chứa công thức «=1+1»: hãy sao chép rồi dán dạng giá trị (Paste Values).",
            line=2,
            column="E (Phương án A)",
        ),
        Problem("Ô báo lỗi «#N/A» của Excel: hãy thay bằng giá trị đúng.", line=3, column="F (Phương án B)"),
    )


def test_xlsx_date_out_of_range_becomes_an_error_not_a_warning(workbook: Workbook) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã câu", "Câu hỏi", "A", "B", "Đáp án", "Nguồn", "Ngày ban hành"])
    sheet.append(["Q1", "Hỏi?", "a", "b", "A", "Điều 1", 1e10])
    sheet["G2"].number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    bank = read_bank("bank.xlsx", buffer.getvalue())
    assert bank.problems == (
        Problem(
            "Ô định dạng ngày nhưng giá trị không phải một ngày có thật (ngoài lịch của Excel): "
            "hãy ghi ngày dạng dd/mm/yyyy.",
            line=2,
            column="G (Ngày ban hành)",
        ),
    )


def test_xlsx_merged_header_is_an_error_and_merged_rows_a_warning(workbook: Workbook) -> None:
    rows = [
        ["Ngân hàng câu hỏi"],
        [*HEADER, None],
        ["Q1", "Luật", "", "Hỏi 1?", "a", "b", "", "A"],
        ["Q2", None, "", "Hỏi 2?", "a", "b", "", "B"],
    ]
    bank = read_bank("bank.xlsx", workbook({"S": rows}, merge=["A1:H1", "H2:I2", "B3:B4"]))
    assert bank.problems == (
        Problem("Tiêu đề có ô gộp: hãy bỏ gộp ô (Merge & Center) để mỗi cột có một tiêu đề.", line=2),
        Problem("Các dòng 3–4 có ô gộp: chỉ ô đầu tiên có giá trị.", line=3, severity=Severity.WARNING),
    )
    assert [q.topic for q in bank.questions] == ["Luật", ""]


def test_xlsx_empty_workbook_is_refused(workbook: Workbook) -> None:
    with pytest.raises(BankError) as refused:
        read_bank("bank.xlsx", workbook({"Trống": []}))
    assert str(refused.value) == "Tệp Excel trống: không trang tính nào có dữ liệu."


def test_xlsx_without_header_is_refused(workbook: Workbook) -> None:
    with pytest.raises(BankError) as refused:
        read_bank("bank.xlsx", workbook({"S": [["Câu hỏi", "Trả lời"], ["Hỏi?", "Đáp"]]}))
    assert str(refused.value) == MISSING_HEADER


def test_xlsx_reads_first_sheet_with_a_header_and_names_it(workbook: Workbook) -> None:
    sheets = {
        "Bìa": [["Hội thi trực tuyến"]],
        "Trống": [],
        "Câu hỏi": [HEADER, ["Q1", "", "", "Hỏi?", "a", "b", "", "A"]],
    }
    bank = read_bank("bank.xlsx", workbook(sheets))
    assert [q.code for q in bank.questions] == ["Q1"]
    assert bank.problems == (
        Problem("Đã đọc trang tính «Câu hỏi»; bỏ qua trang «Bìa» vì không có dòng tiêu đề.", severity=Severity.WARNING),
    )


def test_xlsx_row_problems_name_row_and_column(workbook: Workbook) -> None:
    rows = [
        HEADER,
        ["Q1", "", "", "Hỏi?", "a", "b", "", "G"],
        ["Q2", "", "rất khó", "Hỏi 2?", "a", "", "c", "A"],
        ["Q3", "", "", "Hỏi 3?", "a", "b", "", "A"],
        ["Q3", "", "", "Khác?", "c", "d", "", "A"],
    ]
    bank = read_bank("bank.xlsx", workbook({"S": rows}))
    assert [q.code for q in bank.questions] == ["Q3", "Q3"]
    assert bank.problems == (
        Problem(
            "Đáp án «G» không hợp lệ: ghi chữ cái A–F, ví dụ «B» hoặc «A, C».",
            line=2,
            column="H (Đáp án đúng)",
            code="Q1",
        ),
        Problem("Phương án B để trống nhưng có phương án sau nó.", line=3, column="F (Phương án B)", code="Q2"),
        Problem("Mức độ «rất khó» không hợp lệ: dùng Dễ, Trung bình hoặc Khó.", line=3, column="C (Mức độ)", code="Q2"),
        Problem("Mã câu hỏi «Q3» trùng với dòng 4.", line=5, column="A (Mã câu)", code="Q3"),
    )


def test_xlsx_unknown_and_repeated_columns(workbook: Workbook) -> None:
    rows = [[*HEADER, "Ghi chú", "Nội dung"], ["Q1", "", "", "Hỏi?", "a", "b", "", "A", "riêng", "x"]]
    bank = read_bank("bank.xlsx", workbook({"S": rows}))
    assert bank.problems == (
        Problem(
            "Không nhận ra cột «Ghi chú»: bỏ qua cột này.", line=1, column="I (Ghi chú)", severity=Severity.WARNING
        ),
        Problem("Cột «Câu hỏi» có hai lần (cột D và J).", line=1, column="J (Nội dung)"),
    )


def test_xlsx_row_numbers_serve_as_codes_without_a_code_column(workbook: Workbook) -> None:
    rows = [["STT", "Câu hỏi", "A", "B", "Đáp án"], [1, "Hỏi 1?", "a", "b", "A"], [2, "Hỏi 2?", "a", "b", "B"]]
    assert [q.code for q in read_bank("bank.xlsx", workbook({"S": rows})).questions] == ["1", "2"]


def test_xlsx_without_code_column_reports_it(workbook: Workbook) -> None:
    bank = read_bank("bank.xlsx", workbook({"S": [["Câu hỏi", "A", "B", "Đáp án"], ["Hỏi?", "a", "b", "A"]]}))
    assert bank.errors == (
        Problem("Thiếu cột «Mã câu».", line=1),
        Problem("Thiếu mã câu hỏi.", line=2, column="Mã câu"),
    )


def test_xlsx_export_writes_template_header_and_guide() -> None:
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx([])))
    assert book.sheetnames == ["Câu hỏi", "Hướng dẫn"]
    assert [c.value for c in book["Câu hỏi"][1]] == [
        "Mã câu",
        "Chủ đề",
        "Mức độ",
        "Câu hỏi",
        "Phương án A",
        "Phương án B",
        "Phương án C",
        "Phương án D",
        "Phương án E",
        "Phương án F",
        "Đáp án đúng",
        "Chọn nhiều",
        "Giữ thứ tự",
        "Điểm",
        "Giải thích",
        "Nguồn",
        "Số văn bản",
        "Ngày ban hành",
        "Ngày hết hiệu lực",
        "Thay thế bởi",
        "Đường dẫn",
    ]
    guide = list(book["Hướng dẫn"].iter_rows(values_only=True))
    assert guide[0] == ("Cột", "Bắt buộc", "Cách ghi")
    assert [row[0] for row in guide[1 : len(COLUMNS) + 1]] == [c.title for c in COLUMNS]
    assert guide[4] == ("Câu hỏi", "Có", "Nội dung câu hỏi, chữ thường (không định dạng).")


CSV = (
    "Ngân hàng câu hỏi\n"
    "\n"
    "Mã câu;Nội dung câu hỏi;Đáp án A;Đáp án B;Đáp án C;Đáp án đúng;Mức độ;Ngày ban hành;Căn cứ\n"
    "Q1;Thủ đô của Việt Nam?;Hà Nội;Huế;Đà Nẵng;A;Dễ;13/06/2011;Điều 1\n"
    "Q2;Chọn số chẵn;2;3;4;A, C;khó;;\n"
)
EXPECTED = (
    Question(
        code="Q1",
        text="Thủ đô của Việt Nam?",
        options=("Hà Nội", "Huế", "Đà Nẵng"),
        correct=frozenset({0}),
        difficulty=Difficulty.EASY,
        source=Source(citation="Điều 1", issued=date(2011, 6, 13)),
    ),
    Question(
        code="Q2",
        text="Chọn số chẵn",
        options=("2", "3", "4"),
        correct=frozenset({0, 2}),
        difficulty=Difficulty.HARD,
        multiple=True,
    ),
)
TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Encode as Vietnamese Windows does: base letters precomposed, tone marks
    as separate combining characters."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("bank.csv", CSV.encode("utf-8")),
        ("bank.csv", CSV.encode("utf-8-sig")),
        ("bank.csv", CSV.replace(";", ",").replace("A, C", '"A, C"').encode("utf-8")),
        ("bank.csv", windows_1258(CSV)),
        ("bank.txt", CSV.replace(";", "\t").encode("utf-16")),
        ("bank.tsv", CSV.replace(";", "\t").encode("utf-8")),
    ],
    ids=["utf8", "utf8-bom", "comma", "windows-1258", "excel-unicode-text", "tab"],
)
def test_csv_encodings_and_delimiters_read_the_same_bank(filename: str, data: bytes) -> None:
    bank = read_bank(filename, data)
    assert bank.problems == ()
    assert bank.questions == EXPECTED


def test_csv_windows_1252_german_is_refused() -> None:
    with pytest.raises(BankError) as refused:
        read_bank("bank.csv", "Frage;Antwort\nGröße;Schlüssel öffnen\n".encode("cp1252"))
    assert str(refused.value) == (
        "Không nhận ra bảng mã của tệp (không phải UTF-8, UTF-16 hay Windows-1258). "
        "Hãy lưu lại tệp với mã UTF-8 (Excel: Lưu thành → «CSV UTF-8»)."
    )


def test_csv_moodle_windows_1252_fixture_is_not_read_as_vietnamese(moodle: Callable[[str], bytes]) -> None:
    with pytest.raises(BankError) as refused:
        read_bank("bank.csv", moodle("gift/questions_encoding_windows-1252.gift.txt"))
    assert str(refused.value).startswith("Không nhận ra bảng mã của tệp")


def test_csv_rows_are_numbered_as_records() -> None:
    text = 'Mã,Câu hỏi,A,B,Đáp án\nQ1,"Dòng 1\nDòng 2",a,b,A\nQ2,Hỏi?,a,b,Z\n'
    bank = read_bank("bank.csv", text.encode())
    assert [q.text for q in bank.questions] == ["Dòng 1\nDòng 2"]
    assert bank.problems == (
        Problem(
            "Đáp án «Z» không hợp lệ: ghi chữ cái A–F, ví dụ «B» hoặc «A, C».", line=3, column="E (Đáp án)", code="Q2"
        ),
    )


def test_csv_without_header_is_refused() -> None:
    with pytest.raises(BankError) as refused:
        read_bank("bank.csv", b"a,b,c\n1,2,3\n")
    assert str(refused.value) == MISSING_HEADER


def test_tabular_header_synonyms_name_one_column_each() -> None:
    synonyms = [s for column in COLUMNS for s in column.synonyms]
    assert len(synonyms) == len(set(synonyms))


def hidden_workbook(
    *,
    sheet_states: tuple[str, ...] = ("visible",),
    rows: tuple[int, ...] = (),
    columns: str = "",
    blank_last: bool = False,
) -> bytes:
    """A bank whose sheets have the given states (each holding the same two
    questions, but the last when ``blank_last``), with ``rows`` and
    ``columns`` of the last sheet hidden."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for i, state in enumerate(sheet_states):
        sheet = book.create_sheet(f"Trang {i + 1}")
        sheet.sheet_state = state
        if blank_last and i == len(sheet_states) - 1:
            continue
        sheet.append(HEADER)
        sheet.append(["Q1", "", "", "Hỏi một?", "Có", "Không", "", "A"])
        sheet.append(["Q2", "", "", "Hỏi hai?", "Có", "Không", "", "B"])
    for row in rows:
        sheet.row_dimensions[row].hidden = True
    for letter in columns:
        sheet.column_dimensions[letter].hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_very_hidden_sheet_is_skipped_with_a_warning() -> None:
    bank = read_bank("b.xlsx", hidden_workbook(sheet_states=("veryHidden", "hidden", "visible")))
    assert [q.code for q in bank.questions] == ["Q1", "Q2"]
    assert [p.message.split(":")[0] for p in bank.problems] == [
        "Đã đọc trang tính «Trang 3»; bỏ qua trang đang ẩn «Trang 1», «Trang 2»"
    ]


def test_xlsx_hidden_sheet_after_the_one_read_is_named_too() -> None:
    bank = read_bank("b.xlsx", hidden_workbook(sheet_states=("visible", "hidden")))
    assert [q.code for q in bank.questions] == ["Q1", "Q2"]
    assert [p.message.split(":")[0] for p in bank.problems] == [
        "Đã đọc trang tính «Trang 1»; bỏ qua trang đang ẩn «Trang 2»"
    ]


def test_xlsx_questions_only_on_hidden_sheets_are_refused() -> None:
    with pytest.raises(BankError, match="Câu hỏi chỉ có ở trang tính đang ẩn «Trang 1»: nội dung ẩn không được nhập"):
        read_bank("b.xlsx", hidden_workbook(sheet_states=("hidden", "visible"), blank_last=True))


def test_xlsx_hidden_rows_and_columns_are_read_and_named_in_warnings() -> None:
    bank = read_bank("b.xlsx", hidden_workbook(rows=(3, 9), columns="HC"))
    assert [q.code for q in bank.questions] == ["Q1", "Q2"]
    assert bank.problems == (
        Problem(
            "Cột C (Mức độ) đang ẩn trong Excel nhưng vẫn được đọc: hãy bỏ ẩn để xem lại nội dung.",
            line=1,
            severity=Severity.WARNING,
        ),
        Problem(
            "Cột H (Đáp án đúng) đang ẩn trong Excel nhưng vẫn được đọc: hãy bỏ ẩn để xem lại nội dung.",
            line=1,
            severity=Severity.WARNING,
        ),
        Problem(
            "Dòng 3 đang ẩn trong Excel (ẩn tay hoặc do bộ lọc) nhưng vẫn được nhập: hãy bỏ ẩn hoặc bỏ lọc để "
            "xem lại, và xóa những dòng không dùng.",
            line=3,
            severity=Severity.WARNING,
        ),
    )

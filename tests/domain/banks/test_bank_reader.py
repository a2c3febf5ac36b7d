"""read_bank: choosing the parser, checking content against the name, and
refusing unsafe files. Crafted zips are built here in memory."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from contest.domain.banks.common import BankError
from contest.domain.banks.ooxml import MACRO_REFUSAL
from contest.domain.banks.reader import SUPPORTED, read_bank
from contest.domain.banks.xlsx_format import write_xlsx
from contest.domain.models import Question

QUESTION = Question(code="Q1", text="Hỏi?", options=("a", "b"), correct=frozenset({0}))
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def refusal(filename: str, data: bytes, **kwargs: int) -> str:
    with pytest.raises(BankError) as refused:
        read_bank(filename, data, **kwargs)
    return str(refused.value)


def rezip(
    data: bytes, *, add: dict[str, bytes] | None = None, change: dict[str, tuple[bytes, bytes]] | None = None
) -> bytes:
    """A copy of a zip with members added, or bytes replaced inside members."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            old, new = (change or {}).get(info.filename, (b"", b""))
            target.writestr(info.filename, content.replace(old, new) if old else content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members.items():
            target.writestr(name, content)
    return buffer.getvalue()


def declare_sizes(data: bytes, size: int) -> bytes:
    """Rewrite every central-directory entry to declare ``size`` uncompressed
    bytes, as a hand-made zip bomb would; the content stays tiny."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        out[at + 24 : at + 28] = struct.pack("<I", size)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def test_reader_refuses_files_over_the_limit() -> None:
    assert refusal("bank.csv", b"x" * 1_572_864, max_bytes=1_048_576) == "Tệp quá lớn (1,5 MB): tối đa 1 MB."


def test_reader_refuses_empty_files() -> None:
    assert refusal("bank.csv", b" \n") == "Tệp rỗng."


def test_reader_refuses_unknown_extensions() -> None:
    assert refusal("bank.pdf", b"%PDF-1.7") == f"Không đọc được loại tệp «.pdf». Hỗ trợ: {SUPPORTED}."


def test_reader_refuses_old_excel_by_name() -> None:
    assert refusal("bank.xls", OLE) == (
        "Tệp Excel 97–2003 (.xls) không được hỗ trợ. Hãy mở bằng Excel, chọn Lưu thành → "
        "«Excel Workbook (.xlsx)» rồi tải lên."
    )


@pytest.mark.parametrize("filename", ["bank.xlsm", "BANK.XLTM", "bank.xlam"])
def test_reader_refuses_macro_workbooks_by_name(filename: str) -> None:
    assert refusal(filename, write_xlsx([QUESTION])) == MACRO_REFUSAL


def test_reader_refuses_binary_workbook() -> None:
    assert refusal("bank.xlsb", zip_of({"xl/workbook.bin": b"\x00"})).startswith("Tệp Excel nhị phân (.xlsb)")


def test_reader_refuses_vba_project_inside_xlsx() -> None:
    data = rezip(write_xlsx([QUESTION]), add={"xl/vbaProject.bin": b"\x00" * 64})
    assert refusal("bank.xlsx", data) == MACRO_REFUSAL


def test_reader_refuses_macro_content_type_inside_xlsx() -> None:
    main = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    macro = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    data = rezip(write_xlsx([QUESTION]), change={"[Content_Types].xml": (main, macro)})
    assert refusal("bank.xlsx", data) == MACRO_REFUSAL


def test_reader_refuses_old_or_protected_excel_renamed_xlsx() -> None:
    assert refusal("bank.xlsx", OLE) == (
        "Tệp «bank.xlsx» thực ra là tệp Excel 97–2003 (.xls) hoặc tệp Excel có đặt mật khẩu. "
        "Hãy bỏ mật khẩu và lưu lại dưới dạng «Excel Workbook (.xlsx)»."
    )


def test_reader_refuses_text_named_xlsx() -> None:
    assert refusal("bank.xlsx", "Mã,Câu hỏi\n".encode()) == (
        "Tệp «bank.xlsx» không phải tệp Excel .xlsx (nội dung là văn bản hoặc dữ liệu khác)."
    )


def test_reader_refuses_zip_that_is_not_a_workbook() -> None:
    document = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert refusal("bank.xlsx", document) == "Tệp không phải bảng tính Excel (.xlsx): không có trang tính nào."


def test_reader_refuses_corrupt_zip() -> None:
    assert refusal("bank.xlsx", b"PK\x03\x04" + bytes(100)) == "Tệp .xlsx bị hỏng hoặc không phải tệp Excel."


def test_reader_refuses_highly_compressed_member() -> None:
    bomb = zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b" " * (2 * 1024 * 1024),
        }
    )
    assert len(bomb) < 20_000
    assert refusal("bank.xlsx", bomb) == (
        "Tệp .xlsx có tỉ lệ nén bất thường (có thể là «bom nén»): không nhận vì lý do an toàn."
    )


def test_reader_refuses_zip_declaring_too_much_content() -> None:
    members = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    members |= {f"xl/media/image{i}.png": b"x" for i in range(250)}
    crafted = declare_sizes(zip_of(members), 900_000)
    assert refusal("bank.xlsx", crafted) == "Tệp .xlsx khi giải nén vượt quá 200 MB: không nhận vì lý do an toàn."


def test_reader_refuses_zip_with_too_many_members() -> None:
    crafted = zip_of({f"xl/media/{i}.bin": b"" for i in range(1001)})
    assert refusal("bank.xlsx", crafted) == (
        "Tệp .xlsx chứa quá nhiều thành phần (1001); tệp Excel thường có vài chục."
    )


def test_reader_refuses_pdf_named_csv() -> None:
    assert refusal("bank.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj") == (
        "Tệp «bank.csv» không phải tệp văn bản: nội dung là tệp PDF."
    )


def test_reader_refuses_workbook_named_csv() -> None:
    assert refusal("bank.csv", write_xlsx([QUESTION])) == (
        "Tệp «bank.csv» không phải tệp văn bản: nội dung là tệp nén ZIP hoặc tệp Office (.xlsx, .docx)."
    )


def test_reader_refuses_binary_named_json() -> None:
    assert refusal("bank.json", b'{"a": "\x00\x01\x02"}') == (
        "Tệp «bank.json» không phải tệp văn bản: nội dung là tệp nhị phân."
    )


def test_reader_refuses_random_bytes_named_csv() -> None:
    noise = bytes((i * 193 + 71) % 256 for i in range(4096)).replace(b"\x00", b"\x01")
    assert refusal("bank.csv", noise).startswith("Không nhận ra bảng mã của tệp")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("::G1::Hỏi? {=a ~b}\n", "G1"),
        ("Câu hỏi Aiken?\nA. a\nB. b\nANSWER: B\n", "Cau-hoi-Aiken"),
        ("Mã\tCâu hỏi\tA\tB\tĐáp án\nT1\tHỏi?\ta\tb\tA\n", "T1"),
    ],
    ids=["gift", "aiken", "tab-separated"],
)
def test_reader_tells_txt_formats_apart(text: str, code: str) -> None:
    assert [q.code for q in read_bank("bank.txt", text.encode()).questions] == [code]


def test_reader_requires_utf8_for_moodle_xml() -> None:
    data = b'<?xml version="1.0" encoding="windows-1252"?><quiz/>' + "é".encode("cp1252")
    assert refusal("bank.xml", data) == "Tệp không dùng mã hóa UTF-8. Tệp Moodle XML phải được lưu với mã UTF-8."


def test_reader_reports_progress_through_a_spreadsheet() -> None:
    bank = [Question(code=f"Q{i}", text=f"Hỏi {i}?", options=("a", "b"), correct=frozenset({0})) for i in range(250)]
    heard: list[tuple[int, int]] = []
    parsed = read_bank("bank.xlsx", write_xlsx(bank), progress=lambda done, total: heard.append((done, total)))
    assert len(parsed.questions) == 250
    assert heard == [(100, 251), (200, 251), (251, 251)]


def test_reader_reports_progress_through_a_csv() -> None:
    text = "Mã,Câu hỏi,A,B,Đáp án\n" + "".join(f"Q{i},Hỏi {i}?,a,b,A\n" for i in range(150))
    heard: list[tuple[int, int]] = []
    read_bank("bank.csv", text.encode(), progress=lambda done, total: heard.append((done, total)))
    assert heard == [(100, 151), (151, 151)]

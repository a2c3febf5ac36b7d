"""The one entry point for uploaded banks: pick the parser by the file's name,
check that the content is what the name says, and refuse what is unsafe.

A name alone is not trusted: a PDF renamed .csv, an old .xls renamed .xlsx or
a macro workbook renamed .xlsx are refused here with a message that says what
the file really is and how to save it, before any parser sees the bytes.
"""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

from contest.domain.banks.aiken_format import parse_aiken
from contest.domain.banks.common import BankError, ParsedBank, Progress
from contest.domain.banks.csv_format import parse_csv
from contest.domain.banks.encoding import decode_utf8, is_utf16
from contest.domain.banks.gift_format import parse_gift
from contest.domain.banks.json_format import parse_json
from contest.domain.banks.moodle_xml import parse_moodle_xml
from contest.domain.banks.ooxml import MACRO_REFUSAL
from contest.domain.banks.xlsx_format import parse_xlsx

MAX_BYTES = 10 * 1024 * 1024
MAX_QUESTIONS = 10_000
"""The most questions one file may hold (a province's bank is a few
thousand); the server reads such a file in about 15 s, in another process
(``services/bank_reading.py``)."""
SUPPORTED = ".xlsx, .csv, .txt (GIFT, Aiken hoặc văn bản phân cách bằng tab), .gift, .xml (Moodle XML), .json"

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = (
    (b"%PDF-", "tệp PDF"),
    (_ZIP, "tệp nén ZIP hoặc tệp Office (.xlsx, .docx)"),
    (_OLE, "tệp Office đời cũ (.xls, .doc)"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
)
_OLD_EXCEL = (
    "Tệp Excel 97–2003 (.xls) không được hỗ trợ. Hãy mở bằng Excel, chọn Lưu thành → "
    "«Excel Workbook (.xlsx)» rồi tải lên."
)
_REFUSED = {
    ".xls": _OLD_EXCEL,
    ".xlt": _OLD_EXCEL,
    ".xlsb": "Tệp Excel nhị phân (.xlsb) có thể chứa macro và không được hỗ trợ. "
    "Hãy lưu lại dưới dạng «Excel Workbook (.xlsx)».",
    **dict.fromkeys((".xlsm", ".xltm", ".xlam", ".xla", ".docm", ".pptm"), MACRO_REFUSAL),
}
_SUFFIXES = (
    (".gift.txt", "gift"),
    (".gift", "gift"),
    (".aiken.txt", "aiken"),
    (".aiken", "aiken"),
    (".xlsx", "xlsx"),
    (".csv", "csv"),
    (".tsv", "csv"),
    (".txt", "txt"),
    (".xml", "xml"),
    (".json", "json"),
)


def read_bank(
    filename: str, data: bytes, *, max_bytes: int = MAX_BYTES, progress: Progress | None = None
) -> ParsedBank:
    """Read an uploaded bank, or raise :class:`BankError` saying in Vietnamese
    why the file cannot be read at all. ``progress`` hears how far a
    spreadsheet (.xlsx, CSV) has been read; the other formats are read whole."""
    if len(data) > max_bytes:
        raise BankError(f"Tệp quá lớn ({_megabytes(len(data))} MB): tối đa {_megabytes(max_bytes)} MB.")
    if not data.strip():
        raise BankError("Tệp rỗng.")
    name = filename.strip().lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix in _REFUSED:
        raise BankError(_REFUSED[suffix])
    kind = next((k for s, k in _SUFFIXES if name.endswith(s)), None)
    if kind is None:
        raise BankError(f"Không đọc được loại tệp «{suffix or filename}». Hỗ trợ: {SUPPORTED}.")
    try:
        parsed = _read(kind, filename, data, progress)
    except BankError:
        raise
    except RecursionError:
        raise BankError(
            f"Tệp «{filename}» lồng nhau quá sâu (ngoặc hoặc thẻ mở liên tiếp): không đọc được. "
            "Hãy kiểm tra tệp được tạo đúng định dạng."
        ) from None
    except Exception as exc:  # the one guard: a damaged file never escapes as a crash
        raise BankError(
            f"Tệp «{filename}» bị hỏng, không đọc được: {_damage(exc)}. "
            "Hãy mở tệp bằng chương trình đã tạo ra nó, lưu lại rồi tải lên lại."
        ) from None
    if len(parsed.questions) > MAX_QUESTIONS:
        raise BankError(
            f"Tệp có {len(parsed.questions):,} câu hỏi: tối đa {MAX_QUESTIONS:,} câu một tệp. ".replace(",", ".")
            + "Hãy chia ngân hàng thành nhiều tệp."
        )
    return parsed


def _read(kind: str, filename: str, data: bytes, progress: Progress | None) -> ParsedBank:
    """Dispatch to the reader for ``kind``: any exception other than
    :class:`BankError` is a damaged file, said by :func:`read_bank`."""
    if kind == "xlsx":
        return _read_xlsx(filename, data, progress)
    _check_text(filename, data)
    if kind == "txt":
        kind = _sniff_txt(data)
    if kind == "csv":
        return parse_csv(data, progress=progress)
    if kind == "gift":
        return parse_gift(decode_utf8(data, "GIFT"))
    if kind == "aiken":
        return parse_aiken(decode_utf8(data, "Aiken"))
    if kind == "xml":
        return parse_moodle_xml(decode_utf8(data, "Moodle XML"))
    return parse_json(decode_utf8(data, "JSON"))


def _read_xlsx(filename: str, data: bytes, progress: Progress | None) -> ParsedBank:
    if data.startswith(_OLE):
        raise BankError(
            f"Tệp «{filename}» thực ra là tệp Excel 97–2003 (.xls) hoặc tệp Excel có đặt mật khẩu. "
            "Hãy bỏ mật khẩu và lưu lại dưới dạng «Excel Workbook (.xlsx)»."
        )
    if not data.startswith(_ZIP):
        raise BankError(
            f"Tệp «{filename}» không phải tệp Excel .xlsx (nội dung là {_magic(data) or 'văn bản hoặc dữ liệu khác'})."
        )
    return parse_xlsx(data, progress=progress)


def _check_text(filename: str, data: bytes) -> None:
    """Refuse binary content in a file whose name says text (UTF-16 text,
    with a BOM or without, holds NUL bytes and is exempt from that check)."""
    kind = _magic(data)
    if kind is None and b"\x00" in data[:8192] and not is_utf16(data):
        kind = "tệp nhị phân"
    if kind is not None:
        raise BankError(f"Tệp «{filename}» không phải tệp văn bản: nội dung là {kind}.")


def _sniff_txt(data: bytes) -> str:
    """A .txt is Excel's "Unicode text" (UTF-16), Aiken (``ANSWER:`` lines, no
    braces), GIFT (answers in braces), or else tab-separated text."""
    if is_utf16(data):
        return "csv"
    text = decode_utf8(data, "văn bản (.txt)")
    if "{" in text:
        return "gift"
    if re.search(r"^\s*ANSWER:", text, re.MULTILINE):
        return "aiken"
    return "csv"


def _damage(exc: Exception) -> str:
    """What is wrong in a damaged file, in Vietnamese, with where when the
    exception says it (an XML part cut short names its line and column)."""
    if isinstance(exc, ElementTree.ParseError):
        line, column = exc.position
        return f"phần XML bên trong bị cắt cụt hoặc sai cú pháp (dòng {line}, cột {column})"
    if isinstance(exc, IndexError):
        return "một ô trỏ tới chuỗi chữ dùng chung không có trong tệp"
    if isinstance(exc, UnicodeError):
        return "có đoạn chữ không giải mã được"
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "tệp nén bị cắt cụt hoặc hỏng"
    if isinstance(exc, ValueError | TypeError | KeyError):
        return "có ô hoặc thành phần không hợp lệ (địa chỉ ô, kiểu số hoặc liên kết sai)"
    return "nội dung không đúng định dạng"


def _magic(data: bytes) -> str | None:
    """What a file's first bytes say it is, for the formats people mistake for text."""
    return next((label for magic, label in _MAGIC if data.startswith(magic)), None)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".").replace(".", ",")

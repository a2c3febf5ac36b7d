"""Checks on an .xlsx package before openpyxl opens it, and the facts the
streaming reader cannot give: which XML part holds a sheet, its merged cells,
and its hidden rows and columns.

An .xlsx is a zip: a small upload can declare gigabytes inside (a zip bomb),
or carry macros (vbaProject.bin) under an innocent name. Python's zipfile never
inflates a member past its declared size, so checking declared sizes and
ratios up front bounds what reading can cost.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree

from contest.domain.banks.common import BankError
from contest.domain.numbers import int_or_none

MAX_MEMBERS = 1000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024
"""Members smaller than this are not held to MAX_RATIO: tiny parts compress oddly."""

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
"""Excel's sheet size: row and column numbers beyond it are not Excel's."""

MACRO_REFUSAL = (
    "Tệp Excel có macro (VBA) không được nhận vì lý do an toàn. "
    "Hãy lưu lại dưới dạng «Excel Workbook (.xlsx)» rồi tải lên."
)

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW = re.compile(rb"<(?:\w+:)?row(?=[\s/>])([^>]*)>")
_COL = re.compile(rb"<(?:\w+:)?col(\s[^>]*)>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def open_package(data: bytes) -> zipfile.ZipFile:
    """Open an .xlsx upload as a zip, refusing bombs, macros and zips that
    are not spreadsheets."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BankError("Tệp .xlsx bị hỏng hoặc không phải tệp Excel.") from None
    if len(members) > MAX_MEMBERS:
        raise BankError(f"Tệp .xlsx chứa quá nhiều thành phần ({len(members)}); tệp Excel thường có vài chục.")
    if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
        raise BankError("Tệp .xlsx khi giải nén vượt quá 200 MB: không nhận vì lý do an toàn.")
    for member in members:
        if member.file_size > RATIO_CHECK_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise BankError("Tệp .xlsx có tỉ lệ nén bất thường (có thể là «bom nén»): không nhận vì lý do an toàn.")
    names = {m.filename.lower(): m.filename for m in members}
    if any(posixpath.basename(n) == "vbaproject.bin" for n in names):
        raise BankError(MACRO_REFUSAL)
    if "xl/workbook.xml" not in names or "[content_types].xml" not in names:
        raise BankError("Tệp không phải bảng tính Excel (.xlsx): không có trang tính nào.")
    if b"macroEnabled" in archive.read(names["[content_types].xml"]):
        raise BankError(MACRO_REFUSAL)
    return archive


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> path of its XML part, from the workbook and its
    relationships; empty when they cannot be read (openpyxl, which found the
    sheets its own way, still reads them)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        parts[sheet.get("name", "")] = path
    return parts


@dataclass(frozen=True, slots=True)
class SheetScan:
    """What a sheet part says beyond its cells: the row spans (first, last)
    of its merged ranges, how many rows it holds, and the rows and columns
    (1-based) hidden in Excel."""

    merged: tuple[tuple[int, int], ...] = ()
    rows: int = 0
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()


def scan_sheet(archive: zipfile.ZipFile, part: str) -> SheetScan:
    """Read a sheet part's merged ranges, size and hidden rows and columns.

    The ``<mergeCells>`` list sits after all the rows, and row and column
    attributes are not exposed by openpyxl's streaming mode; a sheet written
    without a ``<dimension>`` does not say its size. Scanning the raw part
    with regular expressions, chunk by chunk, costs milliseconds even for
    10,000 rows.
    """
    spans: list[tuple[int, int]] = []
    rows = 0
    hidden_rows: set[int] = set()
    hidden_columns: set[int] = set()
    tail = b""
    with archive.open(part) as source:
        while True:
            chunk = source.read(1 << 20)
            block = tail + chunk
            cut = block.rfind(b"<") if chunk else len(block)
            cut = len(block) if cut < 0 else cut
            spans += _spans(block[:cut])
            for row in _ROW.finditer(block, 0, cut):
                rows += 1
                number = _attribute(row[1], b"r")
                if number is not None and _hidden(row[1]):
                    hidden_rows.add(number)
            for column in _COL.finditer(block, 0, cut):
                first, last = _attribute(column[1], b"min"), _attribute(column[1], b"max")
                if first is not None and _hidden(column[1]):
                    hidden_columns.update(range(first, min(last or first, MAX_COLUMNS) + 1))
            tail = block[cut:]
            if not chunk:
                break
    return SheetScan(tuple(spans), rows, frozenset(hidden_rows), frozenset(hidden_columns))


def _attribute(attributes: bytes, name: bytes) -> int | None:
    """A whole-number attribute of a tag (a row or column number), read
    through :func:`numbers.int_or_none`; None when absent or not a number."""
    found = re.search(rb"\b" + name + rb'="([^"]*)"', attributes)
    return int_or_none(found[1].decode("ascii", "replace"), minimum=1, maximum=MAX_ROWS) if found else None


def _hidden(attributes: bytes) -> bool:
    return re.search(rb'\bhidden="(?:1|true)"', attributes) is not None


def _spans(block: bytes) -> list[tuple[int, int]]:
    spans = []
    for match in _MERGE.finditer(block):
        first = int_or_none(match[2].decode("ascii"), minimum=1, maximum=MAX_ROWS)
        last = int_or_none((match[4] or match[2]).decode("ascii"), minimum=1, maximum=MAX_ROWS)
        if first is not None and last is not None:
            spans.append((first, last))
    return spans

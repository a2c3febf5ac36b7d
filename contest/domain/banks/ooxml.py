"""Checks on an .xlsx package before openpyxl opens it, and the two facts the
streaming reader cannot give: which XML part holds a sheet, and its merged cells.

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

from defusedxml import ElementTree

from contest.domain.banks.common import BankError

MAX_MEMBERS = 1000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024
"""Members smaller than this are not held to MAX_RATIO: tiny parts compress oddly."""

MACRO_REFUSAL = (
    "Tệp Excel có macro (VBA) không được nhận vì lý do an toàn. "
    "Hãy lưu lại dưới dạng «Excel Workbook (.xlsx)» rồi tải lên."
)

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
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


def scan_sheet(archive: zipfile.ZipFile, part: str) -> tuple[list[tuple[int, int]], int]:
    """The row spans (first, last) of a sheet part's merged ranges, and how
    many rows it holds.

    The ``<mergeCells>`` list sits after all the rows, which openpyxl's
    streaming mode does not expose, and a sheet written without a
    ``<dimension>`` does not say its size; scanning the raw part with regular
    expressions, chunk by chunk, costs milliseconds even for 10,000 rows.
    """
    spans: list[tuple[int, int]] = []
    rows = 0
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(1 << 20):
            block = tail + chunk
            cut = block.rfind(b"<")
            cut = len(block) if cut < 0 else cut
            spans += _spans(block[:cut])
            rows += len(_ROW.findall(block, 0, cut))
            tail = block[cut:]
    return spans + _spans(tail), rows + len(_ROW.findall(tail))


def _spans(block: bytes) -> list[tuple[int, int]]:
    return [(int(m[2]), int(m[4] or m[2])) for m in _MERGE.finditer(block)]

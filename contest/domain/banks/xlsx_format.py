"""Excel workbooks (.xlsx): the organiser's template, read and written.

Reading streams the sheet (openpyxl ``read_only``) so a 10,000-question bank
takes seconds, and keeps ``data_only=False`` so that formula cells show up as
formulas: their cached result may be stale or missing, and a bank must hold
the values the organiser saw. The column layout is in :mod:`tabular`.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import chain, islice
from typing import Any, Protocol

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.styles.numbers import is_date_format
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from contest.domain.banks.cell_format import display
from contest.domain.banks.common import BankError, ParsedBank, Problem, Progress, Severity
from contest.domain.banks.ooxml import SheetScan, open_package, scan_sheet, sheet_parts
from contest.domain.banks.tabular import (
    COLUMNS,
    DATE_FIELDS,
    HEADER_SEARCH_ROWS,
    MISSING_HEADER,
    Header,
    column_letter,
    find_header,
    read_rows,
)
from contest.domain.models import MAX_OPTIONS, Question

QUESTION_SHEET = "Câu hỏi"
GUIDE_SHEET = "Hướng dẫn"


class _Cell(Protocol):
    """What the reader needs of a streamed cell (openpyxl types them loosely)."""

    @property
    def value(self) -> Any: ...

    @property
    def data_type(self) -> str: ...

    @property
    def number_format(self) -> str | None: ...


def parse_xlsx(data: bytes, *, progress: Progress | None = None) -> ParsedBank:
    """Read the first sheet that has a recognisable header row.

    openpyxl warns when it drops parts of a workbook it does not model (data
    validation, conditional-formatting extensions, a missing default style).
    Only cell values are read here, so those warnings can never change a
    question: they are ignored for openpyxl's modules only.
    """
    with open_package(data) as archive, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds on a corrupt part
            raise BankError("Tệp .xlsx bị hỏng, không mở được bằng Excel.") from exc
        try:
            return _read_workbook(workbook, archive, progress)
        finally:
            workbook.close()


def _read_workbook(workbook: Workbook, archive: zipfile.ZipFile, progress: Progress | None) -> ParsedBank:
    """Read the first visible sheet with a header. Hidden sheets (often an
    old copy of the bank), before or after it, are never read: they are named
    in a warning, and a workbook whose questions are all on hidden sheets is
    refused."""
    parts = sheet_parts(archive)
    skipped: list[str] = []
    hidden: list[str] = []
    sheets = [s for s in workbook.worksheets if isinstance(s, ReadOnlyWorksheet)]
    for index, sheet in enumerate(sheets):
        sheet.reset_dimensions()  # some writers store a wrong size; stream what is there
        rows = enumerate(sheet.iter_rows(), start=1)
        top = list(islice(rows, HEADER_SEARCH_ROWS))
        if sheet.sheet_state != "visible":
            if any(c.value is not None for _, cells in top for c in cells):
                hidden.append(sheet.title)
            continue
        header = find_header([(line, [c.value for c in cells]) for line, cells in top])
        if header is None:
            if any(c.value is not None for _, cells in top for c in cells):
                skipped.append(sheet.title)
            continue
        scan = scan_sheet(archive, parts[sheet.title]) if sheet.title in parts else SheetScan()
        problems = _merge_problems(scan.merged, header) + _hidden_columns(scan, header)
        for later in sheets[index + 1 :]:  # hidden sheets after this one are named too
            later.reset_dimensions()
            if later.sheet_state != "visible" and any(
                c.value is not None for cells in islice(later.iter_rows(), HEADER_SEARCH_ROWS) for c in cells
            ):
                hidden.append(later.title)
        problems += _skipped_sheets(sheet.title, skipped, hidden)
        data_rows = chain((r for r in top if r[0] > header.line), rows)
        values = _values(header, data_rows, problems, scan.hidden_rows)
        return read_rows(header, values, problems, progress=progress, total=scan.rows)
    if hidden:
        raise BankError(
            f"Câu hỏi chỉ có ở trang tính đang ẩn {_names(hidden)}: nội dung ẩn không được nhập. "
            "Nếu đó đúng là ngân hàng cần nhập, hãy bỏ ẩn trang (chuột phải vào tên trang → Unhide) rồi tải lên lại."
        )
    if not skipped:
        raise BankError("Tệp Excel trống: không trang tính nào có dữ liệu.")
    raise BankError(MISSING_HEADER)


def _names(titles: Sequence[str]) -> str:
    return ", ".join(f"«{t}»" for t in titles)


def _skipped_sheets(title: str, skipped: Sequence[str], hidden: Sequence[str]) -> list[Problem]:
    problems = []
    if skipped:
        problems.append(
            Problem(
                f"Đã đọc trang tính «{title}»; bỏ qua trang {_names(skipped)} vì không có dòng tiêu đề.",
                severity=Severity.WARNING,
            )
        )
    if hidden:
        problems.append(
            Problem(
                f"Đã đọc trang tính «{title}»; bỏ qua trang đang ẩn {_names(hidden)}: nội dung ẩn trong Excel "
                "không được nhập. Nếu cần nhập trang đó, hãy bỏ ẩn rồi tải lên lại.",
                severity=Severity.WARNING,
            )
        )
    return problems


def _hidden_columns(scan: SheetScan, header: Header) -> list[Problem]:
    """A warning for each column the bank reads that is hidden in Excel: it is
    read all the same (a hidden key column is still the key), but the
    organiser should see what is imported."""
    return [
        Problem(
            f"Cột {header.label(field)} đang ẩn trong Excel nhưng vẫn được đọc: hãy bỏ ẩn để xem lại nội dung.",
            line=header.line,
            severity=Severity.WARNING,
        )
        for field, index in sorted(header.index.items(), key=lambda item: item[1])
        if index + 1 in scan.hidden_columns
    ]


def _merge_problems(merged: Sequence[tuple[int, int]], header: Header) -> list[Problem]:
    problems = []
    for first, last in sorted(merged):
        if first <= header.line <= last:
            problems.append(
                Problem("Tiêu đề có ô gộp: hãy bỏ gộp ô (Merge & Center) để mỗi cột có một tiêu đề.", line=header.line)
            )
        elif first > header.line:
            problems.append(
                Problem(
                    f"Các dòng {first}–{last} có ô gộp: chỉ ô đầu tiên có giá trị.",
                    line=first,
                    severity=Severity.WARNING,
                )
            )
    return problems


def _values(
    header: Header, rows: Iterator[tuple[int, Sequence[_Cell]]], problems: list[Problem], hidden: frozenset[int]
) -> Iterator[tuple[int, list[object] | None]]:
    """Each row's values in the header's columns, as :func:`read_rows` takes
    them; None for a row holding a formula or an error cell. Text columns get
    the text Excel shows (:func:`cell_format.display`); date columns keep
    dates and points keep numbers, which their readers check. Rows hidden in
    Excel (by hand or by a filter) are read like the others, and named in one
    warning at the end."""
    fields = sorted((i, f) for f, i in header.index.items())
    width = fields[-1][0] + 1
    shown: list[int] = []
    for line, cells in rows:
        values: list[object] = [None] * width
        readable = True
        for i, field in fields:
            if i >= len(cells) or cells[i].value is None:
                continue
            cell = cells[i]
            if cell.data_type in ("f", "e"):
                readable = False
                problems.append(_bad_cell(cell, line, f"{column_letter(i)} ({header.titles[field]})"))
            elif field in _RAW_FIELDS and isinstance(cell.value, _RAW_FIELDS[field]):
                values[i] = cell.value
            else:
                values[i] = display(cell.value, cell.number_format)
        if line in hidden and any(v not in (None, "") for v in values):
            shown.append(line)
        yield line, values if readable else None
    if shown:
        problems.append(
            Problem(
                f"Dòng {_spans(shown)} đang ẩn trong Excel (ẩn tay hoặc do bộ lọc) nhưng vẫn được nhập: "
                "hãy bỏ ẩn hoặc bỏ lọc để xem lại, và xóa những dòng không dùng.",
                line=shown[0],
                severity=Severity.WARNING,
            )
        )


_RAW_FIELDS: dict[str, type | tuple[type, ...]] = {
    **dict.fromkeys(DATE_FIELDS, (date, datetime)),
    "points": (int, float),
}
"""Fields whose cells keep their value when it is of these types."""


def _spans(lines: Sequence[int], most: int = 10) -> str:
    """ "5, 8–10, 14" for rows 5, 8, 9, 10, 14; "…" after ``most`` spans."""
    spans: list[list[int]] = []
    for line in lines:
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans[:most])
    return text + (", …" if len(spans) > most else "")


def _bad_cell(cell: _Cell, line: int, column: str) -> Problem:
    if cell.data_type == "f":
        return Problem(
            f"Ô chứa công thức «{cell.value}»: hãy sao chép rồi dán dạng giá trị (Paste Values).",
            line=line,
            column=column,
        )
    if cell.value == "#VALUE!" and is_date_format(cell.number_format):
        # openpyxl gives this for a date-formatted number outside Excel's calendar, as Excel shows ####
        return Problem(
            "Ô định dạng ngày nhưng giá trị không phải một ngày có thật (ngoài lịch của Excel): "
            "hãy ghi ngày dạng dd/mm/yyyy.",
            line=line,
            column=column,
        )
    return Problem(f"Ô báo lỗi «{cell.value}» của Excel: hãy thay bằng giá trị đúng.", line=line, column=column)


def write_xlsx(questions: Sequence[Question]) -> bytes:
    """The organiser's template: the header the importer reads, one question
    per row, and a sheet explaining each column."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(QUESTION_SHEET)
    sheet.freeze_panes = "A2"
    _widths(sheet, [60 if c.field == "question" else 18 for c in COLUMNS])
    sheet.append([text_cell(sheet, c.title, bold=True) for c in COLUMNS])
    for question in questions:
        sheet.append([_cell(sheet, v) for v in _row(question)])
    _write_guide(workbook.create_sheet(GUIDE_SHEET))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(q: Question) -> list[object]:
    source = q.source
    options = list(q.options) + [None] * (MAX_OPTIONS - len(q.options))
    yes_no = {True: "Có", False: "Không"}
    return [
        q.code,
        q.topic,
        q.difficulty.label,
        q.text,
        *options,
        q.answer_letters,
        yes_no[q.multiple],
        yes_no[q.keep_order],
        q.points,
        q.explanation,
        *(
            (source.citation, source.document, source.issued, source.expired, source.replaced_by, source.url)
            if source
            else (None,) * 6
        ),
    ]


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, str):
        return text_cell(sheet, value) if value else None
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, datetime.combine(value, datetime.min.time()))
        cell.number_format = "dd/mm/yyyy"
        return cell
    return value


def text_cell(sheet: WriteOnlyWorksheet, value: str, *, bold: bool = False) -> object:
    """A string cell that stays a string: openpyxl would otherwise store
    "= 2 + 3" as a formula and "#N/A" as an error. Control characters, which
    an .xlsx cannot hold, are dropped."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not bold and not value.startswith("=") and value not in ERROR_CODES:
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _widths(sheet: WriteOnlyWorksheet, widths: Sequence[int]) -> None:
    """Column widths; openpyxl supports them in write-only mode, its type stubs omit the attribute."""
    dimensions = sheet.column_dimensions  # type: ignore[attr-defined]
    for i, width in enumerate(widths):
        dimensions[column_letter(i)].width = width


def _write_guide(sheet: WriteOnlyWorksheet) -> None:
    _widths(sheet, [22, 12, 90])
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([text_cell(sheet, t, bold=True) for t in ("Cột", "Bắt buộc", "Cách ghi")])
    for column in COLUMNS:
        help_cell = WriteOnlyCell(sheet, column.help)
        help_cell.alignment = wrap
        sheet.append([column.title, "Có" if column.required else "", help_cell])
    sheet.append([])
    for note in (
        "Mỗi dòng của trang «Câu hỏi» là một câu; dòng tiêu đề có thể nằm dưới một hai dòng tên ngân hàng.",
        "Tiêu đề cột có thể viết tiếng Việt hoặc tiếng Anh, có dấu hoặc không, theo thứ tự bất kỳ.",
        "Không dùng công thức và không gộp ô ở dòng tiêu đề; mỗi ô ghi giá trị.",
    ):
        sheet.append([note])

"""Spreadsheets a committee downloads: a round's attempts, its results (the
stored standings) and a contest's participants, as CSV or xlsx, with
Vietnamese headers.

A text cell that a spreadsheet would run as a formula (one beginning with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return: OWASP's CSV injection)
is written as text: in CSV behind a ``'``, in xlsx as a string cell (never a
formula). Rows come in batches and are written as they come, so an export of
any size takes bounded memory: CSV as text chunks, xlsx through openpyxl's
write-only mode into a temporary file.

Columns marked personal (phone, identification number, email, birth year)
are written only for someone who may see personal data.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Generic, TypeVar
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from contest.domain.banks.xlsx_format import text_cell
from contest.domain.durations import whole_seconds
from contest.domain.models import AttemptStatus

FORMATS = ("xlsx", "csv")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 64 * 1024
_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

STATUS_NAMES = {
    AttemptStatus.IN_PROGRESS: "Đang làm",
    AttemptStatus.SUBMITTED: "Đã nộp",
    AttemptStatus.EXPIRED: "Hết giờ",
}


@dataclass(frozen=True, slots=True)
class Person:
    """Who a row is about, as the contest knows them."""

    full_name: str
    phone: str | None
    cccd: str | None
    email: str | None
    birth_year: int | None
    area: str
    unit: str


@dataclass(frozen=True, slots=True)
class ExportedAttempt:
    id: int
    person: Person
    number: int
    status: AttemptStatus
    started_at: datetime
    submitted_at: datetime | None
    correct: int | None
    total: int | None
    score: int | None
    duration_ms: int | None
    prediction: int | None


@dataclass(frozen=True, slots=True)
class ExportedParticipant:
    user_id: int
    person: Person
    joined_at: datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class ExportedResult:
    """One row of a round's stored standings (``domain/ranking.py`` ranked
    it when the judges moved the round on), with who it is."""

    rank: int
    person: Person
    score: int
    correct: int
    total: int
    duration_ms: int
    submitted_at: datetime
    prediction: int | None
    error: int | None
    attempt_id: int


Cell = str | int | float | date | datetime | None
Row = TypeVar("Row")


@dataclass(frozen=True, slots=True)
class Column(Generic[Row]):
    title: str
    value: Callable[[Row], Cell]
    personal: bool = False


CCCD, EMAIL, AREA, UNIT = "Số định danh cá nhân", "Email", "Nơi cư trú", "Đơn vị công tác"
"""A person's fields as the registration form names them, in every export."""


def _person_columns(of: Callable[[Row], Person]) -> list[Column[Row]]:
    return [
        Column("Họ và tên", lambda r: of(r).full_name),
        Column("Số điện thoại", lambda r: of(r).phone, personal=True),
        Column(CCCD, lambda r: of(r).cccd, personal=True),
        Column(EMAIL, lambda r: of(r).email, personal=True),
        Column("Năm sinh", lambda r: of(r).birth_year, personal=True),
        Column(AREA, lambda r: of(r).area),
        Column(UNIT, lambda r: of(r).unit),
    ]


def _seconds(ms: int | None) -> int | None:
    """Whole seconds, as every page shows a time taken (:func:`~contest.domain.durations.whole_seconds`)."""
    return None if ms is None else whole_seconds(ms)


ATTEMPT_COLUMNS: list[Column[ExportedAttempt]] = [
    Column("Mã bài", lambda a: a.id),
    *_person_columns(lambda a: a.person),
    Column("Lượt", lambda a: a.number),
    Column("Trạng thái", lambda a: STATUS_NAMES[a.status]),
    Column("Bắt đầu", lambda a: a.started_at),
    Column("Nộp bài", lambda a: a.submitted_at),
    Column("Số câu đúng", lambda a: a.correct),
    Column("Số câu", lambda a: a.total),
    Column("Điểm", lambda a: a.score),
    Column("Thời gian làm (giây)", lambda a: _seconds(a.duration_ms)),
    Column("Dự đoán", lambda a: a.prediction),
]

PARTICIPANT_COLUMNS: list[Column[ExportedParticipant]] = [
    Column("Mã thí sinh", lambda p: p.user_id),
    *_person_columns(lambda p: p.person),
    Column("Ngày tham gia", lambda p: p.joined_at),
    Column("Số lượt thi", lambda p: p.attempts),
]


RESULT_COLUMNS: list[Column[ExportedResult]] = [
    Column("Hạng", lambda r: r.rank),
    *_person_columns(lambda r: r.person),
    Column("Điểm", lambda r: r.score),
    Column("Số câu đúng", lambda r: r.correct),
    Column("Số câu", lambda r: r.total),
    Column("Thời gian làm (giây)", lambda r: _seconds(r.duration_ms)),
    Column("Nộp bài", lambda r: r.submitted_at),
    Column("Dự đoán", lambda r: r.prediction),
    Column("Sai lệch dự đoán", lambda r: r.error),
    Column("Mã bài", lambda r: r.attempt_id),
]


def visible(columns: Sequence[Column[Row]], *, personal: bool) -> list[Column[Row]]:
    """The columns someone may read: all with ``personal``, else those not personal."""
    return [c for c in columns if personal or not c.personal]


def neutralise(text: str) -> str:
    """CSV text a spreadsheet will show as text: a leading ``'`` before a
    cell that would otherwise start a formula."""
    return "'" + text if text.startswith(_DANGEROUS) else text


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(_VIETNAM).strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def csv_header(columns: Sequence[Column[Row]]) -> str:
    """The header line, behind a UTF-8 byte order mark so Excel reads the
    diacritics right."""
    return "\ufeff" + _csv_lines([[c.title for c in columns]])


def csv_rows(columns: Sequence[Column[Row]], rows: Iterable[Row]) -> str:
    """One batch of rows as CSV lines (times in Vietnam, dd/mm/yyyy hh:mm:ss)."""
    return _csv_lines([[_csv_value(c.value(r)) for c in columns] for r in rows])


def _csv_lines(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


class XlsxWriter(Generic[Row]):
    """One sheet written row by row in openpyxl's write-only mode (rows go to
    a temporary file, not memory); :meth:`finish` zips the workbook into a
    temporary file and :meth:`chunks` reads it back in pieces."""

    def __init__(self, columns: Sequence[Column[Row]], *, sheet: str) -> None:
        self._columns = columns
        self._workbook = openpyxl.Workbook(write_only=True)
        self._sheet: WriteOnlyWorksheet = self._workbook.create_sheet(sheet)
        self._sheet.freeze_panes = "A2"
        self._sheet.append([text_cell(self._sheet, c.title, bold=True) for c in columns])
        self._file: IO[bytes] | None = None

    def add(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self._sheet.append([self._cell(c.value(row)) for c in self._columns])

    def _cell(self, value: Cell) -> object:
        if isinstance(value, str):
            return text_cell(self._sheet, value) if value else None
        if isinstance(value, datetime):
            cell = WriteOnlyCell(self._sheet, value.astimezone(_VIETNAM).replace(tzinfo=None))
            cell.number_format = "dd/mm/yyyy hh:mm:ss"
            return cell
        return value

    def finish(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by chunks() once read
        self._workbook.save(self._file)
        self._file.seek(0)

    def chunks(self) -> Iterator[bytes]:
        """The finished file in pieces of 64 KiB; closes it at the end."""
        if self._file is None:
            raise RuntimeError("finish() first")
        with self._file:
            while chunk := self._file.read(_CHUNK):
                yield chunk

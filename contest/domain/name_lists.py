"""A contest's registration lists (areas, units) read from a file an
organiser has: xlsx or CSV with a name, an optional parent (the province of a
commune, since the 2025 reorganisation often the only level above) and an
optional headcount (for a unit).

The file goes through the bank readers' safe handling: the zip is checked for
bombs and macros (:func:`~contest.domain.banks.ooxml.open_package`), openpyxl
reads it read-only, CSV is decoded as Excel writes it
(:func:`~contest.domain.banks.encoding.decode_table`). A two-level list gives
each area as ``Tỉnh > Xã``, as the console's text box takes it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import openpyxl

from contest.domain.banks.common import BankError
from contest.domain.banks.diacritics import strip_accents
from contest.domain.banks.encoding import decode_table
from contest.domain.banks.ooxml import open_package
from contest.domain.numbers import int_or_none
from contest.errors import Invalid

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
SEPARATOR = " > "
T = TypeVar("T")

_NAME = {"ten", "name", "ten don vi", "ten dia ban", "xa", "phuong", "don vi", "dia ban", "noi cu tru"}
_PARENT = {"thuoc", "parent", "tinh", "cap tren", "tinh thanh pho", "huyen"}
_HEADCOUNT = {"so nguoi", "headcount", "so can bo", "quan so", "so luong"}


@dataclass(frozen=True, slots=True)
class Listed:
    name: str
    headcount: int | None = None


def grouped(names: Iterable[tuple[T, str]]) -> list[tuple[str, list[tuple[T, str]]]]:
    """A list as a page shows it: each item's own name under its parent
    (``Tỉnh > Xã`` gives ``Xã`` under ``Tỉnh``), parents in the order they
    first appear; items without a parent under ``""``. ``names`` pairs each
    item with its full name."""
    groups: dict[str, list[tuple[T, str]]] = {}
    for item, name in names:
        parent, separator, own = name.partition(SEPARATOR)
        groups.setdefault(parent if separator else "", []).append((item, own if separator else name))
    return list(groups.items())


def read_name_list(filename: str, data: bytes, *, field: str) -> list[Listed]:
    """The list in an .xlsx or .csv file: one row each, a header row naming
    the columns (``Tên``, ``Thuộc``, ``Số người``; without a header: name,
    parent, headcount). :class:`Invalid` ``{field: message}`` for a file that
    is too large, of another kind, damaged, or lists nothing."""
    try:
        if len(data) > MAX_BYTES:
            raise BankError(f"Tệp lớn hơn giới hạn {MAX_BYTES // (1024 * 1024)} MB.")
        name = filename.lower()
        if name.endswith(".xlsx"):
            rows = _xlsx_rows(data)
        elif name.endswith((".csv", ".txt")):
            rows = _csv_rows(data)
        else:
            raise BankError("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")
        listed = _listed(rows)
    except BankError as exc:
        raise Invalid({field: f"Tệp «{filename}»: {exc}"}) from None
    if not listed:
        raise Invalid({field: f"Tệp «{filename}» không có dòng nào có tên."})
    return listed


def _xlsx_rows(data: bytes) -> list[tuple[object, ...]]:
    with open_package(data), warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a corrupt part
            raise BankError("tệp .xlsx bị hỏng, không mở được bằng Excel.") from exc
        try:
            sheet = workbook.worksheets[0]
            rows: list[tuple[object, ...]] = []
            for row in sheet.iter_rows(values_only=True):
                rows.append(tuple(row))
                if len(rows) > MAX_ROWS:
                    raise BankError(f"quá {MAX_ROWS:,} dòng.".replace(",", "."))
            return rows
        finally:
            workbook.close()


def _csv_rows(data: bytes) -> list[tuple[object, ...]]:
    """Rows of a CSV as Excel writes it: by commas, or by semicolons (Excel
    with Vietnamese regional settings), or tabs ("Unicode text")."""
    text = decode_table(data)
    first = text.partition("\n")[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows: list[tuple[object, ...]] = [tuple(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    if len(rows) > MAX_ROWS:
        raise BankError(f"quá {MAX_ROWS:,} dòng.".replace(",", "."))
    return rows


def _text(value: object) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value)).strip()


def _columns(header: Sequence[object]) -> tuple[int, int | None, int | None] | None:
    """(name, parent, headcount) column indexes when ``header`` names them."""
    titles = [" ".join(strip_accents(_text(cell)).lower().split()) for cell in header]
    name = next((i for i, t in enumerate(titles) if t in _NAME), None)
    if name is None:
        return None
    parent = next((i for i, t in enumerate(titles) if t in _PARENT), None)
    headcount = next((i for i, t in enumerate(titles) if t in _HEADCOUNT), None)
    return name, parent, headcount


def _listed(rows: Iterable[Sequence[object]]) -> list[Listed]:
    rows = [row for row in rows if any(_text(cell) for cell in row)]
    if not rows:
        return []
    columns = _columns(rows[0])
    if columns is None:
        columns = (0, 1, 2)
    else:
        rows = rows[1:]
    name_at, parent_at, headcount_at = columns
    listed = []
    for row in rows:

        def cell(i: int | None, row: Sequence[object] = row) -> str:
            return _text(row[i]) if i is not None and i < len(row) else ""

        name, parent = cell(name_at), cell(parent_at)
        if not name:
            continue
        raw = cell(headcount_at)
        headcount = int_or_none(raw.removesuffix(".0"), minimum=1) if raw else None
        listed.append(Listed(name=f"{parent}{SEPARATOR}{name}" if parent else name, headcount=headcount))
    return listed

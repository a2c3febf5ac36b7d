"""Cells drawn as Excel shows them (``cell_format.display``), in Vietnamese
conventions, checked on values and on cells written and read back by openpyxl."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest

from contest.domain.banks.cell_format import display

CASES = [
    (0.5, "0%", "50%"),
    (0.123, "0.0%", "12,3%"),
    (time(7, 30), "h:mm", "7:30"),
    (time(7, 30), "hh:mm:ss", "07:30:00"),
    (time(19, 5), "h:mm AM/PM", "7:05 CH"),
    (time(9, 5), "h:mm AM/PM", "9:05 SA"),
    (timedelta(hours=27, minutes=5), "[h]:mm", "27:05"),
    (1500000, "#,##0", "1.500.000"),
    (1500000.5, "#,##0.00", "1.500.000,50"),
    (1234567, "#,##0,", "1.235"),
    (2.34, "General", "2,34"),
    (3.0, "General", "3"),
    (1e20, "General", "1E+20"),
    (2.5, "0.0", "2,5"),
    (2.0, "0.##", "2"),
    (1, "000", "001"),
    (50000, '#,##0 "đ"', "50.000 đ"),
    (50000, "#,##0 [$₫-42A]", "50.000 ₫"),
    (-1500, "#,##0", "-1.500"),
    (-5, "#,##0;[Red]-#,##0", "-5"),
    (-5, "#,##0;(#,##0)", "(5)"),
    (0, '#,##0;-#,##0;"-"', "-"),
    (12345.678, "0.00E+00", "12345,678"),
    (7, "@", "7"),
    ("Hà Nội", "@", "Hà Nội"),
    (True, "General", "TRUE"),
    (datetime(2024, 3, 5), "mm-dd-yy", "05/03/2024"),
    (datetime(2024, 3, 5), "d-mmm-yy", "05/03/2024"),
    (datetime(2024, 3, 5), "mmm-yy", "03/2024"),
    (datetime(2024, 3, 5), "yyyy", "2024"),
    (date(2024, 3, 5), "dd/mm/yyyy", "05/03/2024"),
    (datetime(2024, 3, 5, 7, 30), "dd/mm/yyyy hh:mm", "05/03/2024 07:30"),
    (float("inf"), "#,##0", "INF"),
]


@pytest.mark.parametrize(("value", "number_format", "shown"), CASES)
def test_display_value_through_its_number_format(value: object, number_format: str, shown: str) -> None:
    assert display(value, number_format) == shown


def test_display_cells_written_and_read_back_by_openpyxl() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    values = [(v, f) for v, f, _ in CASES if not isinstance(v, str | bool) and v != float("inf")]
    for column, (value, number_format) in enumerate(values, start=1):
        cell = sheet.cell(row=1, column=column, value=value)
        cell.number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    read = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    (row,) = read.worksheets[0].iter_rows()
    expected = [s for v, _, s in CASES if not isinstance(v, str | bool) and v != float("inf")]
    assert [display(c.value, c.number_format) for c in row] == expected

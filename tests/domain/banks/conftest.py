"""Fixtures for the bank readers: the Moodle files in shared/, and small
workbooks built in memory (crafted inputs are made here, never committed)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest


def _fixtures() -> Path | None:
    """Moodle's files are GPL test data kept outside this repository (see
    shared/fixtures/MANIFEST.md): beside the checkout, where this project's
    machines keep them, or wherever CONTEST_SHARED_FIXTURES points."""
    repo = Path(__file__).resolve().parents[3]
    candidates = [repo.parent / "shared" / "fixtures", Path("/work/shared/fixtures")]
    if os.environ.get("CONTEST_SHARED_FIXTURES"):
        candidates.insert(0, Path(os.environ["CONTEST_SHARED_FIXTURES"]))
    return next((c for c in candidates if (c / "moodle").is_dir()), None)


@pytest.fixture
def moodle() -> Callable[[str], bytes]:
    """The bytes of one Moodle fixture, e.g. ``moodle("gift/examples.txt")``.
    Missing fixtures skip on a laptop but fail under CI."""
    found = _fixtures()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("shared/fixtures/moodle is missing: set CONTEST_SHARED_FIXTURES")
        pytest.skip("shared/fixtures/moodle is not on this machine (set CONTEST_SHARED_FIXTURES)")
    return lambda name: (found / "moodle" / name).read_bytes()


@pytest.fixture
def workbook() -> Callable[..., bytes]:
    """An .xlsx with one sheet per entry of ``sheets`` (title -> rows), built
    with openpyxl's full mode so that merged cells and formulas can be set;
    ``merge`` lists ranges to merge on the first sheet."""

    def build(sheets: dict[str, Sequence[Sequence[object]]], merge: Sequence[str] = ()) -> bytes:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
        for cells in merge:
            book.worksheets[0].merge_cells(cells)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    return build

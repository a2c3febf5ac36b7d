"""CSV and tab-separated text: the same layout as the .xlsx template.

Organisers get CSV from "Save as" in Excel, which writes UTF-8 with a BOM,
UTF-16 tab-separated "Unicode text", or the machine's legacy code page
(Windows-1258 on Vietnamese Windows); :func:`decode_table` sorts these out.
Excel also writes ";" instead of "," where the decimal mark is a comma, so
the delimiter is whichever of comma, semicolon and tab yields a header row.
"""

from __future__ import annotations

import csv
import io
from itertools import islice

from contest.domain.banks.common import BankError, ParsedBank, Progress
from contest.domain.banks.encoding import decode_table
from contest.domain.banks.tabular import HEADER_SEARCH_ROWS, MISSING_HEADER, Header, find_header, read_rows

_DELIMITERS = ("\t", ";", ",")


def parse_csv(data: bytes, *, progress: Progress | None = None) -> ParsedBank:
    """Read a CSV (or tab-separated) bank; row numbers are records, as Excel
    numbers the rows when it opens the file (progress counts them against the
    number of lines, which a quoted line break can make a little larger)."""
    text = decode_table(data)
    delimiter, header = _sniff(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = enumerate(records, start=1)
        return read_rows(
            header,
            ((n, r) for n, r in rows if n > header.line),
            [],
            progress=progress,
            total=text.count("\n") + (not text.endswith("\n")),
        )
    except csv.Error as exc:
        raise BankError(_unreadable(records.line_num, exc)) from None


def _unreadable(line: int, exc: csv.Error) -> str:
    """The csv module's complaint, in Vietnamese, with the line it stopped at."""
    text = str(exc)
    if "field larger than field limit" in text:
        reason = f"một ô dài quá {csv.field_size_limit():,} ký tự".replace(",", ".")
    elif "NUL" in text:
        reason = "có ký tự NUL (tệp có thể là tệp nhị phân)"
    elif "new-line character" in text:
        reason = "có dấu xuống dòng trong một ô không đặt trong ngoặc kép"
    else:
        reason = "dấu ngoặc kép hoặc dấu phân cách không khớp"
    return f"Tệp CSV không đọc được ở dòng {line}: {reason}."


def _sniff(text: str) -> tuple[str, Header]:
    best: tuple[int, str, Header] | None = None
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            top = list(islice(reader, HEADER_SEARCH_ROWS))
        except csv.Error as exc:
            raise BankError(_unreadable(reader.line_num, exc)) from None
        header = find_header(list(enumerate(top, start=1)))
        if header is not None and (best is None or len(header.index) > best[0]):
            best = (len(header.index), delimiter, header)
    if best is None:
        raise BankError(MISSING_HEADER)
    return best[1], best[2]

"""Reading an uploaded bank without holding up the server, and once per file.

Reading a 10,000-row workbook and writing its quality report is seconds of
pure Python: run on the event loop it would stop every participant's saves
for that long, and a thread would still hold the interpreter lock most of
the time. So a file of more than :data:`IN_PROCESS_BYTES` is read in a
separate process, given :data:`READ_SECONDS` before it is stopped; a small
file is read in a thread (a fraction of a second). What was read is kept,
keyed by the file's SHA-256 and the day its sources are judged on, so the
preview's every view and the confirmation do not read the file again (a
node that has not seen the file reads it once).
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from contest.domain.banks.common import BankError, ParsedBank
from contest.domain.banks.quality import QualityReport
from contest.domain.banks.quality import report as quality_report
from contest.domain.banks.reader import read_bank
from contest.errors import BadRequest

IN_PROCESS_BYTES = 64 * 1024
"""Files up to this size are read in a thread; larger ones in a process."""

READ_SECONDS = 120
"""The longest a file may take to read and report on (a 10,000-row .xlsx
takes about 15 s); past it the reading process is stopped and the file
refused."""

PROCESSES = 2
"""At most this many files are read in processes at once; others wait."""

KEPT = 8
"""How many files' readings each process keeps."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A file as read (:func:`~contest.domain.banks.reader.read_bank`) and its quality report."""

    parsed: ParsedBank
    quality: QualityReport


def content_hash(data: bytes) -> str:
    """The SHA-256 of an upload, hex: what the confirmation form carries to
    name the very file that was previewed."""
    return hashlib.sha256(data).hexdigest()


def read_and_report(filename: str, data: bytes, max_bytes: int, on: date) -> Reading:
    """Read ``data`` and report on it (sources judged ``on``); raises
    :class:`BankError`. Module-level so that a process can run it."""
    parsed = read_bank(filename, data, max_bytes=max_bytes)
    return Reading(parsed, quality_report(parsed.questions, on=on))


def _in_process(filename: str, data: bytes, max_bytes: int, on: date, seconds: float) -> Reading:
    with multiprocessing.get_context("spawn").Pool(1) as pool:  # leaving the block terminates the process
        result: Reading = pool.apply_async(read_and_report, (filename, data, max_bytes, on)).get(seconds)
        return result


class BankReader:
    """Reads uploads off the event loop and keeps the last :data:`KEPT` readings."""

    def __init__(self, *, max_bytes: int, in_process_bytes: int = IN_PROCESS_BYTES) -> None:
        self._max_bytes = max_bytes
        self._in_process_bytes = in_process_bytes
        self._kept: OrderedDict[tuple[str, str, date], Reading] = OrderedDict()
        self._slots = asyncio.Semaphore(PROCESSES)

    async def read(self, filename: str, data: bytes, *, on: date) -> Reading:
        """The file read and reported on; :class:`BadRequest`
        (``unreadable_bank``) when it cannot be read, or not within
        :data:`READ_SECONDS`."""
        key = (content_hash(data), filename, on)
        if (kept := self._kept.get(key)) is not None:
            self._kept.move_to_end(key)
            return kept
        try:
            if len(data) <= self._in_process_bytes:
                reading = await asyncio.to_thread(read_and_report, filename, data, self._max_bytes, on)
            else:
                async with self._slots:
                    reading = await asyncio.to_thread(_in_process, filename, data, self._max_bytes, on, READ_SECONDS)
        except BankError as exc:
            raise BadRequest(str(exc), code="unreadable_bank") from None
        except multiprocessing.TimeoutError:
            raise BadRequest(
                f"Đọc tệp quá {READ_SECONDS} giây nên đã dừng: tệp quá lớn hoặc quá phức tạp. "
                "Hãy chia ngân hàng thành nhiều tệp nhỏ hơn.",
                code="unreadable_bank",
            ) from None
        self._kept[key] = reading
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        return reading

"""Storage reports facts (``contest/storage/facts.py``); services word them
for the people who read them, as typed errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from contest.errors import Conflict, NotFound
from contest.storage.facts import AttemptsUsed, Missing, Thing

_MISSING = {
    Thing.ATTEMPT: "Không tìm thấy bài thi.",
    Thing.BANK: "Không tìm thấy ngân hàng câu hỏi.",
    Thing.BANK_VERSION: "Không tìm thấy phiên bản ngân hàng câu hỏi.",
    Thing.BANK_VERSION_NUMBER: "Ngân hàng câu hỏi không có phiên bản {key}.",
    Thing.UPLOAD: "Không tìm thấy tệp đã tải lên (có thể đã được xác nhận hoặc hủy).",
    Thing.ROUND: "Không tìm thấy vòng thi.",
}


def not_found(missing: Missing) -> NotFound:
    """The error a participant or organiser reads for a row that is not there."""
    return NotFound(_MISSING[missing.thing].format(key=missing.key))


def no_attempts_left(used: AttemptsUsed) -> Conflict:
    return Conflict(f"Bạn đã dùng hết {used.allowed} lượt thi của vòng này.", code="no_attempts_left")


@contextmanager
def reported() -> Iterator[None]:
    """Storage facts raised inside become the typed errors people read."""
    try:
        yield
    except Missing as missing:
        raise not_found(missing) from None
    except AttemptsUsed as used:
        raise no_attempts_left(used) from None

"""Writing a bank out, in the formats an organiser can edit and upload again.

Each writer is the inverse of its reader: exporting and importing again gives
equal :class:`Question` objects (tests/domain/banks check this per format).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from contest.domain.banks.gift_format import write_gift
from contest.domain.banks.json_format import write_json
from contest.domain.banks.xlsx_format import write_xlsx
from contest.domain.models import Question

_WRITERS: dict[str, Callable[[Sequence[Question]], bytes]] = {
    "xlsx": write_xlsx,
    "json": write_json,
    "gift": write_gift,
}
FORMATS: tuple[str, ...] = tuple(_WRITERS)
"""Export format names, in the order pages offer them."""


def write_bank(questions: Sequence[Question], fmt: str) -> bytes:
    """The bank as a file in ``fmt`` ("xlsx", "json" or "gift")."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"Định dạng xuất «{fmt}» không được hỗ trợ (chọn {', '.join(FORMATS)}).") from None
    return writer(questions)

"""What a participant may send as an answer, checked before it is stored."""

from __future__ import annotations

from collections.abc import Collection

from contest.domain.numbers import parse_int
from contest.errors import Invalid

PREDICTION_MAX = 100_000_000
"""Predictions are counts of people; contests cap them (Ninh Bình: below 10^8)."""


def check_choice(*, option_ids: Collection[int], multiple: bool, chosen: object) -> frozenset[int]:
    """The chosen option ids as a set, or :class:`Invalid` (field ``options``)
    when they are not ids of this question or a single-answer question gets
    more than one. Ids are JSON numbers that are whole (``2`` or ``2.0``, as
    the API document's ``integer`` allows). An empty choice clears the answer."""
    if not isinstance(chosen, list | tuple) or any(isinstance(c, str) for c in chosen):
        raise Invalid({"options": "Phương án phải là danh sách mã phương án (số nguyên)."})
    picked = frozenset(parse_int(c, field="options", label="Mã phương án") for c in chosen)
    if not picked <= frozenset(option_ids):
        raise Invalid({"options": "Có phương án không thuộc câu hỏi này."})
    if len(picked) > 1 and not multiple:
        raise Invalid({"options": "Câu hỏi này chỉ được chọn một phương án."})
    return picked


def check_prediction(value: object) -> int:
    """A prediction as an int between 0 and :data:`PREDICTION_MAX`, from a
    JSON number or the digits typed in a form; :class:`Invalid` (field
    ``prediction``) otherwise."""
    return parse_int(value, field="prediction", label="Câu dự đoán", minimum=0, maximum=PREDICTION_MAX)

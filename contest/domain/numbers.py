"""The one reader of whole numbers that come from people, URLs and files.

``str.isdigit()`` is true for "²", "①" and Arabic-Indic digits, which ``int()``
then refuses or reads as other numbers; every integer the platform reads from
outside goes through :func:`parse_int`, which takes ASCII digits only (an
optional ``-`` where negatives are allowed), or a JSON number that is whole,
and answers a typed 422 with a Vietnamese message for anything else."""

from __future__ import annotations

import re

from contest.errors import Invalid

_DIGITS = re.compile(r"-?[0-9]{1,18}")
EXACT_FLOAT = 2**53
"""Beyond this a float has lost digits: 9007199254740993.0 is not that number."""
INT_MAX = 2**63 - 1
"""The largest whole number a database integer holds (PostgreSQL ``BIGINT``,
SQLite ``INTEGER``): the JSON body reader refuses any integer beyond it, and
a use case keeps a narrower column (``INTEGER``, 2**31 - 1) in range by its
own limit."""


def parse_int(
    value: object,
    *,
    field: str,
    label: str,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """``value`` as an int in [``minimum``, ``maximum``].

    ``value`` may be an int (not a bool), a whole float below 2**53 (JSON has
    one number type: ``42.0`` is 42, as JSON Schema's ``integer`` says) or a
    string of ASCII digits with surrounding spaces; a bool, ``1.5``, "²",
    "1.5", "1e3" or an empty string raise :class:`Invalid` with
    ``{field: message}``, the message naming ``label`` (the field as the
    person sees it, in Vietnamese) and the range."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer() and abs(value) < EXACT_FLOAT:
        number = int(value)
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None or (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise Invalid({field: _message(label, minimum, maximum)})
    return number


def parse_int_at(
    value: object,
    *,
    field: str,
    where: str | None,
    label: str,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """:func:`parse_int` for a member of a JSON list or object: ``where`` is
    its path inside ``field`` (``"first"`` in ``{"prizes": {"first": …}}``)
    and the message starts with it (``{"prizes": "prizes.first: …"}``), as
    ``contest/web/bodies.py`` names a problem inside a field; ``None`` (the
    number came from a form's own field) reads as :func:`parse_int`."""
    try:
        return parse_int(value, field=field, label=label, minimum=minimum, maximum=maximum)
    except Invalid as exc:
        if where is None:
            raise
        raise Invalid({field: f"{field}.{where}: {exc.errors[field]}"}) from None


def int_or_none(value: object, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """Like :func:`parse_int` for optional values (a page number in a URL, a
    choice in a list): the number, or ``None`` when ``value`` is not one."""
    try:
        return parse_int(value, field="", label="", minimum=minimum, maximum=maximum)
    except Invalid:
        return None


def _message(label: str, minimum: int | None, maximum: int | None) -> str:
    def dotted(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    if minimum is not None and maximum is not None:
        return f"{label} cần là một số nguyên từ {dotted(minimum)} đến {dotted(maximum)}."
    if minimum is not None:
        return f"{label} cần là một số nguyên không nhỏ hơn {dotted(minimum)}."
    if maximum is not None:
        return f"{label} cần là một số nguyên không lớn hơn {dotted(maximum)}."
    return f"{label} cần là một số nguyên (chỉ gồm các chữ số 0–9)."

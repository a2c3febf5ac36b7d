"""Free text people send (titles, descriptions, reasons, complaints, names,
bank questions): how it is stored and what cannot be stored.

Every text a participant or a staff member types is read by
:func:`read_text`, the one place that refuses what no page can show safely
or PostgreSQL can store (a NUL, other control characters, direction
controls, half a UTF-16 pair: :func:`refused_character`) and that stores
the rest NFC-normalised without invisible characters (:func:`clean_text`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TypeVar

from contest.errors import Invalid

INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
"""Characters that show nothing (soft hyphen, zero-width space, non-joiner,
joiner, word joiner, BOM): removed from every text, so "Có" and "Có\u200d",
"Q-1" and "Q-1\u2060" are the same text (and a duplicate of each other)."""

REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""The characters :func:`refused_character` names other than half a UTF-16
pair, as a regular expression's character class (control characters but
line breaks and tab, direction controls)."""

_REFUSED = re.compile(f"[{REFUSED}\ud800-\udfff]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: object) -> str:
    """Text as we store it: NFC-normalised, :data:`INVISIBLE` characters
    removed, outer whitespace trimmed, inner runs of spaces kept (a question
    may rely on line breaks). A text empty once cleaned is empty. What
    :func:`refused_character` names is not removed here: callers refuse it."""
    if value is None:
        return ""
    text = INVISIBLE.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text).strip()


def refused_character(text: str) -> str | None:
    """Why ``text`` cannot be stored, in Vietnamese, or None: a direction
    control (U+202E turns the text shown around), a control character other
    than a line break or tab (BEL, ESC…), or half of a UTF-16 pair (a lone
    surrogate, which no page or database can encode)."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    char = found[0]
    name = f"U+{ord(char):04X}"
    if _BIDI.fullmatch(char):
        return f"Có ký tự điều khiển hướng chữ ({name}), có thể làm chữ hiển thị bị đảo: hãy xóa ký tự này."
    if 0xD800 <= ord(char) <= 0xDFFF:
        return f"Có ký tự hỏng ({name}, nửa cặp UTF-16): hãy gõ lại đoạn chữ này."
    return f"Có ký tự điều khiển không in được ({name}): hãy xóa ký tự này."


K = TypeVar("K", bound=str)
NOT_TEXT = "Mục này là một đoạn chữ."


def read_text(value: object, *, field: str, one_line: bool = False) -> str:
    """``value`` as it is stored (:func:`clean_text`; with ``one_line``, every
    run of white space one space): None is empty; anything but a string (a
    number, true, a list) or a string :func:`refused_character` names is
    :class:`Invalid` naming ``field``. Lengths and whether the text is
    required are the caller's rule."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid({field: NOT_TEXT})
    if reason := refused_character(value):
        raise Invalid({field: reason})
    text = clean_text(value)
    return " ".join(text.split()) if one_line else text


def read_choice(value: object, *, field: str, choices: Mapping[K, str]) -> K:
    """The one of ``choices`` (value → Vietnamese label) that ``value`` is:
    anything else, a list, an object, a number or null included, is
    :class:`Invalid` naming ``field`` and listing the values that are taken,
    each with its label (``"Chọn một trong: first (Lượt đầu tiên), …"``): what
    an API client must send, and what a person chose from."""
    found = next((key for key in choices if isinstance(value, str) and key == value), None)
    if found is None:
        listed = (f"{key} ({label})" for key, label in choices.items())
        raise Invalid({field: "Chọn một trong: " + ", ".join(listed) + "."})
    return found

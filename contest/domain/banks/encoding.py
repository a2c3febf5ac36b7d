"""Turning uploaded bytes into text, or refusing to.

A bank read with the wrong encoding would be stored as mojibake ("Cáº¥u há»i")
and shown to every participant, so a file whose encoding cannot be decided is
refused with a message saying how to save it, never guessed at.
"""

from __future__ import annotations

import codecs
import unicodedata

from contest.domain.banks.common import BankError

_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VIETNAMESE = frozenset(
    "ăâđêôơư" + "".join(unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in _TONES)
)
"""Every non-ASCII lower-case letter of the Vietnamese alphabet."""

_SAVE_AS_UTF8 = "Hãy lưu lại tệp với mã UTF-8 (Excel: Lưu thành → «CSV UTF-8»)."


def decode_utf8(data: bytes, label: str) -> str:
    """Strict UTF-8 (a BOM is allowed and dropped), as Moodle requires of GIFT,
    Aiken and XML files; ``label`` names the format in the refusal."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BankError(f"Tệp không dùng mã hóa UTF-8. Tệp {label} phải được lưu với mã UTF-8.") from None


def decode_table(data: bytes) -> str:
    """Text of a CSV or "Unicode text" export, NFC-normalised.

    The BOM decides first (UTF-8, or UTF-16 as Excel's "Unicode text" writes
    it), then strict UTF-8. Windows-1258, the legacy Vietnamese code page, is
    tried last and kept only when the result reads as Vietnamese: every byte
    decodes in cp1258, so a German cp1252 file or a binary file would
    otherwise come out as plausible-looking garbage.
    """
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif (order := utf16_without_bom(data)) is not None:
            text = data.decode(order)
        else:
            text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _legacy_vietnamese(data)
    return unicodedata.normalize("NFC", text)


def is_utf16(data: bytes) -> bool:
    """Whether ``data`` is UTF-16 text, with a BOM or without one."""
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_bom(data) is not None


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` for UTF-16 text saved without a BOM
    (some editors do), else None. Such text holds NUL bytes, as binary files
    do; it is told apart by where they fall (the high byte of every ASCII
    character: odd positions in little-endian, even ones in big-endian) and by
    decoding to printable text: NUL in the high byte of at least a third of
    the characters (Vietnamese text is mostly ASCII letters and spaces), never
    in the low byte."""
    head = data[:8192]
    if len(data) % 2 or b"\x00" not in head:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    order = "utf-16-le" if odd > even else "utf-16-be"
    if min(odd, even) > 0 or 3 * max(odd, even) < len(head) // 2:
        return None
    try:
        text = data.decode(order)
    except UnicodeDecodeError:
        return None
    return order if "".join(text.split()).isprintable() else None


def _legacy_vietnamese(data: bytes) -> str:
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    if not text or not looks_vietnamese(text):
        raise BankError(f"Không nhận ra bảng mã của tệp (không phải UTF-8, UTF-16 hay Windows-1258). {_SAVE_AS_UTF8}")
    return text


def looks_vietnamese(text: str) -> bool:
    """Whether NFC text decoded from a legacy code page is believable Vietnamese:
    no control characters, no tone mark left without a vowel to sit on, and
    (nearly) every non-ASCII letter one of the Vietnamese alphabet's."""
    letters = 0
    vietnamese = 0
    for char in text:
        if char < "\x80":
            if char < " " and char not in "\t\n\r":
                return False
            continue
        if unicodedata.combining(char) or unicodedata.category(char) in ("Cc", "Cf", "Co"):
            return False
        if char.isalpha():
            letters += 1
            vietnamese += char.lower() in _VIETNAMESE
    return letters > 0 and vietnamese >= 0.95 * letters

"""A spreadsheet cell as the organiser sees it in Excel, in Vietnamese
conventions.

An .xlsx stores 50% as 0.5, 7:30 as a fraction of a day and 1.500.000 as
1500000; what the organiser typed and reads is the cell's value drawn through
its number format (``numFmt``, ECMA-376 Part 1, 18.8.31). :func:`display`
draws it for the formats banks use: General, fixed decimals, thousands
separators, percent, scaling commas, literal text and currency, dates, times
and elapsed times. Where the format leaves the choice to the machine's
locale, Vietnamese conventions apply (as on the organisers' Vietnamese
Windows): "." between thousands, "," before decimals, dates dd/mm/yyyy, times
on 24 hours unless the format asks for AM/PM (then "SA"/"CH").

No maintained library does this: ``ssf`` (a port of SheetJS's formatter)
was last released in 2020 and pulls six dependencies, its forks are one
person's, ``xlfmt`` is a first release with no types, and none draws
Vietnamese separators. Scientific and fraction formats, rare in banks, are
drawn as General.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

_LITERAL = re.compile(r'"([^"]*)"|\\(.)|_.|\*.|\[\$([^\]-]*)(?:-[^\]]*)?\]|\[[^\]]*\]')
"""Pieces of a format that are not placeholders: "quoted text", \\x, the
padding codes _x and *x (dropped), [$₫-42A] (its symbol kept), and any other
[…] (a colour, a condition, an elapsed-time unit, handled apart)."""
_NUMBER = re.compile(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+")
_GENERAL = re.compile(r"general", re.IGNORECASE)
_ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)
_MINUTES = re.compile(r"(?<=:)m+|m+(?=:)")
_AM_PM = re.compile(r"am/pm|a/p", re.IGNORECASE)


def display(value: object, number_format: str | None) -> str:
    """``value`` (as openpyxl reads it: a number, a date, a time, a
    duration, text or a boolean) drawn through ``number_format``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _signed(float(value), _split(number_format or "General"))
    if isinstance(value, datetime | date | time | timedelta):
        return _moment(value, _split(number_format or "")[0])
    return str(value)


def _split(fmt: str) -> list[str]:
    """A format's sections, split on ";" outside quotes and brackets."""
    sections, current, quoted, bracket = [], "", False, False
    for char in fmt:
        if char == '"':
            quoted = not quoted
        elif char == "[" and not quoted:
            bracket = True
        elif char == "]" and not quoted:
            bracket = False
        elif char == ";" and not quoted and not bracket:
            sections.append(current)
            current = ""
            continue
        current += char
    return [*sections, current]


def _signed(number: float, sections: list[str]) -> str:
    """The section that applies: the second for a negative number (its own
    "-" or parentheses are literals), the third for zero; with one section a
    negative number gets a "-" in front."""
    if number < 0 and len(sections) > 1 and sections[1]:
        return _number(-number, sections[1])
    if number == 0 and len(sections) > 2:
        return _number(0.0, sections[2])
    drawn = _number(abs(number), sections[0])
    return "-" + drawn if number < 0 and any(c in "123456789" for c in drawn) else drawn


def _literal(text: str) -> str:
    """Literal text of a format piece: quotes and escapes undone, padding
    and bracketed codes dropped, a currency code's symbol kept."""
    return _LITERAL.sub(lambda m: m[1] if m[1] is not None else m[2] or m[3] or "", text)


def _general(number: float) -> str:
    """Excel's General: a whole number without separators, otherwise up to
    ten significant digits; a decimal comma."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.10g}".upper().replace(".", ",")


def _number(number: float, section: str) -> str:
    """A magnitude (never negative) drawn through one section."""
    masked = _LITERAL.sub(lambda m: "\0" * len(m[0]), section)
    if not math.isfinite(number):
        return _general(number)
    if general := _GENERAL.search(masked):
        return _literal(section[: general.start()]) + _general(number) + _literal(section[general.end() :])
    found = _NUMBER.search(masked)
    if found is None:
        return _literal(section).replace("@", _general(number)) if section.strip() else _general(number)
    if re.search(r"[eE][+-]|/", masked):
        return _general(number)
    number *= 100 ** masked.count("%")
    integer, _, decimals = found[0].partition(".")
    number /= 1000 ** (len(integer) - len(integer.rstrip(",")))
    return _literal(section[: found.start()]) + _digits(number, integer, decimals) + _literal(section[found.end() :])


def _digits(number: float, integer: str, decimals: str) -> str:
    """``number`` with the decimals the pattern asks for ("0" always shown,
    "#" and "?" only when not zero), "." between thousands when the pattern
    has a "," between its digits, and at least as many integer digits as it
    has "0" before the point."""
    whole, _, fraction = f"{number:.{len(decimals)}f}".partition(".")
    keep = len(decimals.rstrip("#?"))
    fraction = fraction[:keep] + fraction[keep:].rstrip("0")
    whole = whole.lstrip("0").rjust(integer.count("0"), "0")
    if "," in integer.rstrip(",") and whole:
        whole = f"{int(whole):,}".replace(",", ".")
    return whole + ("," + fraction if fraction else "")


def _moment(value: datetime | date | time | timedelta, section: str) -> str:
    """A date, time or duration: the date part as dd/mm/yyyy (mm/yyyy or
    yyyy when the format shows no day, or no day and month), the time part
    as the format asks."""
    codes = _LITERAL.sub(lambda m: m[0] if _ELAPSED.fullmatch(m[0]) else "", section)
    if isinstance(value, timedelta):
        return _elapsed(value, codes)
    clock = _AM_PM.sub("", codes).lower()
    months = _MINUTES.sub("", clock)
    has_time = any(c in clock for c in "hs") or months != clock
    parts = []
    if isinstance(value, datetime | date) and (any(c in months for c in "dmy") or not has_time):
        if "d" in months or not any(c in months for c in "my"):
            parts.append(f"{value.day:02d}/{value.month:02d}/{value.year:04d}")
        elif "m" in months:
            parts.append(f"{value.month:02d}/{value.year:04d}")
        else:
            parts.append(f"{value.year:04d}")
    if isinstance(value, datetime | time) and has_time:
        parts.append(_clock(value, codes))
    return " ".join(parts)


def _clock(value: datetime | time, codes: str) -> str:
    """Hours as the format writes them ("h" or "hh", 12 hours with AM/PM,
    drawn SA/CH), then minutes and seconds if it shows them."""
    twelve = _AM_PM.search(codes) is not None
    lower = _AM_PM.sub("", codes).lower()
    hour = value.hour % 12 or 12 if twelve else value.hour
    text = f"{hour:02d}" if "hh" in lower else str(hour)
    if "m" in lower:
        text += f":{value.minute:02d}"
    if "s" in lower:
        text += f":{value.second:02d}"
    return text + ((" SA" if value.hour < 12 else " CH") if twelve else "")


def _elapsed(value: timedelta, codes: str) -> str:
    """[h]:mm, [mm]:ss and the like: the bracketed unit counts on without
    wrapping at a day or an hour."""
    seconds = int(value.total_seconds())
    unit = _ELAPSED.search(codes)
    first = unit[1][0].lower() if unit else "h"
    lower = _ELAPSED.sub("", codes).lower()
    if first == "h":
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}" + (f":{seconds % 60:02d}" if "s" in lower else "")
    if first == "m":
        return f"{seconds // 60}:{seconds % 60:02d}"
    return str(seconds)

"""Durations as people read them, stated once: every page, flag and
document that shows a time taken says it in these words with the same
rounding (whole seconds, the milliseconds dropped), so a ranking row and a
flag on it never disagree ("1 giây" beside "2 giây" for 1.921 s)."""

from __future__ import annotations

from dataclasses import dataclass

DURATION_UNITS = {"vi": ("giờ", "phút", "giây"), "en": ("h", "min", "s")}
"""Hours, minutes, seconds as a duration is read aloud; ``attempt.js`` gets the
same words for its countdown."""


DAYS = {"vi": "ngày", "en": "d"}


def whole_seconds(ms: int) -> int:
    """The whole seconds of ``ms`` (the milliseconds dropped, never below 0):
    what every page, flag and export shows of a time."""
    return max(0, ms) // 1000


def format_duration(ms: int | None, lang: str = "vi") -> str:
    """A duration as words, never like a clock time: "53 giây", "12 phút 5
    giây", "1 giờ 2 phút", "6 ngày 23 giờ" (zero parts left out; "0 giây"
    for nothing).
    Milliseconds are dropped (1,921 ms is "1 giây"): a time shown never
    exceeds the time taken, so a limit stated beside it stays true."""
    if ms is None:
        return ""
    minutes, seconds = divmod(whole_seconds(ms), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    units = (DAYS[lang], *DURATION_UNITS[lang])
    parts = [f"{n} {unit}" for n, unit in zip((days, hours, minutes, seconds), units, strict=True) if n]
    return " ".join(parts) or f"0 {DURATION_UNITS[lang][2]}"


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration in a message, said in the words of whichever language shows
    the message (:func:`format_duration`): ``str()`` and ``format()`` give the
    Vietnamese, :meth:`said` any language's."""

    ms: int

    def said(self, lang: str) -> str:
        return format_duration(self.ms, lang)

    def __str__(self) -> str:
        return format_duration(self.ms)

"""Flags that help judges find cheating, each with its reason in Vietnamese.
Flags are hints: only a judge decides (``domain/judging.py``).

- Implausibly fast: fewer than :data:`SECONDS_PER_CORRECT` seconds per
  question answered right (reading a question and its options takes longer).
- Several accounts from one address: another account in the round started an
  attempt from the same network address within :data:`NEIGHBOUR_MINUTES`
  minutes (a shared office connection does that too: a hint, no more).
- Looks like the same person: another account in the round with the same
  full name, written the same, and the same year of birth.
- Identical answers in identical order: another account's finished attempt
  in the round has the same answer sheet (:func:`sheet`): the same questions
  (by bank code) answered with the same options (by bank letter), saved in
  the same order, at least :data:`SHEET_MIN` of them, and at least one of
  them wrong as keyed at submission (a sheet entirely right is what every
  well-prepared participant sends when the round draws the same questions in
  the same order; the same mistakes in the same order are not). Each
  attempt's sheet is digested once when it is submitted, so finding the
  others is a lookup of equal digests, never a comparison of pairs; one
  submitted before digests were kept is digested from its saved answers by
  the sweeper, or before the judges see its round's flags.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from contest.domain.durations import format_duration
from contest.domain.models import DrawnKey

SECONDS_PER_CORRECT = 3
NEIGHBOUR_MINUTES = 10
SHEET_MIN = 5
"""The fewest answers a sheet needs for two of them being equal to mean anything."""
NAMES_SHOWN = 5
"""How many of the other accounts a flag names (the rest are counted)."""


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    """``fast``, ``shared_address``, ``same_person`` or ``identical_answers``:
    for programs; people read ``reason``."""
    wording: str
    """The reason with ``{…}`` where its figures go: what a page translates."""
    figures: tuple[tuple[str, int | str], ...] = ()
    """The figures ``wording`` takes, by name (counts, names)."""
    duration_ms: int | None = None
    """The time ``{time}`` in ``wording`` says, in words of the page's language."""

    def values(self, lang: str = "vi") -> dict[str, int | str]:
        """What goes into ``wording``, durations in ``lang``'s words."""
        found = dict(self.figures)
        if self.duration_ms is not None:
            found["time"] = format_duration(self.duration_ms, lang)
        return found

    @property
    def reason(self) -> str:
        """The reason in Vietnamese, figures in."""
        return self.wording.format(**self.values())


def too_fast(*, correct: int, duration_ms: int) -> Flag | None:
    """The fast flag for an attempt with ``correct`` right answers taking
    ``duration_ms``, or None."""
    if correct <= 0 or duration_ms >= correct * SECONDS_PER_CORRECT * 1000:
        return None
    return Flag(
        "fast",
        "{correct} câu đúng trong {time}: dưới {limit} giây mỗi câu đúng.",
        (("correct", correct), ("limit", SECONDS_PER_CORRECT)),
        duration_ms,
    )


def same_person(others: int) -> Flag | None:
    """The flag for an account with ``others`` other accounts in the round
    of the same name and year of birth, or None."""
    if others <= 0:
        return None
    return Flag(
        "same_person", "Trùng họ tên và năm sinh với {others} tài khoản khác trong vòng thi.", (("others", others),)
    )


def shared_address(others: int) -> Flag | None:
    """The flag for an attempt started from an address ``others`` other
    accounts of the round used within :data:`NEIGHBOUR_MINUTES`, or None."""
    if others <= 0:
        return None
    return Flag(
        "shared_address",
        "Cùng địa chỉ mạng với {others} tài khoản khác trong vòng {minutes} phút.",
        (("others", others), ("minutes", NEIGHBOUR_MINUTES)),
    )


def sheet(keys: Sequence[DrawnKey], answers: Mapping[int, frozenset[int]]) -> str | None:
    """The digest (SHA-256, hex) of an attempt's answer sheet: for each
    answered question in the order of ``answers`` (question id -> chosen
    option ids, in the order they were saved), its bank code and the bank
    letters of the options chosen. None when fewer than :data:`SHEET_MIN`
    questions were answered or none of them wrong (under ``keys``' key)."""
    by_id = {k.id: k for k in keys}
    parts, wrong = [], False
    for question, chosen in answers.items():
        key = by_id.get(question)
        if key is None or not chosen:
            continue
        wrong = wrong or chosen != key.correct
        letters = "".join(sorted(key.letters[o - 1] for o in chosen if 0 < o <= len(key.letters)))
        parts.append(f"{key.code}={letters}")
    if len(parts) < SHEET_MIN or not wrong:
        return None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def identical_answers(names: Sequence[str]) -> Flag | None:
    """The flag for an attempt whose sheet the accounts ``names`` (display
    names, for judges) also sent in the round, or None."""
    if not names:
        return None
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        return Flag(
            "identical_answers",
            "Trả lời giống hệt, cùng thứ tự (kể cả câu sai) với: {names} và {more} tài khoản khác.",
            (("names", shown), ("more", len(names) - NAMES_SHOWN)),
        )
    return Flag(
        "identical_answers", "Trả lời giống hệt, cùng thứ tự (kể cả câu sai) với: {names}.", (("names", shown),)
    )

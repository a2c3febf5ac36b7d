"""Flags that help judges find cheating, each with its reason in Vietnamese.
Flags are hints: only a judge decides (``domain/judging.py``).

- Implausibly fast: fewer than :data:`SECONDS_PER_CORRECT` seconds per
  question answered right (reading a question and its options takes longer).
- Several accounts from one address: another account in the round started an
  attempt from the same network address within :data:`NEIGHBOUR_MINUTES`
  minutes (a shared office connection does that too: a hint, no more).
- Looks like the same person: another account in the round with the same
  full name, written the same, and the same year of birth.
"""

from __future__ import annotations

from dataclasses import dataclass

SECONDS_PER_CORRECT = 3
NEIGHBOUR_MINUTES = 10


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    """``fast``, ``shared_address`` or ``same_person``: for programs; people read ``reason``."""
    reason: str


def too_fast(*, correct: int, duration_ms: int) -> Flag | None:
    """The fast flag for an attempt with ``correct`` right answers taking
    ``duration_ms``, or None."""
    if correct <= 0 or duration_ms >= correct * SECONDS_PER_CORRECT * 1000:
        return None
    seconds = duration_ms / 1000
    return Flag(
        "fast",
        f"{correct} câu đúng trong {seconds:.0f} giây: dưới {SECONDS_PER_CORRECT} giây mỗi câu đúng.",
    )


def same_person(others: int) -> Flag | None:
    """The flag for an account with ``others`` other accounts in the round
    of the same name and year of birth, or None."""
    if others <= 0:
        return None
    return Flag("same_person", f"Trùng họ tên và năm sinh với {others} tài khoản khác trong vòng thi.")


def shared_address(others: int) -> Flag | None:
    """The flag for an attempt started from an address ``others`` other
    accounts of the round used within :data:`NEIGHBOUR_MINUTES`, or None."""
    if others <= 0:
        return None
    return Flag(
        "shared_address",
        f"Cùng địa chỉ mạng với {others} tài khoản khác trong vòng {NEIGHBOUR_MINUTES} phút.",
    )

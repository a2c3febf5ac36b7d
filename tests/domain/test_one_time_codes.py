"""One-time codes as plain values: how they are made, read and bound."""

from __future__ import annotations

import secrets

from contest.domain.codes import (
    NOT_SENT,
    SENT_WITHOUT_CODE,
    Purpose,
    digest,
    mask_email,
    matches,
    new_code,
    normalize_code,
)

KEY = b"k" * 32


def test_new_code_is_six_digits_leading_zeros_kept() -> None:
    class Low:
        def randbelow(self, bound: int) -> int:
            assert bound == 1_000_000
            return 4215

    assert new_code(Low()) == "004215"
    assert all(len(c) == 6 and c.isdigit() for c in (new_code(secrets) for _ in range(50)))


def test_typed_codes_are_read_without_spaces_dots_or_dashes() -> None:
    assert [normalize_code(v) for v in ("123 456", "123.456", "12-34-56", " 004215 ")] == ["123456"] * 3 + ["004215"]
    assert [normalize_code(v) for v in ("12345", "1234567", "١٢٣٤٥٦", "abcdef", None, 123456)] == [None] * 6


def test_a_code_matches_only_its_purpose_and_target() -> None:
    stored = digest(KEY, purpose=Purpose.REGISTER, target="0912345678", code="004215")
    assert matches(stored, digest(KEY, purpose=Purpose.REGISTER, target="0912345678", code="004215"))
    assert not matches(stored, digest(KEY, purpose=Purpose.RESET, target="0912345678", code="004215"))
    assert not matches(stored, digest(KEY, purpose=Purpose.REGISTER, target="0912345679", code="004215"))
    assert not matches(stored, digest(b"x" * 32, purpose=Purpose.REGISTER, target="0912345678", code="004215"))
    assert "004215" not in stored and len(stored) == 64
    assert not matches(NOT_SENT, NOT_SENT)
    assert not matches(SENT_WITHOUT_CODE, SENT_WITHOUT_CODE)


def test_email_is_masked_but_its_domain() -> None:
    assert mask_email("nguyen.an@example.vn") == "n***@example.vn"

"""One-time codes: six digits sent by SMS (registration with a verified phone,
a password reset) or a random nonce inside an emailed link.

A code is never stored as typed: the database keeps its HMAC-SHA256 under the
site's secret key, bound to what it is for and whom it was sent to
(:func:`digest`), so a stolen database yields no usable code and a code sent
for one phone or purpose matches nothing else. Generating a code takes the
random source as an argument (services pass :mod:`secrets`).
"""

from __future__ import annotations

import hmac
import re
from enum import StrEnum
from hashlib import sha256
from typing import Protocol

from contest.domain.registration import BAD_PHONE, normalize_phone

CODE_DIGITS = 6

NOT_SENT = ""
"""The digest stored for a request answered as if a code was sent but that
sent nothing (a reset asked for no account, a phone another account holds):
nothing typed matches it, so such a row answers exactly like a wrong code, and
it is not counted in the messages a phone or email received."""
SENT_WITHOUT_CODE = "-"
"""The digest stored for a message that carried no code (the "you already
have an account" SMS): it counts as a message received; nothing matches it."""


class Purpose(StrEnum):
    REGISTER = "register"
    RESET = "reset"
    RESET_LINK = "reset_link"
    PHONE = "phone"
    """A participant's new phone, on a contest that verifies phones (``services/profiles.py``)."""


class Below(Protocol):
    def randbelow(self, exclusive_upper_bound: int, /) -> int: ...


def new_code(rng: Below) -> str:
    """Six decimal digits, leading zeros kept (``"004215"``)."""
    return f"{rng.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalize_code(value: object) -> str | None:
    """What someone typed as a code, without spaces, dots or dashes (``"123 456"``
    is ``"123456"``); None unless exactly six ASCII digits remain."""
    text = re.sub(r"[\s.\-]", "", value if isinstance(value, str) else "")
    return text if re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", text) else None


def read_phone_and_code(
    phone: object, code: object, *, sent_to: str = "điện thoại của bạn"
) -> tuple[str | None, str | None, dict[str, str]]:
    """A typed phone and code, normalised, with what is wrong with each
    (``{"phone": …, "code": …}``; the code's message says it was ``sent_to``)."""
    normal_phone, normal_code = normalize_phone(phone), normalize_code(code)
    errors = {}
    if normal_phone is None:
        errors["phone"] = BAD_PHONE
    if normal_code is None:
        errors["code"] = f"Mã xác minh gồm 6 chữ số, trong tin nhắn vừa gửi tới {sent_to}."
    return normal_phone, normal_code, errors


def digest(key: bytes, *, purpose: Purpose, target: str, code: str) -> str:
    """HMAC-SHA256 (hex) of ``code`` for ``purpose`` and ``target`` (the phone
    or email it was sent to) under ``key``."""
    return hmac.new(key, f"{purpose.value}|{target}|{code}".encode(), sha256).hexdigest()


def binding(key: bytes, *, user_id: int, email: str, password_hash: str) -> str:
    """A short HMAC-SHA256 (hex, 16 characters) of an account's state as an
    emailed reset link is bound to it: its email and password hash. A link
    carries it and is refused once either changed."""
    return hmac.new(key, f"reset-link|{user_id}|{email}|{password_hash}".encode(), sha256).hexdigest()[:16]


def matches(stored: str, given: str) -> bool:
    """Whether a stored digest is ``given``, in constant time; never for
    :data:`NOT_SENT` or :data:`SENT_WITHOUT_CODE`."""
    return stored not in (NOT_SENT, SENT_WITHOUT_CODE) and hmac.compare_digest(stored, given)


def mask_email(email: str) -> str:
    """An email with its name hidden but its first letter and its domain
    (``"n***@example.vn"``)."""
    name, at, domain = email.partition("@")
    return f"{name[:1]}***{at}{domain}"

"""Password hashing with Argon2id (argon2-cffi): memory-hard, salted, and run
off the event loop because a hash takes tens of milliseconds by design.

Passwords are NFC-normalised before hashing and verifying, so "mật khẩu"
typed with precomposed or combining accents (phones and PCs differ) is the
same password. Hashes made before normalisation were made of the text as
typed: verifying tries that text too when it is not already NFC.
"""

from __future__ import annotations

import asyncio
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from contest.config import Settings


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib, parallelism=1
        )
        self._dummy = self._hasher.hash("không phải mật khẩu của ai")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, unicodedata.normalize("NFC", password))

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; with no hash (unknown account) it still
        spends the same time, so timing does not tell which accounts exist."""
        normal = unicodedata.normalize("NFC", password)
        candidates = (normal,) if normal == password else (normal, password)
        for candidate in candidates:
            try:
                if await asyncio.to_thread(self._hasher.verify, password_hash or self._dummy, candidate):
                    return password_hash is not None
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                continue
        return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

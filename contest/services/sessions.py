"""Whether a signed session cookie or bearer token still speaks for its
account, on every request, on every node.

Both carry the account's generation at sign-in. An account that is disabled,
changes role or password gets a new generation (``storage/standing.py``), so
what was signed before stops working. Each process keeps what it read of
accounts as long as the database's data version (``storage/versions.py``,
moved by a trigger whenever an account's role, generation or access changes)
stays the same, and reads that version at most every
``CONTEST_SESSION_CHECK_SECONDS``: a change made on any node is seen
everywhere within that time, and a request costs a dictionary look-up.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import replace

from contest.config import Settings
from contest.domain.models import User
from contest.errors import Unauthorized
from contest.storage import Storage
from contest.storage.standing import Standing


class Revoked(Unauthorized):
    code = "session_revoked"
    message = "Phiên đăng nhập không còn hiệu lực (tài khoản đã bị khoá hoặc thay đổi). Vui lòng đăng nhập lại."


class Sessions:
    def __init__(self, storage: Storage, settings: Settings, *, size: int = 100_000) -> None:
        self._storage = storage
        self._interval = settings.session_check_seconds
        self._size = size
        self._version: int | None = None
        self._checked = -float("inf")
        self._seen: OrderedDict[int, tuple[int | None, Standing | None]] = OrderedDict()
        """user id -> (the data version when it was read, what was read)"""

    async def _current_version(self) -> int | None:
        """The data version, read again when the last reading is older than the interval."""
        now = time.monotonic()
        if now - self._checked >= self._interval:
            self._checked = now
            self._version = await self._storage.data_version.current()
        return self._version

    async def _standing(self, user_id: int) -> Standing | None:
        version = await self._current_version()
        seen = self._seen.get(user_id)
        if seen is not None and seen[0] == version:
            self._seen.move_to_end(user_id)
            return seen[1]
        standing = await self._storage.standing.get(user_id)
        self._seen[user_id] = (version, standing)  # a change during the read moves the version: read again then
        self._seen.move_to_end(user_id)
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return standing

    async def check(self, claim: User) -> User | None:
        """``claim`` (as a cookie or token carries it) with the account's
        current role, or None when the account is gone, disabled, or its
        generation is no longer the one signed."""
        standing = await self._standing(claim.id)
        if standing is None or standing.disabled or standing.generation != claim.generation:
            return None
        return replace(claim, role=standing.role)

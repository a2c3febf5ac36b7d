"""Whether a signed session cookie or bearer token still speaks for its
account, on every request, on every node.

Both carry the account's generation at sign-in. An account that is disabled,
changes role or password gets a new generation (``storage/standing.py``), so
what was signed before stops working. Each process trusts what it read of an
account for ``CONTEST_SESSION_CHECK_SECONDS`` before reading it again, so a
change made on any node is seen everywhere within that time.
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
        self._ttl = settings.session_check_seconds
        self._size = size
        self._seen: OrderedDict[int, tuple[float, Standing | None]] = OrderedDict()

    async def _standing(self, user_id: int) -> Standing | None:
        now = time.monotonic()
        seen = self._seen.get(user_id)
        if seen is not None and now - seen[0] < self._ttl:
            return seen[1]
        standing = await self._storage.standing.get(user_id)
        self._seen[user_id] = (now, standing)
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

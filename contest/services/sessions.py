"""Whether a signed session cookie or bearer token still speaks for its
account, on every request, on every node; and ending sessions.

Each sign-in opens a session on the server (``storage/sessions.py``): a row
named by a random id that the signed cookie or token carries, with the
account's generation. A request is let through while its session is open and
the account is neither disabled nor of another generation (disabling, a new
role or a password set by staff move the generation, ``storage/standing.py``).
Logging out, withdrawing a token, "sign out everywhere" and a password change
end sessions by id. A cookie or token signed before sessions existed carries
no id and is refused: its owner signs in again.

Each process keeps what it read of a session as long as the data version and
the session version (moved by triggers whenever an account's access changes
or a session ends) stay the same, and reads those at most every
``CONTEST_SESSION_CHECK_SECONDS``: a change made on any node is seen
everywhere within that time, and a request costs one dictionary look-up.
When a session was last used is noted in memory and written for many
sessions at once, at most every :data:`SEEN_EVERY_SECONDS` per session, never
on the request's path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from contest.clock import Clock
from contest.config import Settings
from contest.domain.models import User
from contest.errors import NotFound, Unauthorized
from contest.storage import Storage
from contest.storage.sessions import Kind, Session
from contest.storage.standing import Standing

log = logging.getLogger(__name__)

SEEN_EVERY_SECONDS = 300
"""How stale a session's "last used" time may be (the account page shows it to the minute)."""
ENDED_KEPT_DAYS = 30
"""How long an ended session stays listed in the database before :meth:`Sessions.sweep` forgets it."""
SWEEP_EVERY_SECONDS = 3600

Version = tuple[int, int]
Seen = tuple[Version | None, tuple[int, Standing] | None, float]
"""What a process read of a session: the versions then, its account and
standing (None: unknown or ended), and when its use is next to be noted
(``time.monotonic()``)."""


class Revoked(Unauthorized):
    code = "session_revoked"
    message = (
        "Phiên đăng nhập không còn hiệu lực (đã đăng xuất, đổi mật khẩu hoặc tài khoản bị khoá)."
        " Vui lòng đăng nhập lại."
    )


class Sessions:
    def __init__(self, storage: Storage, settings: Settings, clock: Clock, *, size: int = 100_000) -> None:
        self._storage = storage
        self._settings = settings
        self._clock = clock
        self._interval = settings.session_check_seconds
        self._size = size
        self._version: Version | None = None
        self._checked = -float("inf")
        self._seen: OrderedDict[str, Seen] = OrderedDict()
        """session id -> what was read of it; past ``size`` entries the oldest read goes"""
        self._used: dict[str, datetime] = {}
        """session id -> when it was used, not yet written"""
        self._writing: asyncio.Task[None] | None = None
        self._next_sweep = -float("inf")

    async def open(self, user: User, *, kind: Kind, agent: str) -> str:
        """A new session for ``user`` (a browser signing in, or a token
        issued); its id, for the cookie or token to carry."""
        return await self._storage.sessions.open(user.id, kind=kind, agent=agent, now=self._clock.now())

    async def _current_version(self) -> Version | None:
        """The versions, read again when the last reading is older than the
        interval (and then the uses noted since are written, in the background)."""
        now = time.monotonic()
        if now - self._checked >= self._interval:
            self._checked = now
            self._version = await self._storage.sessions.version()
            if self._used and (self._writing is None or self._writing.done()):
                used, self._used = self._used, {}
                self._writing = asyncio.create_task(self._write_used(used))
        return self._version

    async def _write_used(self, used: Mapping[str, datetime]) -> None:
        try:
            await self._storage.sessions.seen(used)
        except Exception:  # the server stopping, the database away: only "last used" is lost
            log.warning("could not note when %d sessions were last used", len(used), exc_info=True)

    async def check(self, claim: User, session_id: str | None) -> User | None:
        """``claim`` (as a cookie or token carries it) with the account's
        current role, or None when its session (``session_id``) has ended or
        belongs to another account, or the account is gone, disabled, or its
        generation is no longer the one signed."""
        if session_id is None:
            return None
        version = await self._current_version()
        seen = self._seen.get(session_id)
        if seen is None or seen[0] != version:
            state = await self._storage.sessions.state(session_id)
            seen = (version, state, 0.0)  # a change during the read moves the version: read again then
            self._seen[session_id] = seen
            if len(self._seen) > self._size:
                self._seen.popitem(last=False)
        state = seen[1]
        if state is None or state[0] != claim.id:
            return None
        standing = state[1]
        if standing.disabled or standing.generation != claim.generation:
            return None
        if seen[2] <= time.monotonic():
            self._used[session_id] = self._clock.now()
            self._seen[session_id] = (seen[0], state, time.monotonic() + SEEN_EVERY_SECONDS)
        return replace(claim, role=standing.role)

    def changed(self) -> None:
        """Sessions or an account's standing were changed through this
        process (a session ended, a new password, a disabled account, a new
        role): its next check reads the versions again, so this node refuses
        an ended session on its very next request; the others within
        ``CONTEST_SESSION_CHECK_SECONDS``. Every service that ends sessions
        calls it after its write."""
        self._checked = -float("inf")

    async def sweep(self) -> int:
        """Forget, at most once an hour per process (the sweeper asks every
        few seconds), sessions ended more than :data:`ENDED_KEPT_DAYS` ago and
        those unused for longer than a cookie or token lives; how many."""
        if time.monotonic() < self._next_sweep:
            return 0
        self._next_sweep = time.monotonic() + SWEEP_EVERY_SECONDS
        now = self._clock.now()
        lifetime = max(self._settings.session_max_age_seconds, self._settings.token_ttl_seconds)
        return await self._storage.sessions.purge(
            ended_before=now - timedelta(days=ENDED_KEPT_DAYS),
            unused_since=now - timedelta(seconds=lifetime + SEEN_EVERY_SECONDS),
        )

    async def mine(self, user: User) -> list[Session]:
        """The account's open sessions, the most recently used first."""
        return await self._storage.sessions.open_sessions(user.id)

    async def end(self, user: User, session_id: str) -> None:
        """End one of the account's own sessions (logging out, withdrawing a
        token, "end this session" on the account page); NotFound when it has
        no such session open."""
        ended = await self._storage.sessions.end(session_id, user_id=user.id, now=self._clock.now())
        self.changed()
        if not ended:
            raise NotFound("Không tìm thấy phiên đăng nhập này (có thể nó đã kết thúc).")

    async def end_all(self, user: User, *, keep: str | None = None) -> int:
        """Sign out everywhere: end every session of the account but
        ``keep`` (None: this one too); how many ended."""
        ended = await self._storage.sessions.end_all(user.id, keep=keep, now=self._clock.now())
        self.changed()
        return ended

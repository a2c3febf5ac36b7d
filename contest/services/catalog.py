"""The site's contests, their rounds and the banks' questions, cached in memory.

These change rarely (an organiser edits a round) but every request reads them,
so each process keeps a copy, tagged with the database's data version
(``storage.data_version``: a counter that triggers move in the same
transaction as every change to contests, rounds, areas, banks and bank
versions). At most every ``check_seconds`` one caller reads the version (one
row) and, only when it moved, reloads; callers arriving meanwhile share that
check and reload. So a change made on any node, by the console, the command
line or another process, is seen by every process within ``check_seconds``,
and nothing is ever invalidated by hand. A bank version's questions never
change, so they are cached by version id for good, loaded once however many
requests ask at the same time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from contest.domain.contests import Listing
from contest.domain.models import Contest, Question, Round
from contest.errors import NotFound
from contest.services.facts import reported
from contest.storage import Storage

T = TypeVar("T")

log = logging.getLogger(__name__)

NO_CONTEST = "Chưa có cuộc thi nào. Ban tổ chức cần tạo cuộc thi trước."
NO_SUCH_CONTEST = "Không tìm thấy cuộc thi."


class _Versioned(Generic[T]):
    """A value loaded from the database, kept until the data version moves.

    The version is read at most every ``interval`` seconds; callers arriving
    while it is read, or while the value reloads, wait for that one read
    (shared, never repeated). The version is read before the value, so a
    change committed in between is loaded again at the next check, never
    missed."""

    def __init__(
        self, version: Callable[[], Awaitable[int]], load: Callable[[], Awaitable[T]], interval: float
    ) -> None:
        self._version = version
        self._load = load
        self._interval = interval
        self._value: tuple[int, T] | None = None
        self._checked = 0.0
        self._pending: asyncio.Future[T] | None = None

    @property
    def version(self) -> int | None:
        """The data version the value was loaded at (None before the first load)."""
        return None if self._value is None else self._value[0]

    async def get(self) -> T:
        if self._value is not None and time.monotonic() - self._checked < self._interval:
            return self._value[1]
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._refresh())
        return await asyncio.shield(self._pending)

    async def check(self) -> T:
        """The value as of the data version now: read the version at once
        (reloading only if it moved), whenever it was last read."""
        self._checked = 0.0
        return await self.get()

    async def _refresh(self) -> T:
        try:
            version = await self._version()
            if self._value is None or self._value[0] != version:
                self._value = (version, await self._load())
            self._checked = time.monotonic()
            return self._value[1]
        except Exception:
            if self._value is None:
                raise  # nothing to fall back on: every waiting caller sees the error
            log.exception("checking the catalog's data version failed; serving the previous copy")
            return self._value[1]
        finally:
            self._pending = None


@dataclass(frozen=True)
class _Snapshot:
    contests: tuple[Contest, ...]
    rounds: tuple[Round, ...]


class Catalog:
    def __init__(self, storage: Storage, *, check_seconds: float = 1.0) -> None:
        self._storage = storage
        self._snapshot = _Versioned(storage.data_version.current, self._load, check_seconds)
        self._current: dict[int, tuple[int | None, int]] = {}
        """Bank id -> (the data version it was read at, its current version id)."""
        self._versions: dict[int, asyncio.Future[tuple[Question, ...]]] = {}

    async def _load(self) -> _Snapshot:
        contests = tuple(await self._storage.contests.all())
        return _Snapshot(contests, tuple(await self._storage.contests.rounds()))

    async def up_to_date(self) -> None:
        """Read the data version now rather than within ``check_seconds``:
        for the console's pages, so whoever just made or changed a contest or
        a round sees it on the next page (still a version check, never an
        invalidation)."""
        await self._snapshot.check()

    async def contests(self, now: datetime) -> Listing:
        """Every contest, grouped as open, upcoming and past at ``now``."""
        return Listing.of((await self._snapshot.get()).contests, now)

    async def current(self, now: datetime) -> Contest:
        """The contest an address without a contest in it means
        (:attr:`Listing.current`); NotFound when the site has none."""
        contest = (await self.contests(now)).current
        if contest is None:
            raise NotFound(NO_CONTEST)
        return contest

    async def contest(self, contest_id: int) -> Contest:
        for contest in (await self._snapshot.get()).contests:
            if contest.id == contest_id:
                return contest
        raise NotFound(NO_SUCH_CONTEST)

    async def contest_by_slug(self, slug: str) -> Contest:
        for contest in (await self._snapshot.get()).contests:
            if contest.slug == slug:
                return contest
        raise NotFound(NO_SUCH_CONTEST)

    async def rounds(self, contest_id: int | None = None) -> tuple[Round, ...]:
        """The rounds of one contest, or of every contest, in opening order."""
        rounds = (await self._snapshot.get()).rounds
        return rounds if contest_id is None else tuple(r for r in rounds if r.contest_id == contest_id)

    async def round(self, round_id: int) -> Round:
        for round_ in await self.rounds():
            if round_.id == round_id:
                return round_
        raise NotFound("Không tìm thấy vòng thi.")

    async def bank(self, bank_id: int) -> tuple[int, tuple[Question, ...]]:
        """The current version of a bank and its questions: the version id is
        read again once the data version has moved."""
        await self._snapshot.get()  # checks the data version
        seen = self._snapshot.version
        current = self._current.get(bank_id)
        if current is None or current[0] != seen:
            with reported():
                current = (seen, await self._storage.banks.current_version(bank_id))
            self._current[bank_id] = current
        return current[1], await self.version(current[1])

    async def version(self, version_id: int) -> tuple[Question, ...]:
        loading = self._versions.get(version_id)
        if loading is None:
            loading = asyncio.ensure_future(self._storage.banks.questions(version_id))
            self._versions[version_id] = loading

            def forget_failure(done: asyncio.Future[tuple[Question, ...]]) -> None:
                if done.cancelled() or done.exception() is not None:  # the next caller tries again
                    self._versions.pop(version_id, None)

            loading.add_done_callback(forget_failure)
        return await asyncio.shield(loading)

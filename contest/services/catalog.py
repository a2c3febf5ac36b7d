"""The site's contests, their rounds and the banks' questions, cached in memory.

These change rarely (an organiser edits a round) but every request reads them,
so each process keeps a copy. A copy older than ``ttl`` seconds is still served
while one background task reloads it, so no request ever waits in a queue for
the reload (the first load, with nothing to serve, is shared by every caller).
:meth:`Catalog.invalidate` forces a reload after a change made through this
process. A bank version's questions never change, so they are cached by version
id for good, loaded once however many requests ask at the same time.
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
from contest.storage import Storage

T = TypeVar("T")

log = logging.getLogger(__name__)

NO_CONTEST = "Chưa có cuộc thi nào. Ban tổ chức cần tạo cuộc thi trước."
NO_SUCH_CONTEST = "Không tìm thấy cuộc thi."


class _Fresh(Generic[T]):
    """A value reloaded in the background once it is older than ``ttl``."""

    def __init__(self, load: Callable[[], Awaitable[T]], ttl: float) -> None:
        self._load = load
        self._ttl = ttl
        self._value: tuple[float, T] | None = None
        self._pending: asyncio.Task[T] | None = None

    def invalidate(self) -> None:
        self._value = None

    async def get(self) -> T:
        value = self._value
        if value is not None:
            if time.monotonic() - value[0] >= self._ttl and self._pending is None:
                self._refresh()
            return value[1]
        return await asyncio.shield(self._pending or self._refresh())

    def _refresh(self) -> asyncio.Task[T]:
        async def run() -> T:
            try:
                result = await self._load()
            except Exception:
                if self._value is None:
                    raise  # nothing to fall back on: every waiting caller sees the error
                log.exception("reloading the catalog failed; serving the previous copy")
                return self._value[1]
            finally:
                self._pending = None
            self._value = (time.monotonic(), result)
            return result

        self._pending = asyncio.ensure_future(run())
        return self._pending


@dataclass(frozen=True)
class _Snapshot:
    contests: tuple[Contest, ...]
    rounds: tuple[Round, ...]


class Catalog:
    def __init__(self, storage: Storage, *, ttl: float = 2.0) -> None:
        self._storage = storage
        self._ttl = ttl
        self._snapshot = _Fresh(self._load, ttl)
        self._current: dict[int, _Fresh[int]] = {}
        self._versions: dict[int, asyncio.Future[tuple[Question, ...]]] = {}

    def invalidate(self) -> None:
        self._snapshot.invalidate()
        for current in self._current.values():
            current.invalidate()

    async def _load(self) -> _Snapshot:
        contests = tuple(await self._storage.contests.all())
        return _Snapshot(contests, tuple(await self._storage.contests.rounds()))

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
        """The current version of a bank and its questions."""
        current = self._current.get(bank_id)
        if current is None:
            current = _Fresh(lambda: self._storage.banks.current_version(bank_id), self._ttl)
            self._current[bank_id] = current
        version_id = await current.get()
        return version_id, await self.version(version_id)

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

"""The contest, its rounds and its banks' questions, cached in memory.

These change rarely (an organiser edits a round) but every request reads them,
so each process keeps a copy and reloads it at most every ``ttl`` seconds, or at
once after a change made through :meth:`Catalog.invalidate`. A bank version's
questions never change, so they are cached by version id for good.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from contest.domain.models import Contest, Question, Round
from contest.errors import NotFound
from contest.storage import Storage


@dataclass(frozen=True)
class _Snapshot:
    loaded_at: float
    contest: Contest | None
    rounds: tuple[Round, ...]


class Catalog:
    def __init__(self, storage: Storage, *, ttl: float = 2.0) -> None:
        self._storage = storage
        self._ttl = ttl
        self._snapshot: _Snapshot | None = None
        self._lock = asyncio.Lock()
        self._versions: dict[int, tuple[Question, ...]] = {}
        self._current: dict[int, tuple[float, int]] = {}

    def invalidate(self) -> None:
        self._snapshot = None
        self._current.clear()

    async def _load(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and time.monotonic() - snapshot.loaded_at < self._ttl:
            return snapshot
        async with self._lock:
            snapshot = self._snapshot
            if snapshot is not None and time.monotonic() - snapshot.loaded_at < self._ttl:
                return snapshot
            contest = await self._storage.contests.current()
            rounds = tuple(await self._storage.contests.rounds(contest.id)) if contest else ()
            self._snapshot = _Snapshot(time.monotonic(), contest, rounds)
            return self._snapshot

    async def contest(self) -> Contest:
        contest = (await self._load()).contest
        if contest is None:
            raise NotFound("Chưa có cuộc thi nào. Ban tổ chức cần tạo cuộc thi trước.")
        return contest

    async def rounds(self) -> tuple[Round, ...]:
        return (await self._load()).rounds

    async def round(self, round_id: int) -> Round:
        for round_ in await self.rounds():
            if round_.id == round_id:
                return round_
        raise NotFound("Không tìm thấy vòng thi.")

    async def bank(self, bank_id: int) -> tuple[int, tuple[Question, ...]]:
        """The current version of a bank and its questions."""
        cached = self._current.get(bank_id)
        if cached is None or time.monotonic() - cached[0] >= self._ttl:
            cached = (time.monotonic(), await self._storage.banks.current_version(bank_id))
            self._current[bank_id] = cached
        version_id = cached[1]
        questions = self._versions.get(version_id)
        if questions is None:
            questions = await self._storage.banks.questions(version_id)
            self._versions[version_id] = questions
        return version_id, questions

"""A contest's overall leaderboard across its rounds.

The rule (``domain/ranking.overall``: the sums, here done in SQL, then
``overall_order``; stated on the page by
``describe_overall``): each participant's counting scores of the contest's
published rounds (provisional or final) summed; equal sums ordered by the
summed prediction error, the summed time taken and the latest of their
submissions (earlier first), in the order the rounds use (the default when
they differ). A round still provisional counts, and the page marks it so.

:meth:`Overall.store` sums the rounds' stored standings and stores the
result; it runs whenever a published round's standings are stored
(``Leaderboards.refresh`` and ``settle`` call :meth:`Overall.round_stored`),
so pages and the API read a page of rows and never sum per request.
:meth:`Overall.page` is NotFound until one of the contest's rounds is
published.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from contest.clock import Clock
from contest.domain import ranking
from contest.domain.models import Contest, Phase, Round
from contest.domain.numbers import parse_int
from contest.domain.phases import PUBLISHED
from contest.errors import NotFound
from contest.services.catalog import Catalog
from contest.services.leaderboards import PAGE_MAX, PAGE_SIZE, collector_paused, rule_of
from contest.storage import Storage
from contest.storage.overall import OverallHead, OverallRow

NOT_PUBLISHED = "Chưa có vòng thi nào của cuộc thi này công bố kết quả."


@dataclass(frozen=True, slots=True)
class OverallPage:
    """One page of a contest's overall leaderboard: the rounds summed (each
    with its phase), ``provisional`` when any of them is, and the entries."""

    contest: Contest
    head: OverallHead
    rounds: tuple[tuple[Round, Phase], ...]
    entries: tuple[OverallRow, ...]
    page: int
    pages: int

    @property
    def provisional(self) -> bool:
        return any(phase is Phase.PROVISIONAL for _r, phase in self.rounds)


class Overall:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock

    async def round_stored(self, round_: Round, phase: Phase) -> None:
        """A round's standings were stored for ``phase``: the overall
        leaderboard is summed again when the round counts in it now
        (published) or did (summed last time); a round under review
        leaves it as it is."""
        if phase not in PUBLISHED:
            head = await self._storage.overall.head(round_.contest_id)
            if head is None or all(round_id != round_.id for round_id, _phase in head.rounds):
                return
        await self.store(round_.contest_id)

    async def store(self, contest_id: int) -> None:
        """Sum the contest's published rounds' stored standings (in SQL) and
        store the overall leaderboard (or none, while no round is
        published). The collector paused throughout, as for a round's
        ranking (``leaderboards.collector_paused``)."""
        with collector_paused():
            await self._store(contest_id)

    async def _store(self, contest_id: int) -> None:
        counted: list[tuple[Round, Phase]] = []
        for round_ in await self._catalog.rounds(contest_id):
            head = await self._storage.leaderboards.head(round_.id)
            if head is not None and head.phase in PUBLISHED:
                counted.append((round_, head.phase))
        if not counted:
            await self._storage.overall.clear(contest_id)
            return
        tie_break = ranking.overall_tie_break(rule_of(r) for r, _p in counted)
        sums = await self._storage.overall.summed([r.id for r, _p in counted])
        # A second of CPU for a contest of 500,000 participants: off the event loop.
        table = await asyncio.to_thread(ranking.overall_order, sums, tie_break)
        del sums
        summed = tuple((r.id, phase) for r, phase in counted)
        head_out = OverallHead(contest_id, ranking.describe_overall(tie_break), summed, len(table), self._clock.now())
        await self._storage.overall.save(head_out, table)

    async def page(self, contest: Contest, number: object = None) -> OverallPage:
        """A page of the contest's overall leaderboard (``number``: from the
        URL, default 1; Invalid when not a whole number from 1). NotFound
        until one of its rounds is published."""
        at = 1 if number in (None, "") else parse_int(number, field="page", label="Trang", minimum=1, maximum=PAGE_MAX)
        head = await self._storage.overall.head(contest.id)
        if head is None:
            raise NotFound(NOT_PUBLISHED)
        rounds = tuple([(await self._catalog.round(round_id), phase) for round_id, phase in head.rounds])
        rows = await self._storage.overall.entries(contest.id, offset=(at - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        return OverallPage(contest, head, rounds, tuple(rows), at, max(1, -(-head.size // PAGE_SIZE)))

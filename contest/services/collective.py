"""Collective prizes: the units and areas a contest's prizes for taking part
go to (``domain/prizes.collective``), for one round or the whole contest.

Participants are counted as the statistics count them: distinct accounts
that started an attempt, by the unit and area they gave when they joined
(``StatisticsStore.participation``). Units are ordered by what the contest's
``collective_by`` says (the most participants, or the highest participation
rate where the unit has a headcount); areas, which have no headcount, by
participants.

The public sees a round's list once its results are published (provisional
or final, as its leaderboard), and the contest's once every one of its
rounds is published; before that ``NotFound``, as if there were none. Staff
with ``VIEW_STATISTICS`` see them at any time.
"""

from __future__ import annotations

from dataclasses import dataclass

from contest.domain import prizes, statistics
from contest.domain.models import CollectiveBy, Contest, Round, User
from contest.domain.numbers import int_or_none
from contest.domain.permissions import Capability, require
from contest.domain.phases import PUBLISHED
from contest.domain.prizes import Collective
from contest.errors import NotFound
from contest.services.catalog import Catalog
from contest.storage import Storage

NOT_PUBLISHED = "Giải tập thể được công bố cùng kết quả của vòng thi (của mọi vòng thi, khi xét cả cuộc thi)."
NO_ROUND = "Không tìm thấy vòng thi này trong cuộc thi."


@dataclass(frozen=True, slots=True)
class CollectiveBoard:
    """The collective prizes' standings of ``round`` (None: the whole contest)."""

    contest: Contest
    round: Round | None
    rounds: tuple[Round, ...]
    """The contest's rounds, each a scope to choose."""
    by: CollectiveBy
    units: tuple[Collective, ...]
    areas: tuple[Collective, ...]


class CollectivePrizes:
    def __init__(self, storage: Storage, catalog: Catalog) -> None:
        self._storage = storage
        self._catalog = catalog

    async def _round(self, contest: Contest, round_id: object) -> Round | None:
        if round_id in (None, ""):
            return None
        number = int_or_none(round_id, minimum=1)
        found = next((r for r in await self._catalog.rounds(contest.id) if r.id == number), None)
        if found is None:
            raise NotFound(NO_ROUND)
        return found

    async def _published(self, round_: Round) -> bool:
        head = await self._storage.leaderboards.head(round_.id)
        return head is not None and head.phase in PUBLISHED

    async def _board(self, contest: Contest, round_: Round | None) -> CollectiveBoard:
        scope, scope_id = ("round", round_.id) if round_ else ("contest", contest.id)
        _days, areas, units = await self._storage.statistics.participation(
            scope=scope, scope_id=scope_id, offset_ms=statistics.VIETNAM_OFFSET_MS
        )
        headcounts = {u.name: u.headcount for u in contest.units}
        by_rate = contest.collective_by is CollectiveBy.RATE
        return CollectiveBoard(
            contest,
            round_,
            tuple(await self._catalog.rounds(contest.id)),
            contest.collective_by,
            tuple(prizes.collective(units, headcounts, by_rate=by_rate)),
            tuple(prizes.collective(areas, {}, by_rate=False)),
        )

    async def public(self, contest: Contest, round_id: object = None) -> CollectiveBoard:
        """The published standings for the round ``round_id`` (from the URL;
        none: the whole contest). NotFound for a round not of the contest
        and until the results are published."""
        round_ = await self._round(contest, round_id)
        scope = [round_] if round_ else await self._catalog.rounds(contest.id)
        if not scope or not all([await self._published(r) for r in scope]):
            raise NotFound(NOT_PUBLISHED)
        return await self._board(contest, round_)

    async def staff(self, user: User, contest_id: int, round_id: object = None) -> CollectiveBoard:
        """The standings as they are now, published or not; Forbidden
        without ``VIEW_STATISTICS``."""
        require(user, Capability.VIEW_STATISTICS)
        contest = await self._catalog.contest(contest_id)
        return await self._board(contest, await self._round(contest, round_id))

"""A round's individual prizes as they stand, read from its stored
standings: the round's quotas laid over the places (``prizes.assign``) and
the judges' decisions on ties across a prize boundary applied
(``prizes.settle``). Everything that names a winner reads them here: the
winners list, certificates, the biên bản, final publication and a
participant's own results."""

from __future__ import annotations

from dataclasses import dataclass

from contest.domain import prizes
from contest.domain.models import Round
from contest.storage import Storage
from contest.storage.judging import PrizeDecision
from contest.storage.leaderboards import StoredEntry


async def prize_reach(storage: Storage, round_id: int, slots: int) -> list[StoredEntry]:
    """The entries the prizes reach, and the whole group tied at the last
    place they reach (read in growing pages until the rank changes)."""
    limit = slots + 1
    while True:
        entries = await storage.leaderboards.entries(round_id, limit=limit)
        if len(entries) < limit or slots == 0 or entries[-1].rank != entries[slots - 1].rank:
            return entries
        limit *= 2


@dataclass(frozen=True, slots=True)
class Settled:
    """A round's prizes as they stand: the entries the prizes reach, the
    awards with the judges' decisions applied, and those decisions as stored."""

    entries: list[StoredEntry]
    awards: prizes.Settled
    stored: tuple[PrizeDecision, ...]


async def settled(storage: Storage, round_: Round) -> Settled:
    """The round's prizes from its stored standings with the judges'
    decisions on boundary ties applied."""
    quotas = round_.rules.prizes
    slots = quotas.first + quotas.second + quotas.third + quotas.consolation
    entries = await prize_reach(storage, round_.id, slots)
    stored = tuple(await storage.judging.decisions(round_.id))
    awards = prizes.assign([(e.user_id, e.rank, e.correct) for e in entries], quotas)
    return Settled(entries, prizes.settle(awards, [d.decision for d in stored]), stored)

"""Stored standings and the public leaderboards read from them.

:meth:`Leaderboards.refresh` ranks a round (``domain/ranking.rank``: the only
ranking) and stores the result with the digest and signature of its public
document (``domain/publication.py``); it runs when a judge moves the round's
phase, so the standings are there from the first review on and the published
ones are exactly what was signed. Every page, API answer and export reads
pages of the stored rows: nothing ranks per request.

The public sees a round's leaderboard only while its stored standings are
provisional or final (``NotFound`` otherwise, as if there were none).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from contest.clock import Clock
from contest.domain import publication, ranking
from contest.domain.models import Phase, Round, User
from contest.domain.numbers import parse_int
from contest.domain.publication import PublicEntry
from contest.domain.ranking import RankingRule, Scored, Standings
from contest.errors import NotFound
from contest.services.catalog import Catalog
from contest.storage import Storage
from contest.storage.leaderboards import Head, Person, StoredEntry

PAGE_SIZE = 50
PAGE_MAX = 1_000_000
PUBLISHED = frozenset({Phase.PROVISIONAL, Phase.FINAL})
NOT_PUBLISHED = "Kết quả của vòng thi này chưa được công bố."
_NOBODY = Person("", None, "", "")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a round's million attempts are
    ranked: the collector would walk them again and again, doubling the
    time, and they hold no cycles. It is paused for the whole process for
    those seconds; what other requests leave meanwhile is collected when it
    resumes."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def rule_of(round_: Round) -> RankingRule:
    """The round's ranking rule (the platform's default order and figure;
    which attempt counts is the round's setting)."""
    return RankingRule(counting=round_.rules.counting)


def public_entry(e: StoredEntry) -> PublicEntry:
    return PublicEntry(e.rank, e.name, e.phone, e.area, e.unit, e.score, e.correct, e.prediction, e.duration_ms / 1000)


def _build(
    scored: list[Scored],
    people: dict[int, Person],
    rule: RankingRule,
    excluded_users: frozenset[int],
    excluded_attempts: frozenset[int],
    round_id: int,
    round_title: str,
    phase: Phase,
) -> tuple[Standings, list[StoredEntry], bytes]:
    """Rank, make the stored rows and the canonical document to sign."""
    with _collector_paused():
        standings = ranking.rank(scored, rule, excluded_users=excluded_users, excluded_attempts=excluded_attempts)
        rows = []
        for position, e in enumerate(standings.entries, start=1):
            p = people.get(e.user_id, _NOBODY)
            rows.append(
                StoredEntry(
                    position,
                    e.rank,
                    e.user_id,
                    e.attempt_id,
                    e.score,
                    e.correct,
                    e.total,
                    e.duration_ms,
                    e.submitted_ms,
                    e.prediction,
                    e.error,
                    p.name,
                    publication.mask_phone(p.phone),
                    p.area,
                    p.unit,
                )
            )
        data = publication.canonical(
            publication.document(
                round_id=round_id,
                round_title=round_title,
                phase=phase.value,
                rule=rule.describe(),
                true_figure=standings.true_figure,
                entries=(public_entry(r) for r in rows),
            )
        )
    return standings, rows, data


@dataclass(frozen=True, slots=True)
class LeaderboardPage:
    """One page of a published leaderboard (``page`` from 1; ``pages`` at
    least 1)."""

    round: Round
    head: Head
    entries: tuple[PublicEntry, ...]
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class MyResult:
    """A participant's place in one published round."""

    round: Round
    phase: Phase
    rank: int
    score: int
    size: int


class Leaderboards:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock

    async def refresh(self, round_id: int, phase: Phase) -> Head:
        """Rank the round now (the true figure known: it has closed), without
        the participants and attempts the judges disqualified, and store the
        standings for ``phase`` with their document's digest and signature.
        Whoever changes what the ranking reads (a phase move, a
        disqualification, a re-scoring) calls this."""
        store = self._storage.leaderboards
        round_ = await self._catalog.round(round_id)
        rule = rule_of(round_)
        users, attempts = await self._storage.judging.excluded(round_id)
        scored = await store.scored(round_id)
        people = await store.people(round_id)
        # Seconds of CPU for a big round: off the event loop, so participants'
        # requests are still answered meanwhile.
        standings, rows, data = await asyncio.to_thread(
            _build, scored, people, rule, users, attempts, round_id, round_.title, phase
        )
        text = rule.describe()
        keys = await store.key_pair(publication.new_key_pair(), self._clock.now())
        head = Head(
            round_id,
            phase,
            text,
            standings.true_figure,
            len(rows),
            self._clock.now(),
            publication.digest(data),
            publication.sign(data, keys.private_pem),
        )
        await store.save(head, rows)
        return head

    async def _published(self, round_id: int) -> tuple[Round, Head]:
        round_ = await self._catalog.round(round_id)
        head = await self._storage.leaderboards.head(round_id)
        if head is None or head.phase not in PUBLISHED:
            raise NotFound(NOT_PUBLISHED)
        return round_, head

    async def page(self, round_id: int, page: object = None) -> LeaderboardPage:
        """A page of the round's published leaderboard (``page``: from the
        URL, default 1; Invalid when not a whole number from 1). NotFound
        until the results are published."""
        number = 1 if page in (None, "") else parse_int(page, field="page", label="Trang", minimum=1, maximum=PAGE_MAX)
        round_, head = await self._published(round_id)
        pages = max(1, -(-head.size // PAGE_SIZE))
        rows = await self._storage.leaderboards.entries(round_id, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        return LeaderboardPage(round_, head, tuple(public_entry(r) for r in rows), number, pages)

    async def export(self, round_id: int) -> dict[str, Any]:
        """The published leaderboard as signed, with its digest and
        signature: the copy ``contest verify`` checks."""
        round_, head = await self._published(round_id)
        rows = await self._storage.leaderboards.entries(round_id)
        doc = publication.document(
            round_id=round_id,
            round_title=round_.title,
            phase=head.phase.value,
            rule=head.rule,
            true_figure=head.true_figure,
            entries=(public_entry(r) for r in rows),
        )
        return {**doc, "digest": head.digest, "signature": head.signature}

    async def mine(self, user: User) -> list[MyResult]:
        """The participant's rank in each published round they are ranked in."""
        result = []
        for place in await self._storage.leaderboards.places(user.id):
            if place.phase in PUBLISHED:
                round_ = await self._catalog.round(place.round_id)
                result.append(MyResult(round_, place.phase, place.rank, place.score, place.size))
        return result

    async def public_key(self) -> str:
        """The site's public key (PEM), made with its pair on first need."""
        keys = await self._storage.leaderboards.key_pair(publication.new_key_pair(), self._clock.now())
        return keys.public_pem

"""Stored standings and the public leaderboards read from them.

A round is ranked (``domain/ranking.rank``: the only ranking) once when the
clock closes it (:meth:`Leaderboards.rank_closed`, from the sweeper), so the
true figure is the one known at close and the judges' review opens on stored
standings; again when a judge's action changes what the ranking reads
(:meth:`Leaderboards.refresh`: a disqualification, a reinstatement; a
re-scoring marks the standings out of date). A phase move keeps the stored
standings when they are current (:meth:`Leaderboards.settle`); publishing
signs them (``domain/publication.py``) from the stored rows, so the published
ones are exactly what was signed. Every page, API answer and export reads
pages of the stored rows: nothing ranks per request.

The public sees a round's leaderboard only while its stored standings are
provisional or final (``NotFound`` otherwise, as if there were none).
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from contest.clock import Clock
from contest.domain import publication, ranking
from contest.domain.models import Phase, Round, TieBreak, User
from contest.domain.numbers import parse_int
from contest.domain.phases import PUBLISHED
from contest.domain.prizes import Prize
from contest.domain.publication import PublicEntry
from contest.domain.ranking import RankingRule
from contest.errors import NotFound
from contest.services.awards import settled
from contest.services.catalog import Catalog
from contest.storage import Storage
from contest.storage.leaderboards import Head, StoredEntry

if TYPE_CHECKING:
    from contest.services.overall import Overall

CLAIM_LEASE = timedelta(minutes=10)
"""How long a node's claim to rank a round at close stands: ranking a
million attempts takes seconds, so a claim this old is a node that died."""
PAGE_SIZE = 50
PAGE_MAX = 1_000_000
NOT_PUBLISHED = "Kết quả của vòng thi này chưa được công bố."


_pauses = 0
"""How many :func:`collector_paused` blocks are running (on the event loop
and in worker threads)."""
_pauses_lock = threading.Lock()
_resume = False
"""Whether the collector was on when the first running pause began."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a round's million attempts are
    read, ranked and stored, or 500,000 entries signed: the collector would
    walk them again and again (doubling the time), then once more in a full
    pass of a second or more when it resumes, holding every thread of the
    process meanwhile; they hold no cycles, and are freed, by their count of
    references, before it resumes. It is paused for the whole process for
    those seconds (until the last of several pauses at once ends); what other
    requests leave meanwhile is collected when it resumes."""
    global _pauses, _resume
    with _pauses_lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def rule_of(round_: Round) -> RankingRule:
    """The round's ranking rule, all of it the round's settings: which
    attempt counts, the order after the score, what the prediction predicts.
    A round asking no prediction question ranks by
    :attr:`TieBreak.NO_PREDICTION` whatever order it names: no true figure,
    no rule text about predictions, no error added to the overall sums (the
    one place this is decided)."""
    rules = round_.rules
    tie_break = rules.tie_break if rules.prediction_question else TieBreak.NO_PREDICTION
    return RankingRule(counting=rules.counting, tie_break=tie_break, true_figure=rules.true_figure)


def up_to_date(head: Head, round_: Round) -> bool:
    """Whether the stored standings ``head`` rank the round's attempts as
    they are now, as of its present close by its present rule: False after
    a re-scoring (``Head.closes_at`` None), or a close or rule changed since
    they were ranked. Stale standings are ranked again at a phase move
    (:meth:`Leaderboards.settle`), so published provisional ones are not
    what final results would show (``Rounds._refusal`` refuses those)."""
    return head.closes_at == round_.closes_at and head.rule == rule_of(round_).describe()


def public_entry(e: StoredEntry) -> PublicEntry:
    return PublicEntry(e.rank, e.name, e.phone, e.area, e.unit, e.score, e.correct, e.prediction, e.duration_ms / 1000)


def _signed(data: Callable[[], bytes], private_pem: str) -> tuple[str, str]:
    """The digest and signature of the canonical leaderboard document
    ``data`` makes (made here, off the event loop: 500,000 entries take
    seconds)."""
    made = data()
    return publication.digest(made), publication.sign(made, private_pem)


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
    prize: Prize | None
    """By the round's quotas and the judges' decisions on boundary ties
    (``services/awards.py``); None for no prize or a tie the judges have
    not decided."""


class Leaderboards:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock, overall: Overall) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._overall = overall

    async def refresh(self, round_id: int, phase: Phase) -> Head:
        """Rank the round now (the true figure known: it has closed), without
        the participants and attempts the judges disqualified, and store the
        standings for ``phase``, signed when published. Whoever changes what
        the ranking reads (a disqualification, a reinstatement) calls this."""
        round_ = await self._catalog.round(round_id)
        head = await self._rank(round_, phase, round_.closes_at)
        assert head is not None  # stored whatever the round's phase
        if phase in PUBLISHED:
            head = await self._sign(round_, head)
        await self._overall.round_stored(round_, phase)
        return head

    async def settle(self, round_id: int, phase: Phase) -> Head:
        """The round's standings for ``phase`` (a judge's phase move): the
        stored ones when :func:`up_to_date` (ranked at close,
        :meth:`rank_closed`, or since by a judge's action), else ranked now
        (:meth:`refresh`);
        signed when published."""
        round_ = await self._catalog.round(round_id)
        head = await self._storage.leaderboards.head(round_id)
        if head is None or not up_to_date(head, round_):
            return await self.refresh(round_id, phase)
        head = replace(head, phase=phase, digest="", signature="")
        if phase in PUBLISHED:
            head = await self._sign(round_, head)
        else:
            await self._storage.leaderboards.restamp(round_id, phase, digest="", signature="")
        await self._overall.round_stored(round_, phase)
        return head

    async def rank_closed(self, *, grace: timedelta) -> int:
        """Rank, once, each round the clock closed (``grace`` ago, so every
        answer sent in time is in) that no judge has moved on yet and whose
        standings are not for its present close: the true figure is known
        at close, and the judges' review opens on stored standings. A close
        moved later is ranked again after the new close. Several nodes
        sweeping at once: each round is ranked by the one that claims it
        (a claim left by a node that died is taken over after
        :data:`CLAIM_LEASE`). Returns how many rounds were ranked."""
        store = self._storage.leaderboards
        now = self._clock.now()
        ranked = 0
        for round_id, closes_at in await store.due(closed_before=now - grace):
            if not await store.claim(round_id, closes_at, now=now, expired_before=now - CLAIM_LEASE):
                continue
            try:
                round_ = await self._catalog.round(round_id)
                if await self._rank(round_, Phase.CLOSED, closes_at, undecided_only=True) is not None:
                    ranked += 1
            finally:
                await store.release(round_id)
        return ranked

    async def _rank(
        self, round_: Round, phase: Phase, closes_at: datetime, *, undecided_only: bool = False
    ) -> Head | None:
        """Rank the round and store its standings for ``phase``, unsigned;
        with ``undecided_only``, only while no judge has moved the round on
        (None when one has). The collector paused throughout: the attempts,
        the entries and the rows are gone when it resumes."""
        with collector_paused():
            return await self._rank_paused(round_, phase, closes_at, undecided_only)

    async def _rank_paused(self, round_: Round, phase: Phase, closes_at: datetime, undecided_only: bool) -> Head | None:
        store = self._storage.leaderboards
        rule = rule_of(round_)
        users, attempts = await self._storage.judging.excluded(round_.id)
        scored = await store.scored(round_.id)
        # Seconds of CPU for a big round: off the event loop, so participants'
        # requests are still answered meanwhile.
        standings = await asyncio.to_thread(
            partial(ranking.rank, scored, rule, excluded_users=users, excluded_attempts=attempts)
        )
        del scored
        entries = standings.entries
        head = Head(
            round_.id, phase, rule.describe(), standings.true_figure, len(entries), self._clock.now(), "", "", closes_at
        )
        # Each entry with its position; the names, areas and masked phones are filled in by SQL.
        rows = ((position, *e) for position, e in enumerate(entries, start=1))
        return head if await store.save(head, rows, undecided_only=undecided_only) else None

    async def _sign(self, round_: Round, head: Head) -> Head:
        """Sign the stored standings as ``head`` publishes them (the
        document :meth:`export` gives, from the stored rows) and store the
        digest and signature. The collector paused while the 500,000 rows
        are read and serialised (:func:`collector_paused`)."""
        store = self._storage.leaderboards
        keys = await store.key_pair(publication.new_key_pair(), self._clock.now())
        with collector_paused():
            digest, signature = await self._document_signed(round_, head, keys.private_pem)
        await store.restamp(round_.id, head.phase, digest=digest, signature=signature)
        return replace(head, digest=digest, signature=signature)

    async def _document_signed(self, round_: Round, head: Head, private_pem: str) -> tuple[str, str]:
        rows = await self._storage.leaderboards.entries(round_.id)

        def data() -> bytes:
            return publication.canonical_document(
                round_id=round_.id,
                round_title=round_.title,
                phase=head.phase.value,
                rule=head.rule,
                true_figure=head.true_figure,
                entries=(public_entry(r) for r in rows),
            )

        return await asyncio.to_thread(_signed, data, private_pem)

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
                prize = await self._prize(round_, user.id, place.rank)
                result.append(MyResult(round_, place.phase, place.rank, place.score, place.size, prize))
        return result

    async def _prize(self, round_: Round, user_id: int, rank: int) -> Prize | None:
        quotas = round_.rules.prizes
        slots = quotas.first + quotas.second + quotas.third + quotas.consolation
        if rank > slots:
            return None
        return (await settled(self._storage, round_)).awards.prizes.get(user_id)

    async def public_key(self) -> str:
        """The site's public key (PEM), made with its pair on first need."""
        keys = await self._storage.leaderboards.key_pair(publication.new_key_pair(), self._clock.now())
        return keys.public_pem

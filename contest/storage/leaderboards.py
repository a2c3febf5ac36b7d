"""Stored standings (migration 0011): each round's ranking as last computed,
its published form's digest and signature, and the site's signing key.

Pages and the API read a page of ``standing_entries`` by position, and a
participant's own rank by user; nothing here ranks (``domain/ranking.py``
does, in ``services/leaderboards.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any, NamedTuple

from contest.domain.models import Phase
from contest.domain.phases import DECIDED
from contest.domain.publication import KeyPair
from contest.domain.ranking import ScoredRow, sorted_in_pieces
from contest.storage.codec import from_ms, to_ms
from contest.storage.generations import drop, new_generation, write_chunks
from contest.storage.sql import Conn, Database, bulk_insert, for_update, tuples


class StoredEntry(NamedTuple):
    """One row of ``standing_entries``; ``phone`` is already masked. Named
    tuples: a big round has hundreds of thousands."""

    position: int
    rank: int
    user_id: int
    attempt_id: int
    score: int
    correct: int
    total: int
    duration_ms: int
    submitted_ms: int
    prediction: int | None
    error: int | None
    name: str
    phone: str
    area: str
    unit: str


@dataclass(frozen=True, slots=True)
class Head:
    """The stored standings of one round: the phase they were computed for,
    the rule (its Vietnamese text), the true figure, how many entries, when,
    the digest and signature of the leaderboard document (empty until
    published: nobody reads them before), and the round's close time whose
    attempts they rank (None once the attempts changed since: a
    re-scoring)."""

    round_id: int
    phase: Phase
    rule: str
    true_figure: int | None
    size: int
    computed_at: datetime
    digest: str
    signature: str
    closes_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OwnPlace:
    """A participant's place in one round's stored standings."""

    round_id: int
    phase: Phase
    rank: int
    score: int
    size: int


STANDING_COLUMNS = (
    "round_id",
    "position",
    "rank",
    "user_id",
    "attempt_id",
    "score",
    "correct",
    "total",
    "duration_ms",
    "submitted_at",
    "prediction",
    "error",
    "name",
    "phone",
    "area",
    "unit",
)
"""The columns of ``standing_entries``."""

ENTRY_COLUMNS = ", ".join("e." + c for c in STANDING_COLUMNS[1:])
"""The columns of a :class:`StoredEntry`, in its order (of ``standing_entries e``)."""

ORDER_COLUMNS = ("round_id", "generation", "position", "user_id")
"""The columns of ``standing_order``: each position's participant."""

IN_ORDER = (
    "standing_order o JOIN standing_entries e"
    " ON e.round_id = o.round_id AND e.generation = o.generation AND e.user_id = o.user_id"
)
"""The entries by position (migration 0024): ``o`` the positions, ``e``
each one's entry, looked up by participant. A reader adds ``o.round_id =
? AND o.{CURRENT}`` and a range of ``o.position``."""

RANKED_COLUMNS = STANDING_COLUMNS[1:12]
"""What :meth:`LeaderboardStore.save` takes of each entry, in this order:
the position, then a ``ranking.RankedEntry``'s fields. What the public sees
of the participant is filled in by SQL."""

MASKED_PHONE_SQL = (
    "CASE WHEN length(u.phone) >= 5 THEN substr(u.phone, 1, 2) || 'xx xxx ' || substr(u.phone, length(u.phone) - 2)"
    " ELSE '' END"
)
"""``publication.mask_phone`` of ``u.phone`` in SQL (the same on SQLite and
PostgreSQL; a test checks they agree): 500,000 phones masked where they are
read, instead of being read into Python."""

_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS ranked_staging (position INTEGER NOT NULL, rank INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL, attempt_id INTEGER NOT NULL, score INTEGER NOT NULL, correct INTEGER NOT NULL,"
    " total INTEGER NOT NULL, duration_ms BIGINT NOT NULL, submitted_at BIGINT NOT NULL, prediction BIGINT,"
    " error BIGINT)"
)
"""Where :meth:`LeaderboardStore.save` puts the ranked entries before one
``INSERT … SELECT`` joins them to the participants (a temporary table: this
connection's, emptied after)."""

_FROM_STAGING = (
    f"INSERT INTO standing_entries (generation, {', '.join(STANDING_COLUMNS)})"
    f" SELECT ?, ?, {', '.join('s.' + c for c in RANKED_COLUMNS)}, COALESCE(u.full_name, ''),"
    f" {MASKED_PHONE_SQL}, COALESCE(a.name, ''), COALESCE(p.unit, '')"
    " FROM ranked_staging s"
    " LEFT JOIN participations p ON p.user_id = s.user_id"
    " AND p.contest_id = (SELECT contest_id FROM rounds WHERE id = ?)"
    " LEFT JOIN users u ON u.id = p.user_id LEFT JOIN areas a ON a.contest_id = p.contest_id AND a.id = p.area_id"
)
"""The staged entries with each participant of the round's contest's name,
masked phone, area and unit (empty for someone who is no longer one). One
index look-up a table a row; no ``ORDER BY``: SQLite reads the staging
table in the order it was filled, by participant, so the look-ups walk the
participants' tables in order and the new rows go into the primary key in
order (:func:`_in_both_orders`)."""


CURRENT = "generation = (SELECT generation FROM standings WHERE round_id = ?)"
"""The condition that a row of ``standing_entries`` is of its round's
current generation (``storage/generations.py``); its one parameter: the
round's id. A reader joined to ``standings`` compares
``s.generation = e.generation`` instead."""


def _in_both_orders(rows: Iterable[Sequence[Any]]) -> tuple[list[Sequence[Any]], list[Sequence[Any]]]:
    """The entries (:data:`RANKED_COLUMNS` order) as given, by position, and
    by participant: made here, off the event loop (500,000 of them take
    half a second), sorted in pieces (``ranking.sorted_in_pieces``)."""
    ranked = list(rows)
    return ranked, sorted_in_pieces(ranked, key=_USER)


_USER = itemgetter(2)
"""An entry's user id (:data:`RANKED_COLUMNS`)."""


def _head(r: Any) -> Head:
    return Head(
        r["round_id"],
        Phase(r["phase"]),
        r["rule"],
        r["true_figure"],
        r["size"],
        from_ms(r["computed_at"]),
        r["digest"],
        r["signature"],
        None if r["closes_at"] is None else from_ms(r["closes_at"]),
    )


class LeaderboardStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def scored(self, round_id: int) -> list[ScoredRow]:
        """Every finished, scored attempt of the round: the ranking's input,
        as plain tuples, participant by participant (read from the index
        ``attempts_ranked`` alone, in its order: each one's attempts side by
        side in memory, which makes the ranking faster)."""
        return await self.db.read(
            lambda c: tuples(
                c,
                "SELECT id, user_id, number, score, correct, total, duration_ms, submitted_at, prediction"
                " FROM attempts WHERE round_id = ? AND status <> 'in_progress' AND score IS NOT NULL"
                " AND submitted_at IS NOT NULL ORDER BY user_id, id",
                (round_id,),
            )
        )

    async def save(self, head: Head, rows: Iterable[Sequence[Any]], *, undecided_only: bool = False) -> bool:
        """Replace the round's stored standings with ``head`` and ``rows``
        (tuples in :data:`RANKED_COLUMNS` order, best first), each with what
        the public sees of its participant (name, masked phone, area, unit,
        as they are now): written as a new generation by chunks, then made
        current in one tiny transaction (``storage/generations.py``), so
        answer saves never wait long behind it and readers see the old rows
        until then. With ``undecided_only``, only while the round is in no
        judges' phase (its row locked at the switch): False, and nothing
        kept, when it is. False too when a newer generation was made
        current meanwhile (another node's ranking: the newer one stands)."""
        round_id = head.round_id
        ranked, by_participant = await asyncio.to_thread(_in_both_orders, rows)
        generation = await new_generation(self.db)

        def order(conn: Conn, part: list[Sequence[Any]]) -> None:
            bulk_insert(conn, "standing_order", ORDER_COLUMNS, [(round_id, generation, r[0], r[2]) for r in part])

        def chunk(conn: Conn, part: list[Sequence[Any]]) -> None:
            conn.execute(_STAGING)
            bulk_insert(conn, "ranked_staging", RANKED_COLUMNS, part)
            conn.execute(_FROM_STAGING, (generation, round_id, round_id))
            conn.execute("DELETE FROM ranked_staging")

        def switch(conn: Conn) -> bool:
            if undecided_only:
                row = conn.execute("SELECT phase FROM rounds WHERE id = ?" + for_update(conn), (round_id,)).fetchone()
                if row is None or Phase(row[0]) in DECIDED:
                    return False
            row = conn.execute(
                "INSERT INTO standings (round_id, phase, rule, true_figure, size, computed_at, digest, signature,"
                " closes_at, generation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id) DO UPDATE SET"
                " phase = excluded.phase, rule = excluded.rule, true_figure = excluded.true_figure,"
                " size = excluded.size, computed_at = excluded.computed_at, digest = excluded.digest,"
                " signature = excluded.signature, closes_at = excluded.closes_at, generation = excluded.generation"
                " WHERE standings.generation < excluded.generation RETURNING round_id",
                (
                    round_id,
                    head.phase.value,
                    head.rule,
                    head.true_figure,
                    head.size,
                    to_ms(head.computed_at),
                    head.digest,
                    head.signature,
                    None if head.closes_at is None else to_ms(head.closes_at),
                    generation,
                ),
            ).fetchone()
            return row is not None

        try:
            await write_chunks(self.db, ranked, order)
            await write_chunks(self.db, by_participant, chunk)
            saved = await self.db.write(switch)
        except Exception:
            await self._drop(round_id, range(generation, generation + 1))
            raise
        await self._drop(round_id, range(0, generation) if saved else range(generation, generation + 1))
        return saved

    async def _drop(self, round_id: int, generations: range) -> None:
        """Delete the round's standings of these generations, in each
        table's own order."""
        await drop(self.db, "standing_order", "round_id", round_id, generations)
        await drop(self.db, "standing_entries", "round_id", round_id, generations, by="user_id")

    async def restamp(self, round_id: int, phase: Phase, *, digest: str, signature: str) -> None:
        """The stored standings, unchanged, now stand for ``phase``, with the
        digest and signature of their document (empty when not published)."""
        await self.db.write(
            lambda c: c.execute(
                "UPDATE standings SET phase = ?, digest = ?, signature = ? WHERE round_id = ?",
                (phase.value, digest, signature, round_id),
            )
        )

    async def due(self, *, closed_before: datetime) -> list[tuple[int, datetime]]:
        """Rounds to rank at close (round id, close time): closed before
        ``closed_before``, not yet in a judges' phase, and without standings
        for their present close (none yet, a close moved later, attempts
        re-scored since)."""
        rows = await self.db.read(
            lambda c: tuples(
                c,
                "SELECT r.id, r.closes_at FROM rounds r LEFT JOIN standings s ON s.round_id = r.id"
                " WHERE r.closes_at <= ? AND r.phase NOT IN ('under_review', 'provisional', 'final')"
                " AND (s.closes_at IS NULL OR s.closes_at <> r.closes_at) ORDER BY r.closes_at, r.id",
                (to_ms(closed_before),),
            )
        )
        return [(round_id, from_ms(closes_at)) for round_id, closes_at in rows]

    async def claim(self, round_id: int, closes_at: datetime, *, now: datetime, expired_before: datetime) -> bool:
        """Claim the ranking of the round at this close for this node: True
        when claimed; False when another node holds a claim made since
        ``expired_before`` (a claim older than that is taken over: its node
        died). Several nodes at once: one gets True."""

        def fn(conn: Conn) -> bool:
            row = conn.execute(
                "INSERT INTO ranking_claims (round_id, closes_at, claimed_at) VALUES (?, ?, ?)"
                " ON CONFLICT (round_id) DO UPDATE SET closes_at = excluded.closes_at, claimed_at = excluded.claimed_at"
                " WHERE ranking_claims.claimed_at < ? RETURNING round_id",
                (round_id, to_ms(closes_at), to_ms(now), to_ms(expired_before)),
            ).fetchone()
            return row is not None

        return await self.db.write(fn)

    async def release(self, round_id: int) -> None:
        """End this node's claim on the round (done, or failed)."""
        await self.db.write(lambda c: c.execute("DELETE FROM ranking_claims WHERE round_id = ?", (round_id,)))

    async def head(self, round_id: int) -> Head | None:
        row = await self.db.read(
            lambda c: c.execute("SELECT * FROM standings WHERE round_id = ?", (round_id,)).fetchone()
        )
        return None if row is None else _head(row)

    async def entries(self, round_id: int, *, offset: int = 0, limit: int | None = None) -> list[StoredEntry]:
        """Entries by position from ``offset`` (0-based), at most ``limit``
        (None: all). A range looks each entry up from its position; all of
        them are read in their table's order and sorted by the database (half
        the time of 500,000 look-ups)."""
        if offset == 0 and limit is None:
            sql = (
                f"SELECT {ENTRY_COLUMNS} FROM standing_entries e WHERE e.round_id = ? AND e.{CURRENT}"
                " ORDER BY e.position"
            )
            parameters: tuple[int, ...] = (round_id, round_id)
        else:
            sql = (
                f"SELECT {ENTRY_COLUMNS} FROM {IN_ORDER} WHERE o.round_id = ? AND o.{CURRENT}"
                " AND o.position > ? AND o.position <= ? ORDER BY o.position"
            )
            parameters = (round_id, round_id, offset, offset + limit if limit is not None else 1 << 62)
        return await self.db.read(lambda c: list(map(StoredEntry._make, tuples(c, sql, parameters))))

    async def places(self, user_id: int) -> list[OwnPlace]:
        """The participant's place in every round with stored standings."""

        def fn(conn: Conn) -> list[OwnPlace]:
            rows = conn.execute(
                # CROSS JOIN: SQLite takes the few rounds first (without statistics it
                # would scan every entry), then looks each up by participant.
                "SELECT e.round_id, s.phase, e.rank, e.score, s.size FROM standings s CROSS JOIN standing_entries e"
                " WHERE e.round_id = s.round_id AND e.generation = s.generation AND e.user_id = ?"
                " ORDER BY e.round_id",
                (user_id,),
            )
            return [OwnPlace(r[0], Phase(r[1]), r[2], r[3], r[4]) for r in rows]

        return await self.db.read(fn)

    async def key_pair(self, made: KeyPair, now: datetime) -> KeyPair:
        """The site's signing key: the one stored, else ``made``, stored now
        (two nodes at once: the first stored wins, both get it)."""

        def fn(conn: Conn) -> KeyPair:
            conn.execute(
                "INSERT INTO signing_key (id, private_key, public_key, created_at) VALUES (1, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                (made.private_pem, made.public_pem, to_ms(now)),
            )
            row = conn.execute("SELECT private_key, public_key FROM signing_key WHERE id = 1").fetchone()
            return KeyPair(row[0], row[1])

        return await self.db.write(fn)

    async def public_key(self) -> str | None:
        """The site's public key (PEM), None before anything was signed."""
        row = await self.db.read(lambda c: c.execute("SELECT public_key FROM signing_key WHERE id = 1").fetchone())
        return None if row is None else str(row[0])

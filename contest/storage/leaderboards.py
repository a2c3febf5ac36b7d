"""Stored standings (migration 0011): each round's ranking as last computed,
its published form's digest and signature, and the site's signing key.

Pages and the API read a page of ``standing_entries`` by position, and a
participant's own rank by user; nothing here ranks (``domain/ranking.py``
does, in ``services/leaderboards.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from contest.domain.models import Phase
from contest.domain.publication import KeyPair
from contest.domain.ranking import Scored
from contest.storage.codec import from_ms, to_ms
from contest.storage.sql import Conn, Database


class Person(NamedTuple):
    """What a leaderboard shows of a participant of the round's contest."""

    name: str
    phone: str | None
    area: str
    unit: str


class StoredEntry(NamedTuple):
    """One row of ``standing_entries``; ``phone`` is already masked. Named
    tuples, as ``Person``: a big round has hundreds of thousands."""

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
    and the digest and signature of the leaderboard document."""

    round_id: int
    phase: Phase
    rule: str
    true_figure: int | None
    size: int
    computed_at: datetime
    digest: str
    signature: str


@dataclass(frozen=True, slots=True)
class OwnPlace:
    """A participant's place in one round's stored standings."""

    round_id: int
    phase: Phase
    rank: int
    score: int
    size: int


_ENTRY_COLUMNS = (
    "position, rank, user_id, attempt_id, score, correct, total, duration_ms, submitted_at, prediction, error,"
    " name, phone, area, unit"
)


def _entry(r: Any) -> StoredEntry:
    return StoredEntry(
        r["position"],
        r["rank"],
        r["user_id"],
        r["attempt_id"],
        r["score"],
        r["correct"],
        r["total"],
        r["duration_ms"],
        r["submitted_at"],
        r["prediction"],
        r["error"],
        r["name"],
        r["phone"],
        r["area"],
        r["unit"],
    )


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
    )


class LeaderboardStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def scored(self, round_id: int) -> list[Scored]:
        """Every finished, scored attempt of the round: the ranking's input."""

        def fn(conn: Conn) -> list[Scored]:
            rows = conn.execute(
                "SELECT id, user_id, number, score, correct, total, duration_ms, submitted_at, prediction"
                " FROM attempts WHERE round_id = ? AND status <> 'in_progress' AND score IS NOT NULL"
                " AND submitted_at IS NOT NULL",
                (round_id,),
            )
            return [Scored(*r) for r in rows]

        return await self.db.read(fn)

    async def people(self, round_id: int) -> dict[int, Person]:
        """Each participant of the round's contest (user id -> person)."""

        def fn(conn: Conn) -> dict[int, Person]:
            rows = conn.execute(
                "SELECT u.id, u.full_name, u.phone, a.name, p.unit FROM rounds r"
                " JOIN participations p ON p.contest_id = r.contest_id"
                " JOIN users u ON u.id = p.user_id"
                " JOIN areas a ON a.contest_id = p.contest_id AND a.id = p.area_id"
                " WHERE r.id = ?",
                (round_id,),
            )
            return {r[0]: Person(*r[1:]) for r in rows}

        return await self.db.read(fn)

    async def save(self, head: Head, entries: Sequence[StoredEntry]) -> None:
        """Replace the round's stored standings with these, in one transaction."""

        def fn(conn: Conn) -> None:
            conn.execute("DELETE FROM standing_entries WHERE round_id = ?", (head.round_id,))
            conn.execute("DELETE FROM standings WHERE round_id = ?", (head.round_id,))
            conn.execute(
                "INSERT INTO standings (round_id, phase, rule, true_figure, size, computed_at, digest, signature)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    head.round_id,
                    head.phase.value,
                    head.rule,
                    head.true_figure,
                    head.size,
                    to_ms(head.computed_at),
                    head.digest,
                    head.signature,
                ),
            )
            conn.executemany(
                f"INSERT INTO standing_entries (round_id, {_ENTRY_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        head.round_id,
                        e.position,
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
                        e.name,
                        e.phone,
                        e.area,
                        e.unit,
                    )
                    for e in entries
                ],
            )

        await self.db.write(fn)

    async def head(self, round_id: int) -> Head | None:
        row = await self.db.read(
            lambda c: c.execute("SELECT * FROM standings WHERE round_id = ?", (round_id,)).fetchone()
        )
        return None if row is None else _head(row)

    async def entries(self, round_id: int, *, offset: int = 0, limit: int | None = None) -> list[StoredEntry]:
        """Entries by position from ``offset`` (0-based), at most ``limit``
        (None: all)."""
        last = offset + limit if limit is not None else 1 << 62

        def fn(conn: Conn) -> list[StoredEntry]:
            rows = conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM standing_entries WHERE round_id = ? AND position > ? AND position <= ?"
                " ORDER BY position",
                (round_id, offset, last),
            )
            return [_entry(r) for r in rows]

        return await self.db.read(fn)

    async def places(self, user_id: int) -> list[OwnPlace]:
        """The participant's place in every round with stored standings."""

        def fn(conn: Conn) -> list[OwnPlace]:
            rows = conn.execute(
                "SELECT e.round_id, s.phase, e.rank, e.score, s.size FROM standing_entries e"
                " JOIN standings s ON s.round_id = e.round_id WHERE e.user_id = ? ORDER BY e.round_id",
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

"""Requests counted per address and network, and spent proof-of-work
solutions: shared by every node through the database (migration 0013)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from contest.storage.codec import from_ms, to_ms
from contest.storage.sql import Conn, Database, lock


def _counts(conn: Conn, keys: Sequence[str], since: datetime) -> dict[str, int]:
    marks = ", ".join("?" for _ in keys)
    rows = conn.execute(
        f"SELECT key, COUNT(*) AS hits FROM limit_hits WHERE key IN ({marks}) AND at > ? GROUP BY key",
        (*keys, to_ms(since)),
    )
    return {r["key"]: r["hits"] for r in rows}


def _leaves(conn: Conn, key: str, most: int, since: datetime) -> datetime | None:
    """When the request under ``key`` whose leaving the window makes room
    was counted: the ``most``-th latest after ``since`` (None for a
    most of 0, which no wait makes room under: the caller says a whole
    window)."""
    row = conn.execute(
        "SELECT at FROM limit_hits WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?",
        (key, to_ms(since), max(most - 1, 0)),
    ).fetchone()
    return None if row is None else from_ms(row["at"])


def _hit(conn: Conn, keys: Sequence[str], now: datetime, forget_before: datetime) -> None:
    conn.execute("DELETE FROM limit_hits WHERE at < ?", (to_ms(forget_before),))
    conn.executemany("INSERT INTO limit_hits (key, at) VALUES (?, ?)", [(key, to_ms(now)) for key in keys])


class LimitStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def take(
        self, limits: Mapping[str, int], *, since: datetime, now: datetime, forget_before: datetime
    ) -> datetime | None:
        """Count one request at ``now`` under each key of ``limits`` (key: the
        most requests it may have after ``since``) and answer None,
        unless a key has had its most: then nothing is counted, and the
        answer is when every key has room again (the window's length,
        ``now - since``, after each full key's ``most``-th latest request;
        after ``now`` for a most of 0).
        Requests racing on several connections or nodes take turns
        (:func:`lock`), so no limit is overrun. Forgets requests older than
        ``forget_before``."""

        def fn(conn: Conn) -> datetime | None:
            for key in sorted(limits):  # always in one order, so two requests never wait on each other
                lock(conn, f"limit|{key}")
            counts = _counts(conn, list(limits), since)
            full = [key for key, most in limits.items() if counts.get(key, 0) >= most]
            if full:
                return max(_leaves(conn, key, limits[key], since) or now for key in full) + (now - since)
            _hit(conn, list(limits), now, forget_before)
            return None

        return await self.db.write(fn)

    async def spend(self, signature: str, *, expires_at: datetime, now: datetime) -> bool:
        """Record the solution of the challenge signed ``signature`` as used
        until ``expires_at``: False when it was used already. Forgets the
        solutions whose challenges expired before ``now``."""

        def fn(conn: Conn) -> bool:
            conn.execute("DELETE FROM spent_challenges WHERE expires_at < ?", (to_ms(now),))
            row = conn.execute(
                "INSERT INTO spent_challenges (signature, expires_at) VALUES (?, ?)"
                " ON CONFLICT (signature) DO NOTHING RETURNING signature",
                (signature, to_ms(expires_at)),
            ).fetchone()
            return row is not None

        return await self.db.write(fn)

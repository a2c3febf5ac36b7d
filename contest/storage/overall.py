"""Stored overall leaderboards (migration 0018): each contest's standings
across its published rounds as last summed (``domain/ranking.overall``, in
``services/overall.py``), so its pages read a page of rows by position."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from contest.domain.models import Phase
from contest.storage.codec import dumps, from_ms, to_ms
from contest.storage.sql import Conn, Database


class OverallRow(NamedTuple):
    """One row of ``overall_entries``: the participant's place, how many
    rounds they are ranked in, the sums (score, prediction error, time in
    ms), their latest submission (ms since the epoch) and what the public
    sees of them (``phone`` already masked)."""

    position: int
    rank: int
    user_id: int
    rounds: int
    score: int
    error: int
    duration_ms: int
    submitted_ms: int
    name: str
    phone: str
    area: str
    unit: str


@dataclass(frozen=True, slots=True)
class OverallHead:
    """A contest's stored overall standings: the rule (its Vietnamese text),
    the rounds summed (id and phase, in opening order), how many entries
    and when."""

    contest_id: int
    rule: str
    rounds: tuple[tuple[int, Phase], ...]
    size: int
    computed_at: datetime


_COLUMNS = "position, rank, user_id, rounds, score, error, duration_ms, submitted_at, name, phone, area, unit"


class OverallStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(self, head: OverallHead, rows: Sequence[OverallRow]) -> None:
        """Replace the contest's overall standings with these, in one transaction."""

        def fn(conn: Conn) -> None:
            conn.execute("DELETE FROM overall_entries WHERE contest_id = ?", (head.contest_id,))
            conn.execute("DELETE FROM overall_standings WHERE contest_id = ?", (head.contest_id,))
            conn.execute(
                "INSERT INTO overall_standings (contest_id, rule, rounds, size, computed_at) VALUES (?, ?, ?, ?, ?)",
                (
                    head.contest_id,
                    head.rule,
                    dumps([[round_id, phase.value] for round_id, phase in head.rounds]),
                    head.size,
                    to_ms(head.computed_at),
                ),
            )
            conn.executemany(
                f"INSERT INTO overall_entries (contest_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(head.contest_id, *row) for row in rows],
            )

        await self.db.write(fn)

    async def clear(self, contest_id: int) -> None:
        """No overall standings for the contest (none of its rounds is published)."""

        def fn(conn: Conn) -> None:
            conn.execute("DELETE FROM overall_entries WHERE contest_id = ?", (contest_id,))
            conn.execute("DELETE FROM overall_standings WHERE contest_id = ?", (contest_id,))

        await self.db.write(fn)

    async def head(self, contest_id: int) -> OverallHead | None:
        row = await self.db.read(
            lambda c: c.execute("SELECT * FROM overall_standings WHERE contest_id = ?", (contest_id,)).fetchone()
        )
        if row is None:
            return None
        rounds = tuple((int(r), Phase(p)) for r, p in json.loads(row["rounds"]))
        return OverallHead(row["contest_id"], row["rule"], rounds, row["size"], from_ms(row["computed_at"]))

    async def entries(self, contest_id: int, *, offset: int = 0, limit: int) -> list[OverallRow]:
        """At most ``limit`` entries by position from ``offset`` (0-based)."""

        def fn(conn: Conn) -> list[OverallRow]:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM overall_entries WHERE contest_id = ? AND position > ? AND position <= ?"
                " ORDER BY position",
                (contest_id, offset, offset + limit),
            )
            return [_row(r) for r in rows]

        return await self.db.read(fn)


def _row(r: Any) -> OverallRow:
    return OverallRow(*(r[i] for i in range(12)))

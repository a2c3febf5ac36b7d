"""Stored overall leaderboards (migration 0018): each contest's standings
across its published rounds as last summed (``domain/ranking.overall``, in
``services/overall.py``), so its pages read a page of rows by position."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from contest.domain.models import Phase
from contest.domain.ranking import OverallEntry, OverallSums
from contest.storage.codec import dumps, from_ms, to_ms
from contest.storage.sql import Conn, Database, bulk_insert, tuples


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

_STAGED = ("position", "rank", "user_id", "rounds", "score", "error", "duration_ms", "submitted_at")
"""What :meth:`OverallStore.save` takes of each entry: the position, then
an ``OverallEntry``'s fields."""

_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS overall_staging (position INTEGER NOT NULL, rank INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL, rounds INTEGER NOT NULL, score BIGINT NOT NULL, error BIGINT NOT NULL,"
    " duration_ms BIGINT NOT NULL, submitted_at BIGINT NOT NULL)"
)
"""Where :meth:`OverallStore.save` puts the entries before one ``INSERT …
SELECT`` joins them to what the rounds' standings show of each participant
(a temporary table: this connection's, emptied after)."""


def _marks(n: int) -> str:
    return ", ".join("?" * n)


class OverallStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def summed(self, round_ids: Sequence[int]) -> list[OverallSums]:
        """Each participant's sums over these rounds' stored standings, as
        ``ranking.overall_sums`` sums them, in one ``GROUP BY`` (500,000
        entries in about a second; none read into Python). ``round_ids``:
        at least one."""
        marks = _marks(len(round_ids))
        sql = (
            "SELECT e.user_id, COUNT(*), CAST(SUM(e.score) AS BIGINT),"
            " CAST(SUM(CASE WHEN s.true_figure IS NULL THEN 0 ELSE COALESCE(e.error, w.worst + 1) END) AS BIGINT),"
            " CAST(SUM(e.duration_ms) AS BIGINT), MAX(e.submitted_at)"
            " FROM standing_entries e JOIN standings s ON s.round_id = e.round_id"
            " JOIN (SELECT round_id, COALESCE(MAX(error), 0) AS worst FROM standing_entries"
            f" WHERE round_id IN ({marks}) GROUP BY round_id) w ON w.round_id = e.round_id"
            f" WHERE e.round_id IN ({marks}) GROUP BY e.user_id"
        )
        return await self.db.read(lambda c: tuples(c, sql, (*round_ids, *round_ids)))

    async def save(self, head: OverallHead, entries: Iterable[OverallEntry]) -> None:
        """Replace the contest's overall standings with ``head`` and
        ``entries`` (best first), in one transaction; each participant shown
        (name, masked phone, area, unit) as the latest of the summed rounds
        (by id) they are ranked in shows them."""
        ids = [round_id for round_id, _phase in head.rounds]
        shown = (
            f"INSERT INTO overall_entries (contest_id, {_COLUMNS})"
            f" SELECT ?, {', '.join('o.' + c for c in _STAGED)}, e.name, e.phone, e.area, e.unit"
            " FROM overall_staging o JOIN standing_entries e ON e.user_id = o.user_id AND e.round_id ="
            " (SELECT MAX(x.round_id) FROM standing_entries x WHERE x.user_id = o.user_id"
            f" AND x.round_id IN ({_marks(len(ids))}))"
            " ORDER BY o.position"
        )

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
            conn.execute(_STAGING)
            bulk_insert(conn, "overall_staging", _STAGED, ((p, *e) for p, e in enumerate(entries, start=1)))
            conn.execute(shown, (head.contest_id, *ids))
            conn.execute("DELETE FROM overall_staging")

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

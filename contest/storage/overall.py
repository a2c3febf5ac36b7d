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
from contest.storage.generations import drop, new_generation, write_chunks
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

STAGING = (
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
            " FROM standing_entries e JOIN standings s ON s.round_id = e.round_id AND s.generation = e.generation"
            " JOIN (SELECT x.round_id, COALESCE(MAX(x.error), 0) AS worst FROM standing_entries x"
            " JOIN standings sx ON sx.round_id = x.round_id AND sx.generation = x.generation"
            f" WHERE x.round_id IN ({marks}) GROUP BY x.round_id) w ON w.round_id = e.round_id"
            f" WHERE e.round_id IN ({marks}) GROUP BY e.user_id"
        )
        return await self.db.read(lambda c: tuples(c, sql, (*round_ids, *round_ids)))

    async def save(self, head: OverallHead, entries: Iterable[OverallEntry]) -> None:
        """Replace the contest's overall standings with ``head`` and
        ``entries`` (best first): written as a new generation by chunks,
        then made current in one tiny transaction (``storage/generations.py``;
        a newer generation made current meanwhile stands). Each participant
        is shown (name, masked phone, area, unit) as the latest of the summed
        rounds (by id) they are ranked in shows them."""
        ids = [round_id for round_id, _phase in head.rounds]
        generation = await new_generation(self.db)
        shown = (
            f"INSERT INTO overall_entries (contest_id, generation, {_COLUMNS})"
            f" SELECT ?, ?, {', '.join('o.' + c for c in _STAGED)}, e.name, e.phone, e.area, e.unit"
            " FROM overall_staging o JOIN standings s ON s.round_id ="
            " (SELECT MAX(x.round_id) FROM standings sx CROSS JOIN standing_entries x WHERE x.round_id = sx.round_id"
            f" AND x.generation = sx.generation AND x.user_id = o.user_id AND sx.round_id IN ({_marks(len(ids))}))"
            " JOIN standing_entries e ON e.round_id = s.round_id AND e.generation = s.generation"
            " AND e.user_id = o.user_id ORDER BY o.position"
        )

        def chunk(conn: Conn, part: list[Sequence[Any]]) -> None:
            conn.execute(STAGING)
            bulk_insert(conn, "overall_staging", _STAGED, part)
            conn.execute(shown, (head.contest_id, generation, *ids))
            conn.execute("DELETE FROM overall_staging")

        def switch(conn: Conn) -> bool:
            row = conn.execute(
                "INSERT INTO overall_standings (contest_id, rule, rounds, size, computed_at, generation)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (contest_id) DO UPDATE SET rule = excluded.rule,"
                " rounds = excluded.rounds, size = excluded.size, computed_at = excluded.computed_at,"
                " generation = excluded.generation WHERE overall_standings.generation < excluded.generation"
                " RETURNING contest_id",
                (
                    head.contest_id,
                    head.rule,
                    dumps([[round_id, phase.value] for round_id, phase in head.rounds]),
                    head.size,
                    to_ms(head.computed_at),
                    generation,
                ),
            ).fetchone()
            return row is not None

        rows = ((p, *e) for p, e in enumerate(entries, start=1))
        try:
            await write_chunks(self.db, rows, chunk)
            saved = await self.db.write(switch)
        except Exception:
            await drop(self.db, "overall_entries", "contest_id", head.contest_id, range(generation, generation + 1))
            raise
        kept = range(0, generation) if saved else range(generation, generation + 1)
        await drop(self.db, "overall_entries", "contest_id", head.contest_id, kept)

    async def clear(self, contest_id: int) -> None:
        """No overall standings for the contest (none of its rounds is published)."""
        await self.db.write(lambda c: c.execute("DELETE FROM overall_standings WHERE contest_id = ?", (contest_id,)))
        # Rows of a generation taken after this one (a save begun meanwhile) stay.
        await drop(self.db, "overall_entries", "contest_id", contest_id, range(0, await new_generation(self.db)))

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
                f"SELECT {_COLUMNS} FROM overall_entries WHERE contest_id = ?"
                " AND generation = (SELECT generation FROM overall_standings WHERE contest_id = ?)"
                " AND position > ? AND position <= ? ORDER BY position",
                (contest_id, contest_id, offset, offset + limit),
            )
            return [_row(r) for r in rows]

        return await self.db.read(fn)


def _row(r: Any) -> OverallRow:
    return OverallRow(*(r[i] for i in range(12)))

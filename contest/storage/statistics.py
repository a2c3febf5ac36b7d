"""What statistics and exports read: counts aggregated in SQL, and attempts
or participants in batches by keyset (``id > last ORDER BY id LIMIT n``,
never OFFSET), so a round of any size is read in bounded memory and each
batch costs the same."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from contest.domain.exports import ExportedAttempt, ExportedParticipant, ExportedResult, Person
from contest.domain.models import AttemptStatus
from contest.domain.statistics import DAY_MS, Analysis, Answered, ItemStats, Response
from contest.storage.codec import dumps, from_ms, keys_from_json, maybe_from_ms, to_ms
from contest.storage.leaderboards import CURRENT, IN_ORDER
from contest.storage.sql import Conn, Database

BATCH = 1000

# Batches walk the attempts' primary key (``id > last``), each costing the
# same. ``+round_id`` keeps SQLite from choosing the (round_id, status) index
# instead, which would sort the whole round again for every batch (a
# 100,000-attempt export took 14 s instead of 4), and ``+contest_id`` the
# participations' (contest_id, area_id) one; the unary plus means the same
# on PostgreSQL.

ParticipationCounts = tuple[dict[int, int], dict[str, int], dict[str, int]]
"""Distinct participants by day number, by area name, by unit."""

_SCOPES = {"round": "a.round_id = ?", "contest": "r.contest_id = ?"}
"""Which attempts a participation count covers: one round's, or every round's of a contest."""

_JOINED = (
    " FROM attempts a JOIN rounds r ON r.id = a.round_id"
    " JOIN participations p ON p.user_id = a.user_id AND p.contest_id = r.contest_id"
)

_PERSON = (
    "u.full_name, u.phone, u.cccd, u.email, u.birth_year, COALESCE(ar.name, '') AS area, COALESCE(p.unit, '') AS unit"
)


def _person(row: Any) -> Person:
    return Person(
        full_name=row["full_name"],
        phone=row["phone"],
        cccd=row["cccd"],
        email=row["email"],
        birth_year=row["birth_year"],
        area=row["area"],
        unit=row["unit"],
    )


def _pairs(conn: Conn, sql: str, params: tuple[Any, ...]) -> dict[Any, int]:
    return {r[0]: r[1] for r in conn.execute(sql, params)}


class StatisticsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def statuses(self, round_id: int) -> tuple[dict[AttemptStatus, int], int]:
        """A round's attempts by status, and its distinct participants."""

        def fn(conn: Conn) -> tuple[dict[AttemptStatus, int], int]:
            counts = _pairs(
                conn, "SELECT status, COUNT(*) FROM attempts WHERE round_id = ? GROUP BY status", (round_id,)
            )
            people = conn.execute("SELECT COUNT(DISTINCT user_id) FROM attempts WHERE round_id = ?", (round_id,))
            return {AttemptStatus(k): v for k, v in counts.items()}, people.fetchone()[0]

        return await self.db.read(fn)

    async def participation(self, *, scope: str, scope_id: int, offset_ms: int) -> ParticipationCounts:
        """Distinct participants who started an attempt in the ``scope``
        ("round" or "contest") by day number (start + ``offset_ms``, ÷ one
        day), by area name and by unit, each from the participation of the
        round's contest."""
        where = _SCOPES[scope]

        def fn(conn: Conn) -> ParticipationCounts:
            days = _pairs(
                conn,
                f"SELECT (a.started_at + CAST(? AS BIGINT)) / {DAY_MS} AS day, COUNT(DISTINCT a.user_id)"
                f"{_JOINED} WHERE {where} GROUP BY 1",
                (offset_ms, scope_id),
            )
            areas = _pairs(
                conn,
                f"SELECT ar.name, COUNT(DISTINCT a.user_id){_JOINED} JOIN areas ar ON ar.id = p.area_id"
                f" WHERE {where} GROUP BY ar.name",
                (scope_id,),
            )
            units = _pairs(
                conn, f"SELECT p.unit, COUNT(DISTINCT a.user_id){_JOINED} WHERE {where} GROUP BY p.unit", (scope_id,)
            )
            return days, areas, units

        return await self.db.read(fn)

    async def distributions(self, round_id: int) -> tuple[dict[int, int], dict[int, int]]:
        """A round's finished attempts as {score: attempts} and {whole seconds taken: attempts}."""

        def fn(conn: Conn) -> tuple[dict[int, int], dict[int, int]]:
            finished = "FROM attempts WHERE round_id = ? AND score IS NOT NULL"
            scores = _pairs(conn, f"SELECT score, COUNT(*) {finished} GROUP BY score", (round_id,))
            seconds = _pairs(
                conn, f"SELECT duration_ms / 1000, COUNT(*) {finished} GROUP BY duration_ms / 1000", (round_id,)
            )
            return scores, seconds

        return await self.db.read(fn)

    async def analysis(self, round_id: int, *, closes_at: datetime) -> Analysis | None:
        """The round's kept item analysis if it covers the close ``closes_at``
        (None: none kept, kept for another close, or out of date after a
        re-scoring)."""

        def fn(conn: Conn) -> Analysis | None:
            row = conn.execute(
                "SELECT computed_at, attempts, items FROM round_statistics WHERE round_id = ? AND closes_at = ?",
                (round_id, to_ms(closes_at)),
            ).fetchone()
            if row is None:
                return None
            items = [
                ItemStats(
                    code=i["code"],
                    drawn=i["drawn"],
                    facility=i["facility"],
                    discrimination=i["discrimination"],
                    miskey=None if i["miskey"] is None else frozenset(i["miskey"]),
                )
                for i in json.loads(row["items"])
            ]
            return Analysis(items, row["attempts"], from_ms(row["computed_at"]))

        return await self.db.read(fn)

    async def keep_analysis(self, round_id: int, analysis: Analysis, *, closes_at: datetime, now: datetime) -> None:
        """Keep ``analysis`` as the round's for the close ``closes_at``
        (replacing one kept before)."""
        items = dumps(
            [
                {
                    "code": i.code,
                    "drawn": i.drawn,
                    "facility": i.facility,
                    "discrimination": i.discrimination,
                    "miskey": None if i.miskey is None else sorted(i.miskey),
                }
                for i in analysis.items
            ]
        )
        await self.db.write(
            lambda conn: conn.execute(
                "INSERT INTO round_statistics (round_id, closes_at, computed_at, attempts, items)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id) DO UPDATE SET closes_at = excluded.closes_at,"
                " computed_at = excluded.computed_at, attempts = excluded.attempts, items = excluded.items",
                (round_id, to_ms(closes_at), to_ms(now), analysis.attempts, items),
            )
        )

    async def unanalysed(self, *, closed_before: datetime) -> list[tuple[int, datetime]]:
        """Rounds (id, close) closed before ``closed_before`` without an item
        analysis kept for their present close (none yet, a close moved later,
        a re-scoring since), the earliest closed first."""

        def fn(conn: Conn) -> list[tuple[int, datetime]]:
            return [
                (r[0], from_ms(r[1]))
                for r in conn.execute(
                    "SELECT r.id, r.closes_at FROM rounds r LEFT JOIN round_statistics s ON s.round_id = r.id"
                    " WHERE r.closes_at < ? AND (s.closes_at IS NULL OR s.closes_at <> r.closes_at)"
                    " ORDER BY r.closes_at, r.id",
                    (to_ms(closed_before),),
                )
            ]

        return await self.db.read(fn)

    async def responses(self, round_id: int, *, batch: int = BATCH) -> AsyncIterator[list[Response]]:
        """Every finished attempt of the round with its answers in bank
        letters, in batches of ``batch`` attempts."""
        after = 0
        while True:

            def fn(conn: Conn, after: int = after) -> tuple[int, list[Response]]:
                rows = conn.execute(
                    "SELECT id, score, questions FROM attempts WHERE +round_id = ? AND score IS NOT NULL AND id > ?"
                    " ORDER BY id LIMIT ?",
                    (round_id, after, batch),
                ).fetchall()
                if not rows:
                    return after, []
                chosen: dict[tuple[int, int], list[int]] = {}
                marks = ", ".join("?" for _ in rows)
                for r in conn.execute(
                    f"SELECT attempt_id, question_id, options FROM answers WHERE attempt_id IN ({marks})",
                    tuple(r["id"] for r in rows),
                ):
                    chosen[r["attempt_id"], r["question_id"]] = json.loads(r["options"])
                return rows[-1]["id"], [_response(r, chosen) for r in rows]

            after, responses = await self.db.read(fn)
            if not responses:
                return
            yield responses

    async def attempts(self, round_id: int, *, batch: int = BATCH) -> AsyncIterator[list[ExportedAttempt]]:
        """The round's attempts in id order with who made them, in batches."""
        after = 0
        while True:

            def fn(conn: Conn, after: int = after) -> list[ExportedAttempt]:
                rows = conn.execute(
                    "SELECT a.id, a.number, a.status, a.started_at, a.submitted_at, a.correct, a.total, a.score,"
                    f" a.duration_ms, a.prediction, {_PERSON}"
                    " FROM attempts a JOIN users u ON u.id = a.user_id JOIN rounds r ON r.id = a.round_id"
                    " LEFT JOIN participations p ON p.user_id = a.user_id AND p.contest_id = r.contest_id"
                    " LEFT JOIN areas ar ON ar.id = p.area_id"
                    " WHERE +a.round_id = ? AND a.id > ? ORDER BY a.id LIMIT ?",
                    (round_id, after, batch),
                )
                return [
                    ExportedAttempt(
                        id=r["id"],
                        person=_person(r),
                        number=r["number"],
                        status=AttemptStatus(r["status"]),
                        started_at=from_ms(r["started_at"]),
                        submitted_at=maybe_from_ms(r["submitted_at"]),
                        correct=r["correct"],
                        total=r["total"],
                        score=r["score"],
                        duration_ms=r["duration_ms"],
                        prediction=r["prediction"],
                    )
                    for r in rows
                ]

            rows = await self.db.read(fn)
            if not rows:
                return
            after = rows[-1].id
            yield rows

    async def participants(self, contest_id: int, *, batch: int = BATCH) -> AsyncIterator[list[ExportedParticipant]]:
        """The contest's participants in account order, each with the number
        of attempts they made in its rounds, in batches."""
        after = 0
        while True:

            def fn(conn: Conn, after: int = after) -> list[ExportedParticipant]:
                rows = conn.execute(
                    f"SELECT p.user_id, p.joined_at, {_PERSON},"
                    " (SELECT COUNT(*) FROM attempts a JOIN rounds r ON r.id = a.round_id"
                    "  WHERE a.user_id = p.user_id AND r.contest_id = p.contest_id) AS attempts"
                    " FROM participations p JOIN users u ON u.id = p.user_id LEFT JOIN areas ar ON ar.id = p.area_id"
                    " WHERE +p.contest_id = ? AND p.user_id > ? ORDER BY p.user_id LIMIT ?",
                    (contest_id, after, batch),
                )
                return [
                    ExportedParticipant(
                        user_id=r["user_id"],
                        person=_person(r),
                        joined_at=from_ms(r["joined_at"]),
                        attempts=r["attempts"],
                    )
                    for r in rows
                ]

            rows = await self.db.read(fn)
            if not rows:
                return
            after = rows[-1].user_id
            yield rows

    async def results(self, round_id: int, *, batch: int = BATCH) -> AsyncIterator[list[ExportedResult]]:
        """The round's stored standings in order, each with the account's
        contact details (the entry keeps the name, area and unit as ranked),
        in batches by position."""
        after = 0
        while True:

            def fn(conn: Conn, after: int = after) -> list[tuple[int, ExportedResult]]:
                rows = conn.execute(
                    "SELECT e.position, e.rank, e.score, e.correct, e.total, e.duration_ms, e.submitted_at,"
                    " e.prediction, e.error, e.attempt_id, e.name AS full_name, e.area, e.unit,"
                    " u.phone, u.cccd, u.email, u.birth_year"
                    f" FROM {IN_ORDER} JOIN users u ON u.id = e.user_id"
                    f" WHERE o.round_id = ? AND o.{CURRENT} AND o.position > ? ORDER BY o.position LIMIT ?",
                    (round_id, round_id, after, batch),
                )
                return [
                    (
                        r["position"],
                        ExportedResult(
                            rank=r["rank"],
                            person=_person(r),
                            score=r["score"],
                            correct=r["correct"],
                            total=r["total"],
                            duration_ms=r["duration_ms"],
                            submitted_at=from_ms(r["submitted_at"]),
                            prediction=r["prediction"],
                            error=r["error"],
                            attempt_id=r["attempt_id"],
                        ),
                    )
                    for r in rows
                ]

            rows = await self.db.read(fn)
            if not rows:
                return
            after = rows[-1][0]
            yield [row for _, row in rows]


def _response(row: Any, chosen: dict[tuple[int, int], list[int]]) -> Response:
    """An attempt's answers in bank letters: shown option ids (1, 2, …) are
    positions in the attempt's stored letters."""
    answers = []
    for key in keys_from_json(row["questions"]):
        letters = key.letters
        picked = chosen.get((row["id"], key.id), [])
        answers.append(
            Answered(
                code=key.code,
                key=frozenset(letters[i - 1] for i in key.correct if 0 < i <= len(letters)),
                chosen=frozenset(letters[i - 1] for i in picked if 0 < i <= len(letters)),
            )
        )
    return Response(score=row["score"], answers=answers)

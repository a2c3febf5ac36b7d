"""Complaints, their answers and disqualifications (the rules:
``domain/judging.py``), each change logged in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from contest.domain.judging import Move, Review
from contest.domain.models import AttemptSummary, Phase
from contest.domain.prizes import Decision, Prize
from contest.storage.attempts import _SUMMARY_COLUMNS as SUMMARY_COLUMNS
from contest.storage.attempts import _summary as summary_of
from contest.storage.audit import record
from contest.storage.codec import dumps, from_ms, maybe_from_ms, to_ms
from contest.storage.sql import Conn, Database


@dataclass(frozen=True, slots=True)
class Complaint:
    """A participant's complaint about a question of ``attempt_id`` (the
    question's place in the attempt) or, when ``question_id`` is None, about
    their result; ``answer`` is None until a judge answers."""

    id: int
    round_id: int
    attempt_id: int
    user_id: int
    participant: str
    question_id: int | None
    body: str
    filed_at: datetime
    answer: str | None
    answered_by: str
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Disqualification:
    """A participant's whole round (``attempt_id`` None) or one attempt out of
    the ranking, with the judge's reason; lifted once ``reinstated_at`` is set."""

    id: int
    round_id: int
    user_id: int
    participant: str
    attempt_id: int | None
    reason: str
    decided_by: str
    decided_at: datetime
    reinstated_by: str
    reinstated_at: datetime | None
    reinstate_reason: str

    @property
    def active(self) -> bool:
        return self.reinstated_at is None


_COMPLAINT = (
    "SELECT c.id, c.round_id, c.attempt_id, c.user_id, p.full_name AS participant, c.question_id, c.body,"
    " c.filed_at, c.answer, COALESCE(j.full_name, '') AS answered_by, c.answered_at FROM complaints c"
    " JOIN users p ON p.id = c.user_id LEFT JOIN users j ON j.id = c.answered_by"
)
_DISQUALIFICATION = (
    "SELECT d.id, d.round_id, d.user_id, p.full_name AS participant, d.attempt_id, d.reason,"
    " COALESCE(j.full_name, '') AS decided_by, d.decided_at, COALESCE(r.full_name, '') AS reinstated_by,"
    " d.reinstated_at, COALESCE(d.reinstate_reason, '') AS reinstate_reason FROM disqualifications d"
    " JOIN users p ON p.id = d.user_id LEFT JOIN users j ON j.id = d.decided_by"
    " LEFT JOIN users r ON r.id = d.reinstated_by"
)


MOVES_LOGGED = 1000
"""How many moves a re-publication's log entry lists by name."""


def _complaint(r: Any) -> Complaint:
    return Complaint(
        r["id"],
        r["round_id"],
        r["attempt_id"],
        r["user_id"],
        r["participant"],
        r["question_id"],
        r["body"],
        from_ms(r["filed_at"]),
        r["answer"],
        r["answered_by"],
        maybe_from_ms(r["answered_at"]),
    )


def _disqualification(r: Any) -> Disqualification:
    return Disqualification(
        r["id"],
        r["round_id"],
        r["user_id"],
        r["participant"],
        r["attempt_id"],
        r["reason"],
        r["decided_by"],
        from_ms(r["decided_at"]),
        r["reinstated_by"],
        maybe_from_ms(r["reinstated_at"]),
        r["reinstate_reason"],
    )


def _details(conn: Conn, found: Disqualification, reason: str) -> dict[str, Any]:
    """What the log keeps of a disqualification or reinstatement: who, which
    of their attempts (its number, 1, 2, …; none: the whole round) and why."""
    number = None
    if found.attempt_id is not None:
        number = conn.execute("SELECT number FROM attempts WHERE id = ?", (found.attempt_id,)).fetchone()["number"]
    return {"participant": found.participant, "attempt": found.attempt_id, "number": number, "reason": reason}


def to_ms_delta(span: timedelta) -> int:
    return int(span.total_seconds() * 1000)


def _subject(round_id: int) -> str:
    return f"round:{round_id}"


class JudgingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def review(self, round_id: int) -> Review | None:
        """The round's stored phase, its latest provisional publication, its
        complaint window and unanswered complaints, read now; None when there
        is no such round."""

        def fn(conn: Conn) -> Review | None:
            row = conn.execute(
                "SELECT phase, complaint_window_hours,"
                " (SELECT MAX(changed_at) FROM round_phase_changes WHERE round_id = r.id AND to_phase = ?)"
                " AS published_at,"
                " (SELECT COUNT(*) FROM complaints WHERE round_id = r.id AND answer IS NULL) AS unanswered"
                " FROM rounds r WHERE r.id = ?",
                (Phase.PROVISIONAL.value, round_id),
            ).fetchone()
            if row is None:
                return None
            return Review(
                Phase(row["phase"]),
                maybe_from_ms(row["published_at"]),
                row["complaint_window_hours"],
                row["unanswered"],
            )

        return await self.db.read(fn)

    async def file(
        self, *, round_id: int, attempt_id: int, user_id: int, question_id: int | None, body: str, now: datetime
    ) -> Complaint | None:
        """Store a complaint if the round is still provisional; None (nothing
        stored) when it moved meanwhile."""

        def fn(conn: Conn) -> Complaint | None:
            row = conn.execute(
                "INSERT INTO complaints (round_id, attempt_id, user_id, question_id, body, filed_at)"
                " SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM rounds WHERE id = ? AND phase = ?)"
                " RETURNING id",
                (round_id, attempt_id, user_id, question_id, body, to_ms(now), round_id, Phase.PROVISIONAL.value),
            ).fetchone()
            if row is None:
                return None
            return _complaint(conn.execute(f"{_COMPLAINT} WHERE c.id = ?", (row["id"],)).fetchone())

        return await self.db.write(fn)

    async def complaint(self, complaint_id: int) -> Complaint | None:
        def fn(conn: Conn) -> Complaint | None:
            row = conn.execute(f"{_COMPLAINT} WHERE c.id = ?", (complaint_id,)).fetchone()
            return None if row is None else _complaint(row)

        return await self.db.read(fn)

    async def complaints(self, *, round_id: int | None = None, attempt_id: int | None = None) -> list[Complaint]:
        """A round's complaints, or an attempt's, oldest first."""

        def fn(conn: Conn) -> list[Complaint]:
            rows = conn.execute(
                f"{_COMPLAINT} WHERE (CAST(? AS BIGINT) IS NULL OR c.round_id = ?)"
                " AND (CAST(? AS BIGINT) IS NULL OR c.attempt_id = ?) ORDER BY c.id",
                (round_id, round_id, attempt_id, attempt_id),
            )
            return [_complaint(r) for r in rows]

        return await self.db.read(fn)

    async def answer(self, *, complaint: Complaint, text: str, user_id: int, now: datetime) -> bool:
        """Store a judge's answer to a complaint not answered yet, logged;
        False (nothing written) when someone answered it meanwhile."""

        def fn(conn: Conn) -> bool:
            done = conn.execute(
                "UPDATE complaints SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ? AND answer IS NULL",
                (text, user_id, to_ms(now), complaint.id),
            ).rowcount
            if done:
                details = {"complaint": complaint.id, "participant": complaint.participant, "answer": text}
                subject = _subject(complaint.round_id)
                record(conn, actor_id=user_id, action="round.answer", subject=subject, details=details, now=now)
            return bool(done)

        return await self.db.write(fn)

    async def disqualify(
        self, *, round_id: int, user_id: int, attempt_id: int | None, reason: str, judge_id: int, now: datetime
    ) -> Disqualification | None:
        """Put a participant's round (``attempt_id`` None) or one attempt out,
        logged, if the round is still under review and no disqualification of
        the same is in force; None (nothing written) otherwise."""

        def fn(conn: Conn) -> Disqualification | None:
            row = conn.execute(
                "INSERT INTO disqualifications (round_id, user_id, attempt_id, reason, decided_by, decided_at)"
                " SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM rounds WHERE id = ? AND phase = ?)"
                " AND NOT EXISTS (SELECT 1 FROM disqualifications WHERE round_id = ? AND user_id = ?"
                " AND reinstated_at IS NULL AND (attempt_id = ? OR (attempt_id IS NULL AND CAST(? AS BIGINT) IS NULL)))"
                " RETURNING id",
                (
                    round_id,
                    user_id,
                    attempt_id,
                    reason,
                    judge_id,
                    to_ms(now),
                    round_id,
                    Phase.UNDER_REVIEW.value,
                    round_id,
                    user_id,
                    attempt_id,
                    attempt_id,
                ),
            ).fetchone()
            if row is None:
                return None
            found = _disqualification(conn.execute(f"{_DISQUALIFICATION} WHERE d.id = ?", (row["id"],)).fetchone())
            details = _details(conn, found, reason)
            record(
                conn, actor_id=judge_id, action="round.disqualify", subject=_subject(round_id), details=details, now=now
            )
            return found

        return await self.db.write(fn)

    async def disqualification(self, disqualification_id: int) -> Disqualification | None:
        def fn(conn: Conn) -> Disqualification | None:
            row = conn.execute(f"{_DISQUALIFICATION} WHERE d.id = ?", (disqualification_id,)).fetchone()
            return None if row is None else _disqualification(row)

        return await self.db.read(fn)

    async def disqualifications(self, round_id: int) -> list[Disqualification]:
        """Every disqualification of the round, lifted ones included, oldest first."""

        def fn(conn: Conn) -> list[Disqualification]:
            rows = conn.execute(f"{_DISQUALIFICATION} WHERE d.round_id = ? ORDER BY d.id", (round_id,))
            return [_disqualification(r) for r in rows]

        return await self.db.read(fn)

    async def reinstate(self, *, found: Disqualification, reason: str, judge_id: int, now: datetime) -> bool:
        """Lift a disqualification in force, logged, if the round is still
        under review; False (nothing written) otherwise."""

        def fn(conn: Conn) -> bool:
            done = conn.execute(
                "UPDATE disqualifications SET reinstated_by = ?, reinstated_at = ?, reinstate_reason = ?"
                " WHERE id = ? AND reinstated_at IS NULL"
                " AND EXISTS (SELECT 1 FROM rounds WHERE id = disqualifications.round_id AND phase = ?)",
                (judge_id, to_ms(now), reason, found.id, Phase.UNDER_REVIEW.value),
            ).rowcount
            if done:
                details = _details(conn, found, reason)
                subject = _subject(found.round_id)
                record(conn, actor_id=judge_id, action="round.reinstate", subject=subject, details=details, now=now)
            return bool(done)

        return await self.db.write(fn)

    async def excluded(self, round_id: int) -> tuple[frozenset[int], frozenset[int]]:
        """What the ranking leaves out: the participants whose whole round is
        disqualified, and the attempts disqualified one by one."""

        def fn(conn: Conn) -> tuple[frozenset[int], frozenset[int]]:
            rows = conn.execute(
                "SELECT user_id, attempt_id FROM disqualifications WHERE round_id = ? AND reinstated_at IS NULL",
                (round_id,),
            ).fetchall()
            users = frozenset(r["user_id"] for r in rows if r["attempt_id"] is None)
            return users, frozenset(r["attempt_id"] for r in rows if r["attempt_id"] is not None)

        return await self.db.read(fn)

    async def twins(self, round_id: int, user_ids: Sequence[int]) -> dict[int, int]:
        """For each of ``user_ids``, how many other accounts that took the
        round have the same full name and year of birth."""
        if not user_ids:
            return {}
        marks = ", ".join("?" for _ in user_ids)

        def fn(conn: Conn) -> dict[int, int]:
            rows = conn.execute(
                "SELECT u.id, (SELECT COUNT(*) FROM users o WHERE o.full_name = u.full_name"
                " AND o.birth_year = u.birth_year AND o.id <> u.id"
                " AND EXISTS (SELECT 1 FROM attempts a WHERE a.user_id = o.id AND a.round_id = ?)) AS twins"
                f" FROM users u WHERE u.id IN ({marks})",
                (round_id, *user_ids),
            )
            return {r["id"]: r["twins"] for r in rows}

        return await self.db.read(fn)

    async def attempts_of(self, round_id: int, user_ids: Sequence[int]) -> dict[int, list[AttemptSummary]]:
        """Every attempt of each of ``user_ids`` in the round, by number."""
        if not user_ids:
            return {}
        marks = ", ".join("?" for _ in user_ids)

        def fn(conn: Conn) -> dict[int, list[AttemptSummary]]:
            rows = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM attempts WHERE round_id = ? AND user_id IN ({marks})"
                " ORDER BY user_id, number",
                (round_id, *user_ids),
            )
            found: dict[int, list[AttemptSummary]] = {}
            for r in rows:
                summary = summary_of(r)
                found.setdefault(summary.user_id, []).append(summary)
            return found

        return await self.db.read(fn)

    async def saved_at(self, attempt_id: int) -> dict[int, datetime]:
        """When each answered question of the attempt was last saved."""

        def fn(conn: Conn) -> dict[int, datetime]:
            rows = conn.execute(
                "SELECT question_id, saved_at FROM answers WHERE attempt_id = ? AND options <> '[]'", (attempt_id,)
            )
            return {r["question_id"]: from_ms(r["saved_at"]) for r in rows}

        return await self.db.read(fn)

    async def published(self, round_id: int) -> dict[int, tuple[str, int]]:
        """Each participant's name and rank as last published (empty before
        the first publication)."""

        def fn(conn: Conn) -> dict[int, tuple[str, int]]:
            rows = conn.execute(
                "SELECT p.user_id, u.full_name, p.rank FROM published_ranks p JOIN users u ON u.id = p.user_id"
                " WHERE p.round_id = ?",
                (round_id,),
            )
            return {r["user_id"]: (r["full_name"], r["rank"]) for r in rows}

        return await self.db.read(fn)

    async def publish(
        self, *, round_id: int, ranks: dict[int, int], moved: Sequence[Move], first: bool, judge_id: int, now: datetime
    ) -> None:
        """Keep ``ranks`` (user -> rank) as the round's published ranks and,
        for a re-publication (not ``first``), log who moved (at most
        :data:`MOVES_LOGGED` of them, with how many in all)."""

        def fn(conn: Conn) -> None:
            conn.execute("DELETE FROM published_ranks WHERE round_id = ?", (round_id,))
            conn.executemany(
                "INSERT INTO published_ranks (round_id, user_id, rank) VALUES (?, ?, ?)",
                [(round_id, user, rank) for user, rank in ranks.items()],
            )
            if not first:
                details = {
                    "moved": len(moved),
                    "moves": [[m.name, m.before, m.after] for m in moved[:MOVES_LOGGED]],
                }
                record(
                    conn,
                    actor_id=judge_id,
                    action="round.republish",
                    subject=_subject(round_id),
                    details=details,
                    now=now,
                )

        await self.db.write(fn)

    async def note_client(self, attempt_id: int, address: str, agent: str) -> None:
        """Where an attempt was started from, kept the first time only."""
        await self.db.write(
            lambda c: c.execute(
                "UPDATE attempts SET client_address = ?, client_agent = ? WHERE id = ? AND client_address IS NULL",
                (address, agent, attempt_id),
            )
        )

    async def client(self, attempt_id: int) -> tuple[str, str] | None:
        """The address and browser an attempt was started from (None: not known)."""

        def fn(conn: Conn) -> tuple[str, str] | None:
            row = conn.execute(
                "SELECT client_address, client_agent FROM attempts WHERE id = ?", (attempt_id,)
            ).fetchone()
            if row is None or row["client_address"] is None:
                return None
            return row["client_address"], row["client_agent"] or ""

        return await self.db.read(fn)

    async def neighbours(self, attempt_ids: Sequence[int], *, within: timedelta) -> dict[int, int]:
        """For each of ``attempt_ids``, how many other accounts started an
        attempt in the same round from the same address within ``within``."""
        if not attempt_ids:
            return {}
        marks = ", ".join("?" for _ in attempt_ids)

        def fn(conn: Conn) -> dict[int, int]:
            rows = conn.execute(
                "SELECT a.id, COUNT(DISTINCT o.user_id) AS others FROM attempts a JOIN attempts o"
                " ON o.round_id = a.round_id AND o.client_address = a.client_address AND o.user_id <> a.user_id"
                " AND o.started_at BETWEEN a.started_at - ? AND a.started_at + ?"
                f" WHERE a.id IN ({marks}) GROUP BY a.id",
                (to_ms_delta(within), to_ms_delta(within), *attempt_ids),
            )
            return {r["id"]: r["others"] for r in rows}

        return await self.db.read(fn)

    async def copies(self, attempt_ids: Sequence[int]) -> dict[int, list[str]]:
        """For each of ``attempt_ids``, the names of the other accounts with
        a finished attempt in the same round of the same answer sheet
        (``flags.sheet``), by name; each a lookup of the index on
        (round, sheet), never a comparison of pairs."""
        if not attempt_ids:
            return {}
        marks = ", ".join("?" for _ in attempt_ids)

        def fn(conn: Conn) -> dict[int, list[str]]:
            rows = conn.execute(
                "SELECT DISTINCT a.id, o.user_id, u.full_name FROM attempts a JOIN attempts o"
                " ON o.round_id = a.round_id AND o.sheet = a.sheet AND o.user_id <> a.user_id"
                f" JOIN users u ON u.id = o.user_id WHERE a.id IN ({marks}) AND a.sheet IS NOT NULL"
                " ORDER BY a.id, u.full_name, o.user_id",
                tuple(attempt_ids),
            )
            found: dict[int, list[str]] = {}
            for r in rows:
                found.setdefault(r["id"], []).append(r["full_name"])
            return found

        return await self.db.read(fn)

    async def decisions(self, round_id: int) -> list[PrizeDecision]:
        """The judges' decisions on the round's boundary ties in force: the
        newest for each rank, by rank."""

        def fn(conn: Conn) -> list[PrizeDecision]:
            rows = conn.execute(
                f"{_DECISION} WHERE d.round_id = ? AND d.id = (SELECT MAX(id) FROM prize_decisions n"
                " WHERE n.round_id = d.round_id AND n.rank = d.rank) ORDER BY d.rank",
                (round_id,),
            )
            return [_decision(r) for r in rows]

        return await self.db.read(fn)

    async def decide(
        self, *, round_id: int, decision: Decision, phases: Sequence[Phase], judge_id: int, now: datetime
    ) -> PrizeDecision | None:
        """Store the judges' decision on a boundary tie while the round is in
        one of ``phases``, logged with the decision it replaces at that rank
        (before) and itself (after), participants by name; None (nothing
        written) when the round is in another phase."""

        def fn(conn: Conn) -> PrizeDecision | None:
            marks = ", ".join("?" for _ in phases)
            before = conn.execute(
                f"{_DECISION} WHERE d.round_id = ? AND d.rank = ? ORDER BY d.id DESC LIMIT 1",
                (round_id, decision.rank),
            ).fetchone()
            row = conn.execute(
                "INSERT INTO prize_decisions (round_id, rank, tied, places, prize, winners, reason, decided_by,"
                " decided_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?"
                f" WHERE EXISTS (SELECT 1 FROM rounds WHERE id = ? AND phase IN ({marks})) RETURNING id",
                (
                    round_id,
                    decision.rank,
                    dumps(list(decision.tied)),
                    dumps([[k.value if k else None, n] for k, n in decision.places]),
                    decision.prize.value,
                    dumps(list(decision.winners)),
                    decision.reason,
                    judge_id,
                    to_ms(now),
                    round_id,
                    *(p.value for p in phases),
                ),
            ).fetchone()
            if row is None:
                return None
            made = _decision(conn.execute(f"{_DECISION} WHERE d.id = ?", (row["id"],)).fetchone())
            names = _names(conn, [*decision.tied, *(_decision(before).decision.tied if before else ())])

            def told(d: Decision) -> dict[str, Any]:
                return {
                    "prize": d.prize.label,
                    "winners": [names.get(u, "") for u in d.winners],
                    "reason": d.reason,
                }

            details = {
                "rank": decision.rank,
                "tied": [names.get(u, "") for u in decision.tied],
                "before": told(_decision(before).decision) if before else None,
                "after": told(decision),
            }
            record(
                conn,
                actor_id=judge_id,
                action="round.prize_decision",
                subject=_subject(round_id),
                details=details,
                now=now,
            )
            return made

        return await self.db.write(fn)


@dataclass(frozen=True, slots=True)
class PrizeDecision:
    """A decision on a boundary tie as stored: who made it and when."""

    id: int
    decision: Decision
    decided_by: str
    decided_at: datetime


_DECISION = (
    "SELECT d.id, d.rank, d.tied, d.places, d.prize, d.winners, d.reason, COALESCE(j.full_name, '') AS decided_by,"
    " d.decided_at FROM prize_decisions d LEFT JOIN users j ON j.id = d.decided_by"
)


def _decision(r: Any) -> PrizeDecision:
    places = tuple((None if k is None else Prize(k), n) for k, n in json.loads(r["places"]))
    decision = Decision(
        r["rank"], tuple(json.loads(r["tied"])), places, Prize(r["prize"]), tuple(json.loads(r["winners"])), r["reason"]
    )
    return PrizeDecision(r["id"], decision, r["decided_by"], from_ms(r["decided_at"]))


def _names(conn: Conn, user_ids: Sequence[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    marks = ", ".join("?" for _ in user_ids)
    rows = conn.execute(f"SELECT id, full_name FROM users WHERE id IN ({marks})", tuple(user_ids))
    return {r["id"]: r["full_name"] for r in rows}

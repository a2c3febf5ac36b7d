"""Participants as the organising committee sees them: their personal data,
what they gave for each contest, whether their account is disabled and
whether the committee marked it a duplicate of another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contest.storage.audit import record
from contest.storage.codec import from_ms, maybe_from_ms, to_ms
from contest.storage.sql import Conn, Database


@dataclass(frozen=True, slots=True)
class Participant:
    """One participant's account, and their participation in one contest
    when read for a contest (``area`` and ``unit`` empty otherwise)."""

    id: int
    full_name: str
    phone: str | None
    email: str | None
    cccd: str | None
    birth_year: int | None
    disabled_at: datetime | None
    duplicate_of: int | None
    """The account the committee marked this one a duplicate of."""
    area: str = ""
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Joined:
    """A contest a participant joined, with what they gave for it."""

    contest_id: int
    area: str
    unit: str
    joined_at: datetime


_COLUMNS = "u.id, u.full_name, u.phone, u.email, u.cccd, u.birth_year, u.disabled_at, d.duplicate_of"
_FROM = " FROM users u LEFT JOIN duplicate_marks d ON d.user_id = u.id"


def _participant(row: Any, **contest: str) -> Participant:
    return Participant(
        id=row["id"],
        full_name=row["full_name"],
        phone=row["phone"],
        email=row["email"],
        cccd=row["cccd"],
        birth_year=row["birth_year"],
        disabled_at=maybe_from_ms(row["disabled_at"]),
        duplicate_of=row["duplicate_of"],
        **contest,
    )


class ParticipantStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of_contest(self, contest_id: int, *, area_id: int | None = None) -> list[Participant]:
        """Everyone who joined the contest (only those of ``area_id`` when
        given), by name then id, each with the area and unit they gave."""

        def fn(conn: Conn) -> list[Participant]:
            rows = conn.execute(
                f"SELECT {_COLUMNS}, a.name AS area, p.unit{_FROM}"
                " JOIN participations p ON p.user_id = u.id JOIN areas a ON a.id = p.area_id"
                " WHERE p.contest_id = ? AND (CAST(? AS BIGINT) IS NULL OR p.area_id = ?)"
                " ORDER BY u.full_name, u.id",
                (contest_id, area_id, area_id),
            )
            return [_participant(r, area=r["area"], unit=r["unit"]) for r in rows]

        return await self.db.read(fn)

    async def get(self, user_id: int) -> tuple[Participant, list[Joined]] | None:
        """A participant's account and the contests they joined, in the order
        they joined; None when there is no participant of that id (staff
        accounts are not participants)."""

        def fn(conn: Conn) -> tuple[Participant, list[Joined]] | None:
            row = conn.execute(
                f"SELECT {_COLUMNS}{_FROM} WHERE u.id = ? AND u.role = 'participant'", (user_id,)
            ).fetchone()
            if row is None:
                return None
            joined = conn.execute(
                "SELECT p.contest_id, a.name AS area, p.unit, p.joined_at FROM participations p"
                " JOIN areas a ON a.id = p.area_id WHERE p.user_id = ? ORDER BY p.joined_at, p.contest_id",
                (user_id,),
            )
            return _participant(row), [
                Joined(r["contest_id"], r["area"], r["unit"], from_ms(r["joined_at"])) for r in joined
            ]

        return await self.db.read(fn)

    async def mark_duplicate(
        self, user_id: int, *, of: int, note: str, actor_id: int | None, now: datetime, names: tuple[str, str]
    ) -> None:
        """Mark account ``user_id`` a duplicate of ``of`` (replacing an
        earlier mark), logged with the mark before and after; ``names`` are
        the two accounts' names for the log."""

        def fn(conn: Conn) -> None:
            before = conn.execute("SELECT duplicate_of FROM duplicate_marks WHERE user_id = ?", (user_id,)).fetchone()
            conn.execute(
                "INSERT INTO duplicate_marks (user_id, duplicate_of, note, marked_by, marked_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET duplicate_of = excluded.duplicate_of,"
                " note = excluded.note, marked_by = excluded.marked_by, marked_at = excluded.marked_at",
                (user_id, of, note, actor_id, to_ms(now)),
            )
            record(
                conn,
                actor_id=actor_id,
                action="account.duplicate",
                subject=f"user:{user_id}",
                details={
                    "name": names[0],
                    "of_name": names[1],
                    **({"reason": note} if note else {}),
                    "before": {"duplicate_of": before["duplicate_of"] if before else None},
                    "after": {"duplicate_of": of},
                },
                now=now,
            )

        await self.db.write(fn)

    async def unmark_duplicate(self, user_id: int, *, actor_id: int | None, now: datetime, name: str) -> bool:
        """Remove the mark; False (nothing logged) when there was none."""

        def fn(conn: Conn) -> bool:
            row = conn.execute(
                "DELETE FROM duplicate_marks WHERE user_id = ? RETURNING duplicate_of", (user_id,)
            ).fetchone()
            if row is None:
                return False
            record(
                conn,
                actor_id=actor_id,
                action="account.unduplicate",
                subject=f"user:{user_id}",
                details={
                    "name": name,
                    "before": {"duplicate_of": row["duplicate_of"]},
                    "after": {"duplicate_of": None},
                },
                now=now,
            )
            return True

        return await self.db.write(fn)

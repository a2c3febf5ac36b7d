"""Who joined which contest, with the area and unit they gave for it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contest.domain.models import Participation
from contest.storage.codec import from_ms, to_ms
from contest.storage.sql import Conn, Database

INSERT = (
    "INSERT INTO participations (user_id, contest_id, area_id, unit, joined_at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (user_id, contest_id) DO NOTHING"
)
"""Parameters: user id, contest id, area id, unit, joined at (ms). Shared with
registration, which creates the account and its first participation in one
transaction (:meth:`AccountStore.create_participant`)."""


def _participation(row: Any) -> Participation:
    return Participation(
        user_id=row["user_id"],
        contest_id=row["contest_id"],
        area_id=row["area_id"],
        unit=row["unit"],
        joined_at=from_ms(row["joined_at"]),
    )


class ParticipationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def join(self, *, user_id: int, contest_id: int, area_id: int, unit: str, now: datetime) -> bool:
        """Record the participation; False when this participant had already
        joined this contest (what they gave then is kept)."""

        def fn(conn: Conn) -> bool:
            return conn.execute(INSERT, (user_id, contest_id, area_id, unit, to_ms(now))).rowcount == 1

        return await self.db.write(fn)

    async def of_user(self, user_id: int) -> list[Participation]:
        """The contests this participant joined, in the order they joined them."""

        def fn(conn: Conn) -> list[Participation]:
            rows = conn.execute(
                "SELECT * FROM participations WHERE user_id = ? ORDER BY joined_at, contest_id", (user_id,)
            )
            return [_participation(r) for r in rows]

        return await self.db.read(fn)

    async def change(self, *, user_id: int, contest_id: int, area_id: int, unit: str) -> bool:
        """Set the area and unit this participant gave for the contest; False
        when they have not joined it."""

        def fn(conn: Conn) -> bool:
            return (
                conn.execute(
                    "UPDATE participations SET area_id = ?, unit = ? WHERE user_id = ? AND contest_id = ?",
                    (area_id, unit, user_id, contest_id),
                ).rowcount
                == 1
            )

        return await self.db.write(fn)

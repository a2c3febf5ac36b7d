"""Rounds' phases as people decided them, and who moved each, when and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contest.domain.models import Phase
from contest.storage.audit import record
from contest.storage.codec import from_ms, to_ms
from contest.storage.sql import Conn, Database


@dataclass(frozen=True, slots=True)
class PhaseChange:
    round_id: int
    from_phase: Phase
    to_phase: Phase
    actor: str
    note: str
    changed_at: datetime


class PhaseStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def stored(self, round_id: int) -> Phase | None:
        """The round's stored phase, read now (not from any cache); None when
        there is no such round."""
        row = await self.db.read(lambda c: c.execute("SELECT phase FROM rounds WHERE id = ?", (round_id,)).fetchone())
        return None if row is None else Phase(row["phase"])

    async def move(
        self, *, round_id: int, stored: Phase, from_phase: Phase, to: Phase, user_id: int, note: str, now: datetime
    ) -> bool:
        """Store ``to`` as the round's phase and record the change from
        ``from_phase`` (in ``round_phase_changes`` and the audit log), if the
        stored phase is still ``stored``; False (and nothing written) when it
        moved meanwhile."""

        def fn(conn: Conn) -> bool:
            moved = conn.execute(
                "UPDATE rounds SET phase = ? WHERE id = ? AND phase = ?", (to.value, round_id, stored.value)
            ).rowcount
            if moved:
                conn.execute(
                    "INSERT INTO round_phase_changes (round_id, from_phase, to_phase, user_id, note, changed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (round_id, from_phase.value, to.value, user_id, note, to_ms(now)),
                )
                details = {"from": from_phase.value, "to": to.value, "note": note}
                record(
                    conn, actor_id=user_id, action="round.phase", subject=f"round:{round_id}", details=details, now=now
                )
            return bool(moved)

        return await self.db.write(fn)

    async def changes(self, round_id: int) -> list[PhaseChange]:
        """Every change of the round's phase, oldest first."""

        def fn(conn: Conn) -> list[PhaseChange]:
            rows = conn.execute(
                "SELECT p.round_id, p.from_phase, p.to_phase, COALESCE(u.full_name, '') AS actor, p.note,"
                " p.changed_at FROM round_phase_changes p LEFT JOIN users u ON u.id = p.user_id"
                " WHERE p.round_id = ? ORDER BY p.id",
                (round_id,),
            )
            return [
                PhaseChange(
                    r["round_id"],
                    Phase(r["from_phase"]),
                    Phase(r["to_phase"]),
                    r["actor"],
                    r["note"],
                    from_ms(r["changed_at"]),
                )
                for r in rows
            ]

        return await self.db.read(fn)

"""An account's standing: its role, its generation and whether it is
disabled, which every signed-in request is checked against.

Each change that must end the sessions and tokens issued before it (disabling,
a new role, a new password) adds one to the generation in the same statement,
and is logged (``account.*`` in the audit log) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contest.domain.models import Role
from contest.storage.audit import record
from contest.storage.codec import to_ms
from contest.storage.sql import Conn, Database

_RETURNING = " RETURNING id, role, generation, disabled_at, username, full_name"


@dataclass(frozen=True, slots=True)
class Standing:
    role: Role
    generation: int
    disabled: bool


def _standing(row: Any) -> Standing | None:
    return None if row is None else Standing(Role(row["role"]), row["generation"], row["disabled_at"] is not None)


class StandingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> Standing | None:
        """The account's standing, or None when there is no such account."""
        return await self.db.read(
            lambda c: _standing(
                c.execute("SELECT role, generation, disabled_at FROM users WHERE id = ?", (user_id,)).fetchone()
            )
        )

    async def _update(
        self, sql: str, params: tuple[Any, ...], *, action: str, actor_id: int | None, now: datetime, **details: Any
    ) -> Standing | None:
        """Run ``sql`` (an UPDATE of one account) and log ``action`` in the
        same transaction, with the account's name as people know it."""

        def fn(conn: Conn) -> Standing | None:
            row = conn.execute(sql + _RETURNING, params).fetchone()
            if row is not None:
                name = row["username"] or row["full_name"]
                record(
                    conn,
                    actor_id=actor_id,
                    action=action,
                    subject=f"user:{row['id']}",
                    details={"name": name, **details},
                    now=now,
                )
            return _standing(row)

        return await self.db.write(fn)

    async def disable(self, user_id: int, *, actor_id: int | None, now: datetime) -> Standing | None:
        """Disable the account (from ``now``; kept if already disabled)."""
        return await self._update(
            "UPDATE users SET disabled_at = COALESCE(disabled_at, ?), generation = generation + 1 WHERE id = ?",
            (to_ms(now), user_id),
            action="account.disable",
            actor_id=actor_id,
            now=now,
        )

    async def enable(self, user_id: int, *, actor_id: int | None, now: datetime) -> Standing | None:
        return await self._update(
            "UPDATE users SET disabled_at = NULL, generation = generation + 1 WHERE id = ?",
            (user_id,),
            action="account.enable",
            actor_id=actor_id,
            now=now,
        )

    async def set_role(self, user_id: int, role: Role, *, actor_id: int | None, now: datetime) -> Standing | None:
        return await self._update(
            "UPDATE users SET role = ?, generation = generation + 1 WHERE id = ?",
            (role.value, user_id),
            action="account.role",
            actor_id=actor_id,
            now=now,
            role=role.value,
        )

    async def set_password(
        self, user_id: int, password_hash: str, *, actor_id: int | None, now: datetime
    ) -> Standing | None:
        """A new password chosen by a person (not a re-hash at sign-in,
        ``AccountStore.set_password_hash``): sessions and tokens end."""
        return await self._update(
            "UPDATE users SET password_hash = ?, generation = generation + 1 WHERE id = ?",
            (password_hash, user_id),
            action="account.password",
            actor_id=actor_id,
            now=now,
        )

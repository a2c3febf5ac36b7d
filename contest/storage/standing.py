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

from contest.domain.models import Role, User
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


def _read(conn: Conn, user_id: int) -> Standing | None:
    return _standing(
        conn.execute("SELECT role, generation, disabled_at FROM users WHERE id = ?", (user_id,)).fetchone()
    )


def _value(standing: Standing, field: str) -> object:
    """One field of a standing as the log keeps it (a role by its value)."""
    value = getattr(standing, field)
    return value.value if isinstance(value, Role) else value


class StandingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def staff(self) -> list[tuple[User, Standing]]:
        """Every staff account with its standing: admins, organisers, then
        judges, each by username."""
        order = "CASE role WHEN 'admin' THEN 0 WHEN 'organiser' THEN 1 ELSE 2 END"

        def fn(conn: Conn) -> list[tuple[User, Standing]]:
            rows = conn.execute(
                "SELECT id, role, generation, disabled_at, username, full_name FROM users"
                f" WHERE role <> 'participant' ORDER BY {order}, username"
            )
            return [
                (
                    User(id=r["id"], role=Role(r["role"]), full_name=r["full_name"], username=r["username"]),
                    Standing(Role(r["role"]), r["generation"], r["disabled_at"] is not None),
                )
                for r in rows
            ]

        return await self.db.read(fn)

    async def get(self, user_id: int) -> Standing | None:
        """The account's standing, or None when there is no such account."""
        return await self.db.read(lambda c: _read(c, user_id))

    async def _update(
        self,
        user_id: int,
        sql: str,
        params: tuple[Any, ...],
        *,
        action: str,
        actor_id: int | None,
        now: datetime,
        shown: tuple[str, ...] = (),
        **details: Any,
    ) -> Standing | None:
        """Run ``sql`` (an UPDATE of account ``user_id``) and log ``action`` in the
        same transaction, with the account's name as people know it and the
        ``shown`` fields of its standing ("role", "disabled") before and after."""

        def fn(conn: Conn) -> Standing | None:
            before = _read(conn, user_id)
            row = conn.execute(sql + _RETURNING, params).fetchone()
            after = _standing(row)
            if before is not None and after is not None:
                name = row["username"] or row["full_name"]
                record(
                    conn,
                    actor_id=actor_id,
                    action=action,
                    subject=f"user:{row['id']}",
                    details={
                        "name": name,
                        **details,
                        "before": {f: _value(before, f) for f in shown},
                        "after": {f: _value(after, f) for f in shown},
                    },
                    now=now,
                )
            return after

        return await self.db.write(fn)

    async def disable(self, user_id: int, *, actor_id: int | None, now: datetime, reason: str = "") -> Standing | None:
        """Disable the account (from ``now``; kept if already disabled), with
        the ``reason`` logged when given."""
        return await self._update(
            user_id,
            "UPDATE users SET disabled_at = COALESCE(disabled_at, ?), generation = generation + 1 WHERE id = ?",
            (to_ms(now), user_id),
            action="account.disable",
            actor_id=actor_id,
            now=now,
            shown=("disabled",),
            **({"reason": reason} if reason else {}),
        )

    async def enable(self, user_id: int, *, actor_id: int | None, now: datetime) -> Standing | None:
        return await self._update(
            user_id,
            "UPDATE users SET disabled_at = NULL, generation = generation + 1 WHERE id = ?",
            (user_id,),
            action="account.enable",
            actor_id=actor_id,
            now=now,
            shown=("disabled",),
        )

    async def set_role(self, user_id: int, role: Role, *, actor_id: int | None, now: datetime) -> Standing | None:
        return await self._update(
            user_id,
            "UPDATE users SET role = ?, generation = generation + 1 WHERE id = ?",
            (role.value, user_id),
            action="account.role",
            actor_id=actor_id,
            now=now,
            shown=("role",),
            role=role.value,
        )

    async def set_password(
        self, user_id: int, password_hash: str, *, actor_id: int | None, now: datetime
    ) -> Standing | None:
        """A new password chosen by a person (not a re-hash at sign-in,
        ``AccountStore.set_password_hash``): sessions and tokens end."""
        return await self._update(
            user_id,
            "UPDATE users SET password_hash = ?, generation = generation + 1 WHERE id = ?",
            (password_hash, user_id),
            action="account.password",
            actor_id=actor_id,
            now=now,
        )

"""An account's standing: its role, its generation and whether it is
disabled, which every signed-in request is checked against.

Each change that must end the sessions and tokens issued before it (disabling,
a new role, a new password) adds one to the generation in the same statement,
ends the account's sessions (so its list of open sessions tells the truth) and
is logged (``account.*`` in the audit log), in the same transaction. One's own
new password keeps the session it was changed from and the generation.
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


def read_standing(conn: Conn, user_id: int) -> Standing | None:
    return _standing(
        conn.execute("SELECT role, generation, disabled_at FROM users WHERE id = ?", (user_id,)).fetchone()
    )


def end_sessions(conn: Conn, user_id: int, *, keep: str | None, now: datetime) -> int:
    """End every open session (``storage/sessions.py``) of the account but
    ``keep`` (None: all), in the caller's transaction; how many ended."""
    return int(
        conn.execute(
            "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL AND id <> ?",
            (to_ms(now), user_id, keep or ""),
        ).rowcount
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
        return await self.db.read(lambda c: read_standing(c, user_id))

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
        keep_session: str | None = None,
        **details: Any,
    ) -> Standing | None:
        """Run ``sql`` (an UPDATE of account ``user_id``) and log ``action`` in the
        same transaction, with the account's name as people know it and the
        ``shown`` fields of its standing ("role", "disabled") before and after;
        and every session of the account but ``keep_session`` ended
        (``storage/sessions.py``), all in one transaction."""

        def fn(conn: Conn) -> Standing | None:
            before = read_standing(conn, user_id)
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
            end_sessions(conn, user_id, keep=keep_session, now=now)
            return after

        return await self.db.write(fn)

    async def disable(self, user_id: int, *, actor_id: int | None, now: datetime, reason: str = "") -> Standing | None:
        """Disable the account (from ``now``; kept if already disabled), with
        the ``reason`` logged when given."""
        logged: dict[str, Any] = {"reason": reason} if reason else {}
        return await self._update(
            user_id,
            "UPDATE users SET disabled_at = COALESCE(disabled_at, ?), generation = generation + 1 WHERE id = ?",
            (to_ms(now), user_id),
            action="account.disable",
            actor_id=actor_id,
            now=now,
            shown=("disabled",),
            **logged,
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
        self, user_id: int, password_hash: str, *, actor_id: int | None, now: datetime, keep_session: str | None = None
    ) -> Standing | None:
        """A new password chosen by a person (not a re-hash at sign-in,
        ``AccountStore.set_password_hash``): every session and token of the
        account ends, but ``keep_session`` (the one its owner changed it
        from) when given. Without one the generation moves too, so nothing
        signed before (sessions from before migration 0014 included) works."""
        bump = "" if keep_session else ", generation = generation + 1"
        return await self._update(
            user_id,
            f"UPDATE users SET password_hash = ?{bump} WHERE id = ?",
            (password_hash, user_id),
            action="account.password",
            actor_id=actor_id,
            now=now,
            keep_session=keep_session,
        )

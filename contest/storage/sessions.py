"""Sessions that end on the server (migration 0014): one row per signed-in
browser or bearer token, named by a random id the signed cookie or token
carries, and the counter (``session_version``) that moves, by trigger, with
every session that ends."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from contest.storage.codec import from_ms, to_ms
from contest.storage.sql import Conn, Database
from contest.storage.standing import Standing, end_sessions, read_standing

Kind = Literal["cookie", "token"]
AGENT_LIMIT = 120
"""Characters of the browser summary kept (the User-Agent header, cut)."""


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    kind: Kind
    agent: str
    """The browser or app as its User-Agent header named it, cut to :data:`AGENT_LIMIT`."""
    created_at: datetime
    seen_at: datetime
    """When it was last used, to within a few minutes (``services/sessions.py``)."""


class SessionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(self, user_id: int, *, kind: Kind, agent: str, now: datetime) -> str:
        """A new session of the account; its id (32 URL-safe characters, 192 random bits)."""
        session_id = secrets.token_urlsafe(24)
        await self.db.write(
            lambda c: c.execute(
                "INSERT INTO sessions (id, user_id, kind, agent, created_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, user_id, kind, agent[:AGENT_LIMIT], to_ms(now), to_ms(now)),
            )
        )
        return session_id

    async def version(self) -> tuple[int, int]:
        """The data version and the session version, read together: what a
        cached session check depends on."""

        def fn(conn: Conn) -> tuple[int, int]:
            row = conn.execute(
                "SELECT (SELECT version FROM data_version WHERE id = 1),"
                " (SELECT version FROM session_version WHERE id = 1)"
            ).fetchone()
            return int(row[0]), int(row[1])

        return await self.db.read(fn)

    async def state(self, session_id: str) -> tuple[int, Standing] | None:
        """The account of an open session and its standing; None when the
        session is unknown or has ended."""

        def fn(conn: Conn) -> tuple[int, Standing] | None:
            row = conn.execute(
                "SELECT user_id FROM sessions WHERE id = ? AND ended_at IS NULL", (session_id,)
            ).fetchone()
            standing = None if row is None else read_standing(conn, row["user_id"])
            return None if row is None or standing is None else (int(row["user_id"]), standing)

        return await self.db.read(fn)

    async def end(self, session_id: str, *, user_id: int, now: datetime) -> bool:
        """End one open session of the account; False when it has no such session open."""

        def fn(conn: Conn) -> bool:
            return bool(
                conn.execute(
                    "UPDATE sessions SET ended_at = ? WHERE id = ? AND user_id = ? AND ended_at IS NULL",
                    (to_ms(now), session_id, user_id),
                ).rowcount
            )

        return await self.db.write(fn)

    async def end_all(self, user_id: int, *, keep: str | None, now: datetime) -> int:
        """End every open session of the account but ``keep``; how many ended."""
        return await self.db.write(lambda c: end_sessions(c, user_id, keep=keep, now=now))

    async def open_sessions(self, user_id: int) -> list[Session]:
        """The account's open sessions, the most recently used first."""

        def fn(conn: Conn) -> list[Session]:
            rows = conn.execute(
                "SELECT id, kind, agent, created_at, seen_at FROM sessions WHERE user_id = ? AND ended_at IS NULL"
                " ORDER BY seen_at DESC, created_at DESC",
                (user_id,),
            )
            return [
                Session(r["id"], r["kind"], r["agent"], from_ms(r["created_at"]), from_ms(r["seen_at"])) for r in rows
            ]

        return await self.db.read(fn)

    async def purge(self, *, ended_before: datetime, unused_since: datetime, batch: int = 500) -> int:
        """Forget sessions that ended before ``ended_before`` or were last used
        before ``unused_since``; how many. Found on a read connection and
        deleted by id, ``batch`` at a time, so the writer is never held long."""

        def stale(conn: Conn) -> list[str]:
            rows = conn.execute(
                "SELECT id FROM sessions WHERE ended_at < ? OR seen_at < ?", (to_ms(ended_before), to_ms(unused_since))
            )
            return [r["id"] for r in rows]

        def forget(chunk: list[str]) -> Callable[[Conn], object]:
            marks = ", ".join("?" for _ in chunk)
            return lambda conn: conn.execute(f"DELETE FROM sessions WHERE id IN ({marks})", chunk)

        found = await self.db.read(stale)
        for start in range(0, len(found), batch):
            await self.db.write(forget(found[start : start + batch]))
        return len(found)

    async def seen(self, moments: Mapping[str, datetime]) -> None:
        """Note when each session was last used (many in one write)."""
        await self.db.write(
            lambda c: c.executemany(
                "UPDATE sessions SET seen_at = ? WHERE id = ?", [(to_ms(t), sid) for sid, t in moments.items()]
            )
        )

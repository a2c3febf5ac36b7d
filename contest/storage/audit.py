"""The log of staff actions: who did what to which object, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contest.storage.codec import dumps, from_ms, to_ms
from contest.storage.sql import Conn, Database


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    created_at: datetime


def record(
    conn: Conn, *, actor_id: int | None, action: str, subject: str, details: dict[str, Any], now: datetime
) -> None:
    """Log inside the caller's transaction, so the log and the change commit together."""
    conn.execute(
        "INSERT INTO audit_log (actor_id, action, subject, details, created_at) VALUES (?, ?, ?, ?, ?)",
        (actor_id, action, subject, dumps(details), to_ms(now)),
    )


class AuditLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self, *, actor_id: int | None, action: str, subject: str, details: dict[str, Any], now: datetime
    ) -> None:
        await self.db.write(
            lambda c: record(c, actor_id=actor_id, action=action, subject=subject, details=details, now=now)
        )

    async def entries(
        self,
        *,
        subject: str | None = None,
        kind: str | None = None,
        actor_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """The latest ``limit`` entries, newest first, keeping only those
        about ``subject`` ("bank:3"), whose action starts with ``kind``
        ("account."), by ``actor_id``, and made from ``since`` and before
        ``until``, for each filter given."""

        pattern = None if kind is None else kind + "%"
        start = None if since is None else to_ms(since)
        end = None if until is None else to_ms(until)

        def fn(conn: Conn) -> list[AuditEntry]:
            rows = conn.execute(
                "SELECT a.id, COALESCE(u.full_name, '') AS actor, a.action, a.subject, a.details, a.created_at"
                " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
                " WHERE (CAST(? AS TEXT) IS NULL OR a.subject = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR a.action LIKE ?)"
                " AND (CAST(? AS BIGINT) IS NULL OR a.actor_id = ?)"
                " AND (CAST(? AS BIGINT) IS NULL OR a.created_at >= ?)"
                " AND (CAST(? AS BIGINT) IS NULL OR a.created_at < ?)"
                " ORDER BY a.id DESC LIMIT ?",
                (subject, subject, pattern, pattern, actor_id, actor_id, start, start, end, end, limit),
            )
            return [
                AuditEntry(
                    r["id"], r["actor"], r["action"], r["subject"], json.loads(r["details"]), from_ms(r["created_at"])
                )
                for r in rows
            ]

        return await self.db.read(fn)

    async def actors(self) -> list[tuple[int, str]]:
        """Everyone with an entry in the log, (id, full name) by name."""

        def fn(conn: Conn) -> list[tuple[int, str]]:
            rows = conn.execute(
                "SELECT u.id, u.full_name FROM users u"
                " WHERE EXISTS (SELECT 1 FROM audit_log a WHERE a.actor_id = u.id) ORDER BY u.full_name, u.id"
            )
            return [(r["id"], r["full_name"]) for r in rows]

        return await self.db.read(fn)

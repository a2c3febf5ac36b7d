"""A contest's announcements and documents for download, each change logged
in the same transaction (``contest.announcement.*``, ``contest.document.*``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contest.storage.audit import record
from contest.storage.codec import from_ms, to_ms
from contest.storage.sql import Conn, Database


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    contest_id: int
    title: str
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    contest_id: int
    title: str
    filename: str
    media_type: str
    size: int
    created_at: datetime


def _announcement(row: Any) -> Announcement:
    return Announcement(row["id"], row["contest_id"], row["title"], row["body"], from_ms(row["created_at"]))


def _document(row: Any) -> Document:
    return Document(
        row["id"],
        row["contest_id"],
        row["title"],
        row["filename"],
        row["media_type"],
        row["size"],
        from_ms(row["created_at"]),
    )


_DOCUMENT_COLUMNS = "id, contest_id, title, filename, media_type, size, created_at"


class PublicationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def announcements(self, contest_id: int) -> list[Announcement]:
        """The contest's announcements, newest first."""
        return await self.db.read(
            lambda c: [
                _announcement(r)
                for r in c.execute(
                    "SELECT * FROM announcements WHERE contest_id = ? ORDER BY created_at DESC, id DESC", (contest_id,)
                )
            ]
        )

    async def documents(self, contest_id: int) -> list[Document]:
        """The contest's documents (without their content), oldest first."""
        return await self.db.read(
            lambda c: [
                _document(r)
                for r in c.execute(
                    f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE contest_id = ? ORDER BY created_at, id",
                    (contest_id,),
                )
            ]
        )

    async def document(self, document_id: int) -> tuple[Document, bytes] | None:
        def fn(conn: Conn) -> tuple[Document, bytes] | None:
            row = conn.execute(
                f"SELECT {_DOCUMENT_COLUMNS}, data FROM documents WHERE id = ?", (document_id,)
            ).fetchone()
            return None if row is None else (_document(row), bytes(row["data"]))

        return await self.db.read(fn)

    async def add_announcement(
        self, *, contest_id: int, title: str, body: str, actor_id: int | None, now: datetime
    ) -> Announcement:
        def fn(conn: Conn) -> Announcement:
            row = conn.execute(
                "INSERT INTO announcements (contest_id, title, body, created_by, created_at) VALUES (?, ?, ?, ?, ?)"
                " RETURNING *",
                (contest_id, title, body, actor_id, to_ms(now)),
            ).fetchone()
            record(
                conn,
                actor_id=actor_id,
                action="contest.announcement.create",
                subject=f"contest:{contest_id}",
                details={"title": title, "before": None, "after": {"title": title, "body": body}},
                now=now,
            )
            return _announcement(row)

        return await self.db.write(fn)

    async def add_document(
        self,
        *,
        contest_id: int,
        title: str,
        filename: str,
        media_type: str,
        data: bytes,
        actor_id: int | None,
        now: datetime,
    ) -> Document:
        def fn(conn: Conn) -> Document:
            row = conn.execute(
                "INSERT INTO documents (contest_id, title, filename, media_type, size, data, created_by, created_at)"
                f" VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_DOCUMENT_COLUMNS}",
                (contest_id, title, filename, media_type, len(data), data, actor_id, to_ms(now)),
            ).fetchone()
            record(
                conn,
                actor_id=actor_id,
                action="contest.document.create",
                subject=f"contest:{contest_id}",
                details={
                    "title": title,
                    "before": None,
                    "after": {"title": title, "filename": filename, "size": len(data)},
                },
                now=now,
            )
            return _document(row)

        return await self.db.write(fn)

    async def remove_announcement(
        self, contest_id: int, announcement_id: int, *, actor_id: int | None, now: datetime
    ) -> bool:
        """Delete it, logging what it said; False when there is none."""

        def fn(conn: Conn) -> bool:
            row = conn.execute(
                "DELETE FROM announcements WHERE id = ? AND contest_id = ? RETURNING *", (announcement_id, contest_id)
            ).fetchone()
            if row is not None:
                record(
                    conn,
                    actor_id=actor_id,
                    action="contest.announcement.delete",
                    subject=f"contest:{row['contest_id']}",
                    details={
                        "title": row["title"],
                        "before": {"title": row["title"], "body": row["body"]},
                        "after": None,
                    },
                    now=now,
                )
            return row is not None

        return await self.db.write(fn)

    async def remove_document(self, contest_id: int, document_id: int, *, actor_id: int | None, now: datetime) -> bool:
        """Delete it, logging its name and size; False when there is none."""

        def fn(conn: Conn) -> bool:
            row = conn.execute(
                f"DELETE FROM documents WHERE id = ? AND contest_id = ? RETURNING {_DOCUMENT_COLUMNS}",
                (document_id, contest_id),
            ).fetchone()
            if row is not None:
                before = {"title": row["title"], "filename": row["filename"], "size": row["size"]}
                record(
                    conn,
                    actor_id=actor_id,
                    action="contest.document.delete",
                    subject=f"contest:{row['contest_id']}",
                    details={"title": row["title"], "before": before, "after": None},
                    now=now,
                )
            return row is not None

        return await self.db.write(fn)

"""Banks, their versions and questions, and uploads waiting for confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from contest.domain.models import Bank, BankVersion, Question
from contest.storage.accounts import Duplicate
from contest.storage.audit import record
from contest.storage.codec import from_ms, maybe_from_ms, question_from_row, question_row, to_ms
from contest.storage.facts import Missing, Thing
from contest.storage.sql import Conn, Database, IntegrityError, savepoint

_VERSION_COLUMNS = (
    "v.id, v.bank_id, v.number, v.note, v.created_at, COALESCE(u.full_name, '') AS author,"
    " (SELECT COUNT(*) FROM questions q WHERE q.version_id = v.id) AS question_count"
)

_BANK_COLUMNS = (
    "b.id, b.name, b.created_at, b.current_version_id, b.archived_at,"
    " (SELECT COUNT(*) FROM bank_versions v WHERE v.bank_id = b.id) AS version_count"
)


def _version(row: Any) -> BankVersion:
    return BankVersion(
        id=row["id"],
        bank_id=row["bank_id"],
        number=row["number"],
        created_at=from_ms(row["created_at"]),
        note=row["note"],
        created_by=row["author"],
        question_count=row["question_count"],
    )


def add_version(
    conn: Conn,
    bank_id: int,
    questions: Iterable[Question],
    *,
    now: datetime,
    note: str,
    created_by: int | None,
) -> int:
    """Store a whole new version and make it current (inside the caller's
    transaction, so a failure leaves the bank as it was)."""
    # The bank's row lock first: two versions saved at once on PostgreSQL then take successive
    # numbers instead of one failing on (bank_id, number); SQLite's one writer serialises them anyway.
    conn.execute("UPDATE banks SET current_version_id = current_version_id WHERE id = ?", (bank_id,))
    number = conn.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM bank_versions WHERE bank_id = ?", (bank_id,)
    ).fetchone()[0]
    version_id: int = conn.execute(
        "INSERT INTO bank_versions (bank_id, number, note, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        (bank_id, number, note, created_by, to_ms(now)),
    ).fetchone()["id"]
    conn.executemany(
        "INSERT INTO questions (version_id, position, code, topic, difficulty, text, options, correct, multiple,"
        " keep_order, points, explanation, source) VALUES (:version_id, :position, :code, :topic, :difficulty,"
        " :text, :options, :correct, :multiple, :keep_order, :points, :explanation, :source)",
        [{**question_row(q), "version_id": version_id, "position": i} for i, q in enumerate(questions)],
    )
    conn.execute("UPDATE banks SET current_version_id = ? WHERE id = ?", (version_id, bank_id))
    return version_id


def consume_upload(conn: Conn, upload_id: int, data: bytes) -> None:
    """Delete the upload ``upload_id`` holding exactly ``data``, in the
    transaction that stores what was read from it, or raise
    :class:`UploadGone`: confirmed twice at once, the second finds it gone
    (on PostgreSQL the second delete waits for the first to commit); an id
    reused by a later upload holds other bytes."""
    found = conn.execute(
        "DELETE FROM bank_uploads WHERE id = ? AND data = ? RETURNING id", (upload_id, data)
    ).fetchone()
    if found is None:
        raise UploadGone(upload_id)


class UploadGone(Exception):
    """The upload was confirmed or discarded already (or its id now names another file)."""


class BankStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        *,
        name: str,
        questions: Iterable[Question],
        now: datetime,
        note: str = "",
        created_by: int | None = None,
        upload: tuple[int, bytes] | None = None,
    ) -> tuple[int, int]:
        """A new bank with its first version; returns (bank id, version id).
        :class:`~contest.storage.accounts.Duplicate` (``name``) when a bank
        has this name, also one created at the same moment; ``upload`` (id,
        bytes) is consumed in the same transaction (:func:`consume_upload`)."""
        questions = tuple(questions)

        def fn(conn: Conn) -> tuple[int, int]:
            if upload is not None:
                consume_upload(conn, *upload)
            if conn.execute("SELECT 1 FROM banks WHERE name = ?", (name,)).fetchone() is not None:
                raise Duplicate(["name"])
            try:
                with savepoint(conn):
                    bank_id: int = conn.execute(
                        "INSERT INTO banks (name, created_at) VALUES (?, ?) RETURNING id", (name, to_ms(now))
                    ).fetchone()["id"]
            except IntegrityError:
                raise Duplicate(["name"]) from None
            version_id = add_version(conn, bank_id, questions, now=now, note=note, created_by=created_by)
            record(
                conn,
                actor_id=created_by,
                action="bank.create",
                subject=f"bank:{bank_id}",
                details={"name": name, "version": version_id, "number": 1, "questions": len(questions), "note": note},
                now=now,
            )
            return bank_id, version_id

        return await self.db.write(fn)

    async def add_version(
        self,
        bank_id: int,
        questions: Iterable[Question],
        *,
        now: datetime,
        note: str,
        created_by: int | None,
        kind: str = "upload",
        code: str = "",
        upload: tuple[int, bytes] | None = None,
    ) -> int:
        """The next version, logged with its ``kind`` ("upload", "edit" or
        "retire") and the ``code`` of the question an edit touched; returns
        the version id. ``upload`` (id, bytes) is consumed in the same
        transaction (:func:`consume_upload`)."""
        questions = tuple(questions)

        def fn(conn: Conn) -> int:
            if upload is not None:
                consume_upload(conn, *upload)
            before = conn.execute(
                "SELECT v.number, (SELECT COUNT(*) FROM questions q WHERE q.version_id = v.id) AS questions"
                " FROM banks b LEFT JOIN bank_versions v ON v.id = b.current_version_id WHERE b.id = ?",
                (bank_id,),
            ).fetchone()
            if before is None:
                raise Missing(Thing.BANK, bank_id)
            version_id = add_version(conn, bank_id, questions, now=now, note=note, created_by=created_by)
            number = conn.execute("SELECT number FROM bank_versions WHERE id = ?", (version_id,)).fetchone()[0]
            details = {"version": version_id, "number": number, "questions": len(questions), "note": note, "kind": kind}
            details |= {"code": code} if code else {}
            details |= {
                "before": {"number": before["number"], "questions": before["questions"]},
                "after": {"number": number, "questions": len(questions)},
            }
            record(
                conn, actor_id=created_by, action="bank.version", subject=f"bank:{bank_id}", details=details, now=now
            )
            return version_id

        return await self.db.write(fn)

    async def all(self) -> list[Bank]:
        def fn(conn: Conn) -> list[Bank]:
            banks = conn.execute(f"SELECT {_BANK_COLUMNS} FROM banks b ORDER BY b.id").fetchall()
            return [_bank(conn, row) for row in banks]

        return await self.db.read(fn)

    async def get(self, bank_id: int) -> Bank:
        def fn(conn: Conn) -> Bank:
            row = conn.execute(f"SELECT {_BANK_COLUMNS} FROM banks b WHERE b.id = ?", (bank_id,)).fetchone()
            if row is None:
                raise Missing(Thing.BANK, bank_id)
            return _bank(conn, row)

        return await self.db.read(fn)

    async def set_archived(self, bank_id: int, archived: bool, *, actor_id: int | None, now: datetime) -> str | None:
        """Archive the bank (from ``now``) or bring it back, logged with the
        state before and after, unless a round uses it: then nothing changes
        and the title of the first such round is returned (None otherwise).
        Missing for no such bank."""

        def fn(conn: Conn) -> str | None:
            row = conn.execute("SELECT name, archived_at FROM banks WHERE id = ?", (bank_id,)).fetchone()
            if row is None:
                raise Missing(Thing.BANK, bank_id)
            if archived:
                user = conn.execute(
                    "SELECT title FROM rounds WHERE bank_id = ? ORDER BY opens_at, id LIMIT 1", (bank_id,)
                ).fetchone()
                if user is not None:
                    return str(user["title"])
            conn.execute(
                "UPDATE banks SET archived_at = CAST(? AS BIGINT) WHERE id = ?",
                (to_ms(now) if archived else None, bank_id),
            )
            record(
                conn,
                actor_id=actor_id,
                action="bank.archive" if archived else "bank.unarchive",
                subject=f"bank:{bank_id}",
                details={"before": {"archived": row["archived_at"] is not None}, "after": {"archived": archived}},
                now=now,
            )
            return None

        return await self.db.write(fn)

    async def versions(self, bank_id: int) -> list[BankVersion]:
        def fn(conn: Conn) -> list[BankVersion]:
            rows = conn.execute(
                f"SELECT {_VERSION_COLUMNS} FROM bank_versions v LEFT JOIN users u ON u.id = v.created_by"
                " WHERE v.bank_id = ? ORDER BY v.number DESC",
                (bank_id,),
            )
            return [_version(r) for r in rows]

        return await self.db.read(fn)

    async def version(self, version_id: int) -> BankVersion:
        def fn(conn: Conn) -> BankVersion:
            row = conn.execute(
                f"SELECT {_VERSION_COLUMNS} FROM bank_versions v LEFT JOIN users u ON u.id = v.created_by"
                " WHERE v.id = ?",
                (version_id,),
            ).fetchone()
            if row is None:
                raise Missing(Thing.BANK_VERSION, version_id)
            return _version(row)

        return await self.db.read(fn)

    async def version_by_number(self, bank_id: int, number: int) -> BankVersion:
        """The version numbered ``number`` of this bank."""

        def fn(conn: Conn) -> BankVersion:
            row = conn.execute(
                f"SELECT {_VERSION_COLUMNS} FROM bank_versions v LEFT JOIN users u ON u.id = v.created_by"
                " WHERE v.bank_id = ? AND v.number = ?",
                (bank_id, number),
            ).fetchone()
            if row is None:
                raise Missing(Thing.BANK_VERSION_NUMBER, number)
            return _version(row)

        return await self.db.read(fn)

    async def attempt_counts(self, bank_id: int) -> dict[int, int]:
        """{round id: attempts started} for the rounds that draw from this bank
        and have attempts."""

        def fn(conn: Conn) -> dict[int, int]:
            rows = conn.execute(
                "SELECT r.id, COUNT(*) FROM rounds r JOIN attempts a ON a.round_id = r.id"
                " WHERE r.bank_id = ? GROUP BY r.id",
                (bank_id,),
            )
            return {int(r[0]): int(r[1]) for r in rows}

        return await self.db.read(fn)

    async def current_version(self, bank_id: int) -> int:
        def fn(conn: Conn) -> int:
            row = conn.execute("SELECT current_version_id FROM banks WHERE id = ?", (bank_id,)).fetchone()
            if row is None or row[0] is None:
                raise Missing(Thing.BANK, bank_id)
            return int(row[0])

        return await self.db.read(fn)

    async def questions(self, version_id: int) -> tuple[Question, ...]:
        def fn(conn: Conn) -> tuple[Question, ...]:
            rows = conn.execute("SELECT * FROM questions WHERE version_id = ? ORDER BY position", (version_id,))
            return tuple(question_from_row(r) for r in rows)

        return await self.db.read(fn)

    # -- uploads waiting for confirmation ---------------------------------------

    async def save_upload(
        self, *, user_id: int, bank_id: int | None, filename: str, data: bytes, now: datetime, keep: int
    ) -> int:
        """Keep an upload; in the same transaction forget this user's older
        ones beyond the newest ``keep`` (this one included)."""

        def fn(conn: Conn) -> int:
            upload_id: int = conn.execute(
                "INSERT INTO bank_uploads (user_id, bank_id, filename, data, created_at) VALUES (?, ?, ?, ?, ?)"
                " RETURNING id",
                (user_id, bank_id, filename, data, to_ms(now)),
            ).fetchone()["id"]
            conn.execute(
                "DELETE FROM bank_uploads WHERE user_id = ? AND id NOT IN"
                " (SELECT id FROM bank_uploads WHERE user_id = ? ORDER BY id DESC LIMIT ?)",
                (user_id, user_id, keep),
            )
            return upload_id

        return await self.db.write(fn)

    async def upload(self, upload_id: int, *, user_id: int) -> tuple[int | None, str, bytes]:
        """(bank id, file name, bytes) of an upload by this user."""

        def fn(conn: Conn) -> tuple[int | None, str, bytes]:
            row = conn.execute(
                "SELECT bank_id, filename, data FROM bank_uploads WHERE id = ? AND user_id = ?", (upload_id, user_id)
            ).fetchone()
            if row is None:
                raise Missing(Thing.UPLOAD, upload_id)
            return row["bank_id"], row["filename"], bytes(row["data"])

        return await self.db.read(fn)

    async def delete_upload(self, upload_id: int) -> None:
        await self.db.write(lambda c: c.execute("DELETE FROM bank_uploads WHERE id = ?", (upload_id,)))

    async def delete_uploads(self, *, created_before: datetime) -> int:
        """Forget every upload kept before ``created_before``; how many."""

        def fn(conn: Conn) -> int:
            deleted: int = conn.execute(
                "DELETE FROM bank_uploads WHERE created_at < ?", (to_ms(created_before),)
            ).rowcount
            return deleted

        return await self.db.write(fn)


def _bank(conn: Conn, row: Any) -> Bank:
    current = None
    if row["current_version_id"] is not None:
        version = conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM bank_versions v LEFT JOIN users u ON u.id = v.created_by WHERE v.id = ?",
            (row["current_version_id"],),
        ).fetchone()
        current = _version(version)
    return Bank(
        id=row["id"],
        name=row["name"],
        created_at=from_ms(row["created_at"]),
        current=current,
        version_count=row["version_count"],
        archived_at=maybe_from_ms(row["archived_at"]),
    )

"""The writer thread: group commit that never mixes callers' fates."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import pytest

from contest.storage.database import Database, connect

pytestmark = pytest.mark.sqlite


async def _with_db(path: Path, body):  # type: ignore[no-untyped-def]
    db = Database(path)
    db.start()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT)"))
        return await body(db)
    finally:
        await db.close()


def test_concurrent_writes_are_all_committed(tmp_path: Path) -> None:
    async def body(db: Database) -> int:
        await asyncio.gather(
            *(db.write(lambda c, i=i: c.execute("INSERT INTO t VALUES (?, ?)", (i, "x"))) for i in range(2000))
        )
        return await db.read(lambda c: c.execute("SELECT COUNT(*) FROM t").fetchone()[0])

    assert asyncio.run(_with_db(tmp_path / "a.db", body)) == 2000
    with sqlite3.connect(tmp_path / "a.db") as conn:  # durable: visible to a new connection
        assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 2000


def test_a_failing_write_rolls_back_only_itself(tmp_path: Path) -> None:
    def failing(c: sqlite3.Connection) -> None:
        c.execute("INSERT INTO t VALUES (1000, 'half-done')")
        raise ValueError("boom")

    async def body(db: Database) -> tuple[list[object], list[tuple[int, str]]]:
        jobs = [db.write(lambda c, i=i: c.execute("INSERT INTO t VALUES (?, 'ok')", (i,))) for i in range(50)]
        jobs.insert(25, db.write(failing))
        jobs.insert(10, db.write(lambda c: c.execute("INSERT INTO t VALUES (3, 'duplicate key')")))
        outcomes = await asyncio.gather(*jobs, return_exceptions=True)
        rows = await db.read(lambda c: c.execute("SELECT k, v FROM t ORDER BY k").fetchall())
        return outcomes, [tuple(r) for r in rows]

    outcomes, rows = asyncio.run(_with_db(tmp_path / "b.db", body))
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 2
    assert any(isinstance(e, ValueError) for e in errors)
    assert any(isinstance(e, sqlite3.IntegrityError) for e in errors)
    assert rows == [(i, "ok") for i in range(50)]


def test_write_returns_the_functions_result(tmp_path: Path) -> None:
    async def body(db: Database) -> int:
        return await db.write(lambda c: c.execute("INSERT INTO t (v) VALUES ('a')").lastrowid)

    assert asyncio.run(_with_db(tmp_path / "c.db", body)) == 1


def test_write_before_start_is_an_error(tmp_path: Path) -> None:
    db = Database(tmp_path / "d.db")
    with pytest.raises(RuntimeError):
        asyncio.run(db.write(lambda c: None))


def test_connections_sync_every_commit_by_default(tmp_path: Path) -> None:
    db = Database(tmp_path / "f.db")
    db.start()

    async def levels() -> tuple[int, int]:
        try:
            written = await db.write(lambda c: c.execute("PRAGMA synchronous").fetchone()[0])
            read = await db.read(lambda c: c.execute("PRAGMA synchronous").fetchone()[0])
            return written, read
        finally:
            await db.close()

    assert asyncio.run(levels()) == (2, 2)  # 2 = FULL, 1 = NORMAL


def test_synchronous_setting_may_relax_to_normal(tmp_path: Path) -> None:
    assert connect(tmp_path / "g.db", synchronous="normal").execute("PRAGMA synchronous").fetchone()[0] == 1


def test_synchronous_setting_refuses_other_levels(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="CONTEST_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not 'OFF'"):
        Database(tmp_path / "h.db", synchronous="OFF")


def _violating(c: sqlite3.Connection) -> None:
    """A write that passes its own statements and fails only at COMMIT: a
    deferred foreign key to a row that does not exist."""
    c.execute("PRAGMA defer_foreign_keys = ON")
    c.execute("INSERT INTO child (parent_id) VALUES (999)")


def test_a_failing_commit_reaches_its_batch_and_the_writer_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def body(db: Database) -> tuple[list[object], list[int], int]:
        await db.write(lambda c: c.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        await db.write(lambda c: c.execute("CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent (id))"))
        busy = asyncio.ensure_future(db.write(lambda c: time.sleep(0.2)))  # the next two then share one batch
        await asyncio.sleep(0.05)
        batch = [db.write(lambda c: c.execute("INSERT INTO t VALUES (1, 'same batch')")), db.write(_violating)]
        outcomes = await asyncio.gather(busy, *batch, return_exceptions=True)
        later = [await db.write(lambda c, i=i: c.execute("INSERT INTO t VALUES (?, 'later')", (i,))) for i in (2, 3)]
        rows = await db.read(lambda c: [r[0] for r in c.execute("SELECT k FROM t ORDER BY k")])
        return outcomes[1:], rows, len(later)

    with caplog.at_level(logging.ERROR, logger="contest.storage.database"):
        outcomes, rows, later = asyncio.run(_with_db(tmp_path / "e.db", body))
    assert [type(o) for o in outcomes] == [sqlite3.IntegrityError, sqlite3.IntegrityError]
    assert str(outcomes[0]) == "FOREIGN KEY constraint failed"
    assert rows == [2, 3] and later == 2  # the batch left nothing; the writer still serves
    assert [(r.getMessage(), r.exc_info) for r in caplog.records] == [
        ("write transaction of 2 callers failed: IntegrityError: FOREIGN KEY constraint failed", None)
    ]


def test_a_full_disk_fails_its_batch_and_later_writes_succeed(tmp_path: Path) -> None:
    """SQLITE_FULL rolls the whole transaction back under the writer's
    savepoints (``PRAGMA max_page_count`` makes the disk "full" for real)."""

    async def body(db: Database) -> tuple[list[object], int]:
        pages = await db.write(lambda c: c.execute("PRAGMA page_count").fetchone()[0])
        await db.write(lambda c: c.execute(f"PRAGMA max_page_count = {pages + 2}"))
        big = "x" * 100_000
        outcomes = await asyncio.gather(
            db.write(lambda c: c.execute("INSERT INTO t VALUES (1, ?)", (big,))), return_exceptions=True
        )
        await db.write(lambda c: c.execute("PRAGMA max_page_count = 1000000"))
        await db.write(lambda c: c.execute("INSERT INTO t VALUES (2, ?)", (big,)))
        return outcomes, await db.read(lambda c: c.execute("SELECT COUNT(*) FROM t").fetchone()[0])

    outcomes, count = asyncio.run(_with_db(tmp_path / "full.db", body))
    assert [type(o) for o in outcomes] == [sqlite3.OperationalError]
    assert str(outcomes[0]) == "database or disk is full"
    assert count == 1

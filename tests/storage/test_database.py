"""The writer thread: group commit that never mixes callers' fates."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from contest.storage.database import Database


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

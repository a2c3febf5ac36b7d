"""SQLite's read side: the platform's reader threads against aiosqlite.

The issue asked whether aiosqlite (the design card's library) can replace the
hand-written reader pool at no cost to the hot path. This measures the read a
participant's request makes when its attempt is not cached (the attempt's
header and stored keys, `AttemptStore.keys`) and the attempt page's read
(`AttemptStore.get`: header, drawn questions from the bank version, answers),
three ways, with the same number of connections and the same concurrency:

- ``platform``: `Database.read`, one thread per connection running the store's
  own function (every statement of one read in one snapshot);
- ``aiosqlite``: one aiosqlite connection per reader, the same SQL sent
  statement by statement through aiosqlite's public API (`execute`,
  `fetchone`/`fetchall`), so each statement is a hop to its thread and back;
- ``bare``: a hop to a thread and back that does nothing, the floor.

Run: ``.venv/bin/python bench/readers.py [--attempts 2000] [--reads 20000]``.
Prints reads per second and each as a ratio to ``bare``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from bench.seeding import seed
from contest.config import Settings
from contest.domain import draw, timing
from contest.domain.draw import redraw
from contest.domain.models import Attempt
from contest.storage import open_storage
from contest.storage.attempts import _SUMMARY_COLUMNS, _summary, _summary_fields
from contest.storage.codec import keys_from_json, question_from_row
from contest.storage.sqlite import SQLiteStorage


async def _timed(
    label: str, read: Callable[[int], Awaitable[object]], ids: list[int], *, reads: int, tasks: int
) -> float:
    order = itertools.cycle(random.Random(1).sample(ids, len(ids)))
    remaining = reads

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await read(next(order))

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    rate = reads / (time.perf_counter() - began)
    print(f"  {label:<22} {rate:>10,.0f} reads/s")
    return rate


async def main(attempts: int, reads: int, tasks: int, readers: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-readers-"))
    url = f"sqlite:///{folder / 'readers.db'}"
    now = datetime.now(UTC)
    seeded = await seed(url, Settings(), participants=attempts, questions=300, now=now)
    storage = open_storage(url)
    storage.start()
    round_ = next(r for r in await storage.contests.rounds() if r.id == seeded.round_id)
    version_id = await storage.banks.current_version(seeded.bank_id)
    bank = await storage.banks.questions(version_id)
    rng = random.Random(7)
    ids = []
    for user_id, _name in seeded.users:
        attempt, _ = await storage.attempts.start(
            round_=round_,
            user_id=user_id,
            version_id=version_id,
            questions=draw.draw(bank, round_.rules, rng=rng),
            now=now,
            deadline=timing.deadline(round_, now),
            expired_before=now - timedelta(days=1),
        )
        ids.append(attempt.id)
    await storage.close()

    storage = SQLiteStorage(folder / "readers.db", readers=readers)
    storage.start()
    pool: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
    for _ in range(readers):  # configured as the platform's connections are (storage/database.py)
        conn = await aiosqlite.connect(folder / "readers.db", isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA busy_timeout=30000")
        pool.put_nowait(conn)

    async def aio_keys(attempt_id: int) -> object:
        conn = await pool.get()
        try:
            cur = await conn.execute(f"SELECT {_SUMMARY_COLUMNS}, questions FROM attempts WHERE id = ?", (attempt_id,))
            row = await cur.fetchone()
            await cur.close()
            return None if row is None else (_summary(row), keys_from_json(row["questions"]))
        finally:
            pool.put_nowait(conn)

    async def aio_get(attempt_id: int) -> object:
        """`AttemptStore.get` rewritten for aiosqlite: the same statements and
        the same decoding, each statement awaited."""
        conn = await pool.get()
        try:
            await conn.execute("BEGIN")
            try:
                cur = await conn.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
                row = await cur.fetchone()
                assert row is not None
                answers, revisions, flagged = {}, {}, set()
                cur = await conn.execute(
                    "SELECT question_id, options, revision, flagged FROM answers WHERE attempt_id = ?", (attempt_id,)
                )
                for r in await cur.fetchall():
                    answers[r["question_id"]] = frozenset(json.loads(r["options"]))
                    revisions[r["question_id"]] = r["revision"]
                    if r["flagged"]:
                        flagged.add(r["question_id"])
                keys = keys_from_json(row["questions"])
                marks = ", ".join("?" for _ in keys)
                cur = await conn.execute(
                    f"SELECT * FROM questions WHERE version_id = ? AND code IN ({marks})",
                    (row["bank_version_id"], *(k.code for k in keys)),
                )
                bank = {r["code"]: question_from_row(r) for r in await cur.fetchall()}
                return Attempt(
                    **_summary_fields(row),
                    questions=tuple(redraw(k, bank[k.code]) for k in keys),
                    answers=answers,
                    revisions=revisions,
                    flagged=frozenset(flagged),
                )
            finally:
                await conn.execute("COMMIT")
        finally:
            pool.put_nowait(conn)

    loop = asyncio.get_running_loop()

    async def bare(_attempt_id: int) -> object:
        return await loop.run_in_executor(storage.db._readers, lambda: None)

    print(f"{readers} connections, {tasks} concurrent readers, {reads:,} reads of {len(ids):,} attempts")
    floor = await _timed("bare (thread hop)", bare, ids, reads=reads, tasks=tasks)
    for name, platform, aio in (
        ("keys", storage.attempts.keys, aio_keys),
        ("get", storage.attempts.get, aio_get),
    ):
        a = await _timed(f"{name}: platform", platform, ids, reads=reads, tasks=tasks)
        b = await _timed(f"{name}: aiosqlite", aio, ids, reads=reads, tasks=tasks)
        print(f"  {name}: platform {a / floor:.3f}× bare, aiosqlite {b / floor:.3f}× bare")
    while not pool.empty():
        await (pool.get_nowait()).close()
    await storage.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=2000)
    parser.add_argument("--reads", type=int, default=20000)
    parser.add_argument("--tasks", type=int, default=64)
    parser.add_argument("--readers", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.attempts, args.reads, args.tasks, args.readers))

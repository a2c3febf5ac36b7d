"""Exporting a round of 100,000 attempts as xlsx and CSV, in bounded memory.

Two steps, so that each export's peak memory is its own process's:

    .venv/bin/python bench/export.py seed --database sqlite:////tmp/export.db --attempts 100000
    /usr/bin/time -v .venv/bin/python bench/export.py export --database sqlite:////tmp/export.db --format xlsx
    /usr/bin/time -v .venv/bin/python bench/export.py export --database sqlite:////tmp/export.db --format csv
    .venv/bin/python bench/export.py stats --database sqlite:////tmp/export.db

``seed`` makes the load benchmark's contest and round (bench/seeding.py: its
participants by bulk insert) and then the round's finished attempts, three per
participant at most, in one ``executemany`` of synthetic rows (30 questions
each, scores spread 0-30); ``export`` runs the platform's own export
(``services.statistics.Statistics.export_attempts``, as an organiser, so with
every column) and writes the streamed bytes to a file, then prints the rows
written, the file's size and the seconds it took. Peak memory is the
``Maximum resident set size`` of ``/usr/bin/time -v`` (docs/benchmarks.md).
``stats`` times the round's statistics page while it is open, the item
analysis kept at close, and the page after it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import seeding  # bench/seeding.py, next to this file

from contest.clock import FixedClock, SystemClock
from contest.config import Settings
from contest.domain.models import Role, User
from contest.services.catalog import Catalog
from contest.services.statistics import Statistics
from contest.storage import open_storage
from contest.storage.codec import to_ms
from contest.storage.sql import Conn

PER_PARTICIPANT = 3
QUESTIONS = 30


def _keys(rng: random.Random) -> str:
    """30 stored keys as an attempt keeps them (code, letters, key, points, multiple)."""
    codes = rng.sample(range(1, 301), QUESTIONS)
    return json.dumps([[f"BM-{c:03d}", "ABCD", [rng.randint(1, 4)], 1, False] for c in codes], separators=(",", ":"))


async def seed(url: str, attempts: int) -> None:
    now = datetime.now(UTC)
    participants = -(-attempts // PER_PARTICIPANT)
    settings = Settings(database_url=url, secret_key="bench-export-" + "x" * 32)
    seeded = await seeding.seed(url, settings, participants=participants, questions=300, now=now)
    storage = open_storage(url)
    storage.start()
    try:
        rng = random.Random(2025)

        def bulk(conn: Conn) -> None:
            version = conn.execute("SELECT current_version_id FROM banks WHERE id = ?", (seeded.bank_id,)).fetchone()[0]
            rows = []
            for i in range(attempts):
                user_id = seeded.users[i // PER_PARTICIPANT][0]
                started = now - timedelta(minutes=rng.randint(30, 60 * 24 * 6))
                taken = rng.randint(60_000, 25 * 60_000)
                correct = min(QUESTIONS, max(0, round(rng.gauss(19, 5))))
                rows.append(
                    (
                        seeded.round_id,
                        user_id,
                        i % PER_PARTICIPANT + 1,
                        version,
                        to_ms(started),
                        to_ms(started + timedelta(minutes=25)),
                        to_ms(started) + taken,
                        rng.randint(0, 5000),
                        correct,
                        correct,
                        taken,
                        _keys(rng),
                    )
                )
            conn.executemany(
                "INSERT INTO attempts (round_id, user_id, number, status, bank_version_id, started_at, deadline,"
                " submitted_at, prediction, correct, total, score, duration_ms, questions)"
                f" VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, {QUESTIONS}, ?, ?, ?)",
                rows,
            )

        await storage.db.write(bulk)
        print(f"seeded round {seeded.round_id}: {attempts:,} attempts of {participants:,} participants")
    finally:
        await storage.close()


async def export(url: str, fmt: str, out: Path) -> None:
    storage = open_storage(url)
    storage.migrate()  # a database seeded by an older version of the code
    storage.start()
    try:
        catalog = Catalog(storage)
        (round_,) = await catalog.rounds()
        organiser = User(id=0, role=Role.ORGANISER, full_name="Ban Tổ chức")
        started = time.monotonic()
        result = await Statistics(storage, catalog, SystemClock()).export_attempts(organiser, round_.id, fmt)
        size = 0
        with out.open("wb") as file:
            async for chunk in result.body:
                size += len(chunk)
                file.write(chunk)
        seconds = time.monotonic() - started
        print(f"{fmt}: {result.filename}, {size / 1e6:.1f} MB in {seconds:.1f} s")
    finally:
        await storage.close()


async def stats(url: str) -> None:
    """The round's statistics page (``Statistics.report``) while it is open
    (item analysis live, over its first ``LIVE_ATTEMPTS``), then at close:
    the sweeper's ``analyse_closed`` (the whole round, kept) and the page
    after it (served from what was kept)."""
    storage = open_storage(url)
    storage.migrate()
    storage.start()
    try:
        catalog = Catalog(storage)
        (round_,) = await catalog.rounds()
        organiser = User(id=0, role=Role.ORGANISER, full_name="Ban Tổ chức")
        clock = FixedClock(round_.opens_at + timedelta(minutes=1))
        statistics = Statistics(storage, catalog, clock)

        async def timed(what: str, work: Awaitable[object]) -> None:
            started, cpu = time.monotonic(), time.process_time()
            await work
            print(f"{what}: {time.monotonic() - started:.1f} s ({time.process_time() - cpu:.1f} s of CPU)")

        await timed("page, round open (live, bounded)", statistics.report(organiser, round_.id))
        clock.set(round_.closes_at + timedelta(minutes=5))
        await timed("analyse_closed (the whole round, kept)", statistics.analyse_closed(grace=timedelta(minutes=1)))
        await timed("page, round closed (kept)", statistics.report(organiser, round_.id))
    finally:
        await storage.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    steps = parser.add_subparsers(dest="step", required=True)
    make = steps.add_parser("seed", help="a new database with one round of finished attempts")
    make.add_argument("--database", required=True, help="sqlite:////path or postgresql://… (a new, empty database)")
    make.add_argument("--attempts", type=int, default=100_000)
    run = steps.add_parser("export", help="export the round's attempts")
    run.add_argument("--database", required=True)
    run.add_argument("--format", choices=("xlsx", "csv"), required=True)
    run.add_argument("--out", type=Path, help="where to write (default /tmp/bai-thi.<format>)")
    figures = steps.add_parser("stats", help="the round's statistics page, open and then closed")
    figures.add_argument("--database", required=True)
    args = parser.parse_args(argv)
    if args.step == "seed":
        asyncio.run(seed(args.database, args.attempts))
    elif args.step == "stats":
        asyncio.run(stats(args.database))
    else:
        asyncio.run(export(args.database, args.format, args.out or Path(f"/tmp/bai-thi.{args.format}")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

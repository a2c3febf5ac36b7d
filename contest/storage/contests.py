"""The site's contests, their areas and their rounds."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from contest.domain.models import (
    Area,
    Contact,
    Contest,
    Phase,
    Round,
    RoundRules,
)
from contest.storage.accounts import Duplicate
from contest.storage.codec import (
    dumps,
    from_ms,
    to_ms,
)
from contest.storage.sql import Conn, Database


def _round(row: Any) -> Round:
    return Round(
        id=row["id"],
        contest_id=row["contest_id"],
        title=row["title"],
        description=row["description"],
        opens_at=from_ms(row["opens_at"]),
        closes_at=from_ms(row["closes_at"]),
        bank_id=row["bank_id"],
        rules=RoundRules(
            question_count=row["question_count"],
            duration_seconds=row["duration_seconds"],
            attempts_allowed=row["attempts_allowed"],
            topic_quota=tuple((t, n) for t, n in json.loads(row["topic_quota"])),
            prediction_question=row["prediction_question"],
        ),
        stored_phase=Phase(row["phase"]),
    )


class ContestStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def is_empty(self) -> bool:
        return await self.db.read(lambda c: c.execute("SELECT COUNT(*) FROM contests").fetchone()[0] == 0)

    async def create(
        self,
        *,
        slug: str,
        title: str,
        description: str,
        rules: str,
        privacy_notice: str,
        min_age: int | None,
        starts_at: datetime,
        ends_at: datetime,
        areas: Sequence[str],
        now: datetime,
        contact: Contact | None = None,
    ) -> Contest:
        """A new contest with its areas in this order; :class:`Duplicate`
        (``slug``) when another contest has this address."""
        contact = contact or Contact()

        def fn(conn: Conn) -> Contest:
            if conn.execute("SELECT 1 FROM contests WHERE slug = ?", (slug,)).fetchone():
                raise Duplicate(["slug"])
            contest_id = int(
                conn.execute(
                    "INSERT INTO contests (slug, title, description, rules, privacy_notice, min_age, created_at,"
                    " contact_address, contact_phone, contact_email, starts_at, ends_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        slug,
                        title,
                        description,
                        rules,
                        privacy_notice,
                        min_age,
                        to_ms(now),
                        contact.address,
                        contact.phone,
                        contact.email,
                        to_ms(starts_at),
                        to_ms(ends_at),
                    ),
                ).fetchone()[0]
            )
            made = [
                Area(
                    id=conn.execute(
                        "INSERT INTO areas (contest_id, name, position) VALUES (?, ?, ?) RETURNING id",
                        (contest_id, name, i),
                    ).fetchone()[0],
                    name=name,
                )
                for i, name in enumerate(areas)
            ]
            return Contest(
                id=contest_id,
                slug=slug,
                title=title,
                description=description,
                rules=rules,
                privacy_notice=privacy_notice,
                min_age=min_age,
                starts_at=starts_at,
                ends_at=ends_at,
                areas=tuple(made),
                contact=contact,
            )

        return await self.db.write(fn)

    async def all(self) -> list[Contest]:
        """Every contest of the site with its areas, in the order they start."""

        def fn(conn: Conn) -> list[Contest]:
            areas: dict[int, list[Area]] = {}
            for a in conn.execute("SELECT id, contest_id, name FROM areas ORDER BY contest_id, position"):
                areas.setdefault(a["contest_id"], []).append(Area(id=a["id"], name=a["name"]))
            return [
                Contest(
                    id=row["id"],
                    slug=row["slug"],
                    title=row["title"],
                    description=row["description"],
                    rules=row["rules"],
                    privacy_notice=row["privacy_notice"],
                    min_age=row["min_age"],
                    starts_at=from_ms(row["starts_at"]),
                    ends_at=from_ms(row["ends_at"]),
                    areas=tuple(areas.get(row["id"], ())),
                    contact=Contact(
                        address=row["contact_address"], phone=row["contact_phone"], email=row["contact_email"]
                    ),
                )
                for row in conn.execute("SELECT * FROM contests ORDER BY starts_at, id")
            ]

        return await self.db.read(fn)

    async def create_round(
        self,
        *,
        contest_id: int,
        title: str,
        description: str = "",
        opens_at: datetime,
        closes_at: datetime,
        rules: RoundRules,
        bank_id: int,
    ) -> int:
        def fn(conn: Conn) -> int:
            cur = conn.execute(
                "INSERT INTO rounds (contest_id, title, description, opens_at, closes_at, question_count,"
                " duration_seconds, attempts_allowed, topic_quota, prediction_question, bank_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    contest_id,
                    title,
                    description,
                    to_ms(opens_at),
                    to_ms(closes_at),
                    rules.question_count,
                    rules.duration_seconds,
                    rules.attempts_allowed,
                    dumps([list(q) for q in rules.topic_quota]),
                    rules.prediction_question,
                    bank_id,
                ),
            )
            round_id: int = cur.fetchone()["id"]
            return round_id

        return await self.db.write(fn)

    async def reschedule_round(
        self, round_id: int, *, opens_at: datetime, closes_at: datetime, deadline: Callable[[datetime], datetime]
    ) -> int:
        """Move a round's opening and close, and in the same transaction the
        stored deadline of each of its attempts in progress to
        ``deadline(started_at)`` (the domain's rule, ``timing.deadline``, for
        the round as moved); returns how many attempts moved."""

        def fn(conn: Conn) -> int:
            conn.execute(
                "UPDATE rounds SET opens_at = ?, closes_at = ? WHERE id = ?",
                (to_ms(opens_at), to_ms(closes_at), round_id),
            )
            running = conn.execute(
                "SELECT id, started_at FROM attempts WHERE round_id = ? AND status = 'in_progress'", (round_id,)
            ).fetchall()
            conn.executemany(
                "UPDATE attempts SET deadline = ? WHERE id = ?",
                [(to_ms(deadline(from_ms(r["started_at"]))), r["id"]) for r in running],
            )
            return len(running)

        return await self.db.write(fn)

    async def rounds(self) -> list[Round]:
        """Every round of every contest, in opening order."""

        def fn(conn: Conn) -> list[Round]:
            return [_round(r) for r in conn.execute("SELECT * FROM rounds ORDER BY opens_at, id")]

        return await self.db.read(fn)

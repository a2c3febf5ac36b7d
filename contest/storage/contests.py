"""The site's contests, their areas and their rounds."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from contest.domain.contests import RoundFigures
from contest.domain.eligibility import from_json, to_json
from contest.domain.models import (
    Area,
    CollectiveBy,
    Contact,
    Contest,
    Counting,
    Difficulty,
    Eligibility,
    Phase,
    Prizes,
    Round,
    RoundRules,
    ShowScore,
    TieBreak,
    TrueFigure,
    Unit,
)
from contest.storage.accounts import Duplicate
from contest.storage.audit import record
from contest.storage.codec import (
    dumps,
    from_ms,
    to_ms,
)
from contest.storage.facts import Missing, Thing
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
            difficulty_quota=tuple((Difficulty(d), n) for d, n in json.loads(row["difficulty_quota"])),
            prediction_question=row["prediction_question"],
            counting=Counting(row["counting"]),
            tie_break=TieBreak(row["tie_break"]),
            true_figure=TrueFigure(row["true_figure"]),
            show_score=ShowScore(row["show_score"]),
            complaint_window_hours=row["complaint_window_hours"],
            prizes=Prizes(**json.loads(row["prizes"])),
            eligibility=from_json(json.loads(row["eligibility"])),
            excluded=frozenset(json.loads(row["excluded_codes"])),
        ),
        stored_phase=Phase(row["phase"]),
    )


def _set_difficulty_quota(conn: Conn, round_id: int, rules: RoundRules) -> None:
    conn.execute(
        "UPDATE rounds SET difficulty_quota = ? WHERE id = ?",
        (dumps([[level.value, n] for level, n in rules.difficulty_quota]), round_id),
    )


def _prizes(prizes: Prizes) -> str:
    return dumps(
        {"first": prizes.first, "second": prizes.second, "third": prizes.third, "consolation": prizes.consolation}
    )


def _reschedule(
    conn: Conn,
    round_id: int,
    phase: Phase,
    opens_at: datetime,
    closes_at: datetime,
    deadline: Callable[[datetime], datetime],
) -> int | None:
    """Move the round's times and its attempts in progress's deadlines, if
    its stored phase is still ``phase``: how many attempts moved, or None
    (nothing written) when someone moved the round's phase meanwhile."""
    if not conn.execute(
        "UPDATE rounds SET opens_at = ?, closes_at = ? WHERE id = ? AND phase = ?",
        (to_ms(opens_at), to_ms(closes_at), round_id, phase.value),
    ).rowcount:
        return None
    running = conn.execute(
        "SELECT id, started_at FROM attempts WHERE round_id = ? AND status = 'in_progress'", (round_id,)
    ).fetchall()
    conn.executemany(
        "UPDATE attempts SET deadline = ? WHERE id = ?",
        [(to_ms(deadline(from_ms(r["started_at"]))), r["id"]) for r in running],
    )
    return len(running)


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
        units: Sequence[tuple[str, int | None]] = (),
        actor_id: int | None = None,
        verify_phone: bool = False,
        collective_by: CollectiveBy = CollectiveBy.PARTICIPANTS,
    ) -> Contest:
        """A new contest with its areas and its units (name, headcount) in
        this order, logged as ``actor_id``'s (None: the system);
        :class:`Duplicate` (``slug``) when another contest has this address."""
        contact = contact or Contact()

        def fn(conn: Conn) -> Contest:
            if conn.execute("SELECT 1 FROM contests WHERE slug = ?", (slug,)).fetchone():
                raise Duplicate(["slug"])
            contest_id = int(
                conn.execute(
                    "INSERT INTO contests (slug, title, description, rules, privacy_notice, min_age, created_at,"
                    " contact_address, contact_phone, contact_email, starts_at, ends_at, verify_phone, collective_by)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
                        int(verify_phone),
                        collective_by.value,
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
            listed = [
                Unit(
                    id=conn.execute(
                        "INSERT INTO units (contest_id, name, headcount, position) VALUES (?, ?, ?, ?) RETURNING id",
                        (contest_id, name, headcount, i),
                    ).fetchone()[0],
                    name=name,
                    headcount=headcount,
                )
                for i, (name, headcount) in enumerate(units)
            ]
            details = {"title": title, "slug": slug, "areas": len(made), "units": len(listed)}
            record(
                conn,
                actor_id=actor_id,
                action="contest.create",
                subject=f"contest:{contest_id}",
                details=details,
                now=now,
            )
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
                units=tuple(listed),
                verify_phone=verify_phone,
                collective_by=collective_by,
            )

        return await self.db.write(fn)

    async def update(
        self,
        contest_id: int,
        *,
        texts: dict[str, Any],
        starts_at: datetime,
        ends_at: datetime,
        areas: Sequence[str],
        units: Sequence[tuple[str, int | None]],
        actor_id: int | None,
        details: dict[str, Any],
        now: datetime,
    ) -> None:
        """Rewrite a contest's ``texts`` (title, description, rules,
        privacy_notice, min_age, verify_phone, collective_by) and dates, add ``areas`` and ``units`` after
        its own (those it has stay: participants chose them), and log
        ``details`` (``contest.update``), in one transaction."""

        def fn(conn: Conn) -> None:
            conn.execute(
                "UPDATE contests SET title = ?, description = ?, rules = ?, privacy_notice = ?, min_age = ?,"
                " verify_phone = ?, collective_by = ?, starts_at = ?, ends_at = ? WHERE id = ?",
                (
                    texts["title"],
                    texts["description"],
                    texts["rules"],
                    texts["privacy_notice"],
                    texts["min_age"],
                    int(texts["verify_phone"]),
                    str(texts["collective_by"]),
                    to_ms(starts_at),
                    to_ms(ends_at),
                    contest_id,
                ),
            )
            after = conn.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM areas WHERE contest_id = ?", (contest_id,)
            )
            first = after.fetchone()[0]
            conn.executemany(
                "INSERT INTO areas (contest_id, name, position) VALUES (?, ?, ?)",
                [(contest_id, name, first + i) for i, name in enumerate(areas)],
            )
            after = conn.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM units WHERE contest_id = ?", (contest_id,)
            )
            first = after.fetchone()[0]
            conn.executemany(
                "INSERT INTO units (contest_id, name, headcount, position) VALUES (?, ?, ?, ?)",
                [(contest_id, name, headcount, first + i) for i, (name, headcount) in enumerate(units)],
            )
            record(
                conn,
                actor_id=actor_id,
                action="contest.update",
                subject=f"contest:{contest_id}",
                details=details,
                now=now,
            )

        await self.db.write(fn)

    async def all(self) -> list[Contest]:
        """Every contest of the site with its areas, in the order they start."""

        def fn(conn: Conn) -> list[Contest]:
            areas: dict[int, list[Area]] = {}
            for a in conn.execute("SELECT id, contest_id, name FROM areas ORDER BY contest_id, position"):
                areas.setdefault(a["contest_id"], []).append(Area(id=a["id"], name=a["name"]))
            units: dict[int, list[Unit]] = {}
            for u in conn.execute("SELECT id, contest_id, name, headcount FROM units ORDER BY contest_id, position"):
                units.setdefault(u["contest_id"], []).append(Unit(id=u["id"], name=u["name"], headcount=u["headcount"]))
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
                    units=tuple(units.get(row["id"], ())),
                    verify_phone=bool(row["verify_phone"]),
                    collective_by=CollectiveBy(row["collective_by"]),
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
        actor_id: int | None = None,
        now: datetime | None = None,
    ) -> int:
        """A new round; logged as ``actor_id``'s when ``now`` is given (the
        console and the API; the demo seed and the tests make rounds unlogged)."""

        def fn(conn: Conn) -> int:
            cur = conn.execute(
                "INSERT INTO rounds (contest_id, title, description, opens_at, closes_at, question_count,"
                " duration_seconds, attempts_allowed, topic_quota, prediction_question, bank_id, counting, show_score,"
                " complaint_window_hours, prizes, tie_break, true_figure)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
                    rules.counting.value,
                    rules.show_score.value,
                    rules.complaint_window_hours,
                    _prizes(rules.prizes),
                    rules.tie_break.value,
                    rules.true_figure.value,
                ),
            )
            round_id: int = cur.fetchone()["id"]
            _set_difficulty_quota(conn, round_id, rules)
            conn.execute(
                "UPDATE rounds SET eligibility = ? WHERE id = ?", (dumps(to_json(rules.eligibility)), round_id)
            )
            if now is not None:
                details = {"title": title, "contest_id": contest_id, "bank_id": bank_id}
                record(
                    conn,
                    actor_id=actor_id,
                    action="round.create",
                    subject=f"round:{round_id}",
                    details=details,
                    now=now,
                )
            return round_id

        return await self.db.write(fn)

    async def update_round(
        self,
        round_id: int,
        *,
        phase: Phase,
        title: str,
        description: str,
        opens_at: datetime,
        closes_at: datetime,
        bank_id: int,
        rules: RoundRules,
        deadline: Callable[[datetime], datetime],
        actor_id: int | None,
        details: dict[str, Any],
        now: datetime,
    ) -> bool:
        """Rewrite a round's texts, times and rules in one transaction: its
        attempts in progress get ``deadline(started_at)`` as
        :meth:`reschedule_round` gives them, and the log gets ``details``
        (the values before and after) as ``actor_id``'s. Only while the
        round's stored phase is still ``phase`` (the one the change was
        checked against): False, and nothing written, when it moved."""

        def fn(conn: Conn) -> bool:
            if _reschedule(conn, round_id, phase, opens_at, closes_at, deadline) is None:
                return False
            conn.execute(
                "UPDATE rounds SET title = ?, description = ?, question_count = ?, duration_seconds = ?,"
                " attempts_allowed = ?, topic_quota = ?, prediction_question = ?, counting = ?, show_score = ?,"
                " complaint_window_hours = ?, prizes = ?, tie_break = ?, true_figure = ?, bank_id = ? WHERE id = ?",
                (
                    title,
                    description,
                    rules.question_count,
                    rules.duration_seconds,
                    rules.attempts_allowed,
                    dumps([list(q) for q in rules.topic_quota]),
                    rules.prediction_question,
                    rules.counting.value,
                    rules.show_score.value,
                    rules.complaint_window_hours,
                    _prizes(rules.prizes),
                    rules.tie_break.value,
                    rules.true_figure.value,
                    bank_id,
                    round_id,
                ),
            )
            conn.execute(
                "UPDATE rounds SET eligibility = ? WHERE id = ?", (dumps(to_json(rules.eligibility)), round_id)
            )
            _set_difficulty_quota(conn, round_id, rules)
            record(
                conn, actor_id=actor_id, action="round.update", subject=f"round:{round_id}", details=details, now=now
            )
            return True

        return await self.db.write(fn)

    async def figures(self, round_id: int) -> RoundFigures:
        """How many attempts of the round stand in each status, and how many
        participants started one (an attempt past its deadline counts as in
        progress until the sweeper closes it, a second or so later)."""

        def fn(conn: Conn) -> RoundFigures:
            counts = {
                r["status"]: r["n"]
                for r in conn.execute(
                    "SELECT status, COUNT(*) AS n FROM attempts WHERE round_id = ? GROUP BY status", (round_id,)
                )
            }
            people = conn.execute(
                "SELECT COUNT(DISTINCT user_id) FROM attempts WHERE round_id = ?", (round_id,)
            ).fetchone()[0]
            return RoundFigures(
                in_progress=counts.get("in_progress", 0),
                submitted=counts.get("submitted", 0),
                expired=counts.get("expired", 0),
                participants=people,
            )

        return await self.db.read(fn)

    async def has_attempts(self, round_id: int) -> bool:
        return await self.db.read(
            lambda c: c.execute("SELECT 1 FROM attempts WHERE round_id = ? LIMIT 1", (round_id,)).fetchone() is not None
        )

    async def qualified(self, rule: Eligibility) -> int:
        """How many participants the final standings of ``rule``'s rounds
        qualify (each once, whichever rounds they qualify from)."""
        if not rule.rounds or (rule.top is None and rule.min_score is None):
            return 0
        marks = ", ".join("?" for _ in rule.rounds)
        column, bound = ("e.rank <= ?", rule.top) if rule.top is not None else ("e.score >= ?", rule.min_score)
        sql = (
            "SELECT COUNT(DISTINCT e.user_id) AS n FROM standing_entries e"
            " JOIN standings s ON s.round_id = e.round_id AND s.generation = e.generation"
            f" WHERE s.phase = 'final' AND e.round_id IN ({marks}) AND {column}"
        )
        row = await self.db.read(lambda c: c.execute(sql, (*rule.rounds, bound)).fetchone())
        return int(row["n"])

    async def exclude_codes(self, round_id: int, codes: frozenset[str], *, actor_id: int | None, now: datetime) -> None:
        """Set the codes the round never draws, logged with those before and
        after and the ones added (``round.exclude``); Missing for no such round."""

        def fn(conn: Conn) -> None:
            row = conn.execute("SELECT excluded_codes FROM rounds WHERE id = ?", (round_id,)).fetchone()
            if row is None:
                raise Missing(Thing.ROUND, round_id)
            before = sorted(json.loads(row["excluded_codes"]))
            after = sorted(codes)
            conn.execute("UPDATE rounds SET excluded_codes = ? WHERE id = ?", (dumps(after), round_id))
            record(
                conn,
                actor_id=actor_id,
                action="round.exclude",
                subject=f"round:{round_id}",
                details={
                    "added": sorted(codes.difference(before)),
                    "before": {"excluded": before},
                    "after": {"excluded": after},
                },
                now=now,
            )

        await self.db.write(fn)

    async def reschedule_round(
        self,
        round_id: int,
        *,
        phase: Phase,
        opens_at: datetime,
        closes_at: datetime,
        deadline: Callable[[datetime], datetime],
    ) -> int | None:
        """Move a round's opening and close, and in the same transaction the
        stored deadline of each of its attempts in progress to
        ``deadline(started_at)`` (the domain's rule, ``timing.deadline``, for
        the round as moved); returns how many attempts moved, or None
        (nothing written) when the round's stored phase is no longer ``phase``."""

        return await self.db.write(lambda c: _reschedule(c, round_id, phase, opens_at, closes_at, deadline))

    async def rounds(self) -> list[Round]:
        """Every round of every contest, in opening order."""

        def fn(conn: Conn) -> list[Round]:
            return [_round(r) for r in conn.execute("SELECT * FROM rounds ORDER BY opens_at, id")]

        return await self.db.read(fn)

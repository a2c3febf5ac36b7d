"""Attempts and their answers: the hot path.

Start, save answer and submit are each one call into the writer thread: the
check and the change happen in the same transaction, and the caller awaits
once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from contest.domain import flags, scoring
from contest.domain.draw import keep, redraw
from contest.domain.models import (
    Attempt,
    AttemptStatus,
    AttemptSummary,
    DrawnKey,
    DrawnQuestion,
    Question,
    Result,
    Round,
    SavedAnswer,
)
from contest.domain.rescoring import HeldKey, RescoreReport, rekey
from contest.storage.audit import AuditLog
from contest.storage.codec import (
    answers_to_json,
    from_ms,
    keys_from_json,
    keys_to_json,
    maybe_from_ms,
    question_from_row,
    to_ms,
)
from contest.storage.facts import AttemptsUsed, Missing, Thing
from contest.storage.sql import Conn, Database, IntegrityError, for_update, savepoint, skip_locked

_SUMMARY_COLUMNS = (
    "id, round_id, user_id, number, status, started_at, deadline, submitted_at, prediction, "
    "correct, total, score, duration_ms"
)


def _summary(row: Any) -> AttemptSummary:
    return AttemptSummary(**_summary_fields(row))


def _summary_fields(row: Any) -> dict[str, Any]:
    result = None
    if row["score"] is not None:
        result = Result(correct=row["correct"], total=row["total"], score=row["score"], duration_ms=row["duration_ms"])
    return {
        "id": row["id"],
        "round_id": row["round_id"],
        "user_id": row["user_id"],
        "number": row["number"],
        "status": AttemptStatus(row["status"]),
        "started_at": from_ms(row["started_at"]),
        "deadline": from_ms(row["deadline"]),
        "submitted_at": maybe_from_ms(row["submitted_at"]),
        "prediction": row["prediction"],
        "result": result,
    }


def _answers(conn: Conn, attempt_id: int) -> dict[int, frozenset[int]]:
    """The attempt's answers (question id -> option ids), in the order they were last saved."""
    rows = conn.execute(
        "SELECT question_id, options FROM answers WHERE attempt_id = ? ORDER BY saved_at, question_id", (attempt_id,)
    )
    return {r["question_id"]: frozenset(json.loads(r["options"])) for r in rows}


def _version_questions(conn: Conn, version_id: int, codes: Sequence[str]) -> dict[str, Question]:
    marks = ", ".join("?" for _ in codes)
    rows = conn.execute(f"SELECT * FROM questions WHERE version_id = ? AND code IN ({marks})", (version_id, *codes))
    return {r["code"]: question_from_row(r) for r in rows}


def _drawn(conn: Conn, row: Any) -> tuple[DrawnQuestion, ...]:
    """An attempt's questions as shown: its stored keys joined with the text
    of the bank version it drew from (versions are immutable)."""
    keys = keys_from_json(row["questions"])
    bank = _version_questions(conn, row["bank_version_id"], [k.code for k in keys])
    return tuple(redraw(k, bank[k.code]) for k in keys)


def _attempt(conn: Conn, row: Any) -> Attempt:
    answers, revisions, flagged = {}, {}, set()
    for r in conn.execute(
        "SELECT question_id, options, revision, flagged FROM answers WHERE attempt_id = ?", (row["id"],)
    ):
        answers[r["question_id"]] = frozenset(json.loads(r["options"]))
        revisions[r["question_id"]] = r["revision"]
        if r["flagged"]:
            flagged.add(r["question_id"])
    return Attempt(
        **_summary_fields(row),
        questions=_drawn(conn, row),
        answers=answers,
        revisions=revisions,
        flagged=frozenset(flagged),
    )


# The one conditional upsert behind every save of an answer (see SavedAnswer
# for the rule). It inserts only while the attempt is in progress; an existing
# answer changes only when the options differ and the base revision (NULL:
# any) is the stored one. An empty first answer is stored as revision 0,
# which is the same as nothing stored.
_UPSERT_ANSWER = (
    "INSERT INTO answers (attempt_id, question_id, options, saved_at, revision)"
    " SELECT :attempt, :question, :options, :now, CASE WHEN :options = '[]' THEN 0 ELSE 1 END WHERE EXISTS"
    " (SELECT 1 FROM attempts WHERE id = :attempt AND status = 'in_progress')"
    " ON CONFLICT (attempt_id, question_id) DO UPDATE SET"
    " options = excluded.options, saved_at = excluded.saved_at, revision = answers.revision + 1"
    " WHERE answers.options <> excluded.options AND (CAST(:base AS INTEGER) IS NULL OR answers.revision = :base)"
    " RETURNING revision"
)


def _save_answer(
    conn: Conn, *, attempt_id: int, question_id: int, options: frozenset[int], base: int | None, now: int
) -> SavedAnswer | None:
    """Apply one save; ``None`` when the attempt is no longer in progress.
    Only a save that changed nothing reads the stored answer, to tell an
    unchanged answer from a stale save or a closed attempt."""
    sent = answers_to_json(options)
    row = conn.execute(
        _UPSERT_ANSWER,
        {"attempt": attempt_id, "question": question_id, "options": sent, "now": now, "base": base},
    ).fetchone()
    if row is not None:
        return SavedAnswer(options, row["revision"])
    found = conn.execute(
        "SELECT a.status, s.options, s.revision FROM attempts a"
        " LEFT JOIN answers s ON s.attempt_id = a.id AND s.question_id = ? WHERE a.id = ?",
        (question_id, attempt_id),
    ).fetchone()
    if found is None or found["status"] != AttemptStatus.IN_PROGRESS.value:
        return None
    stored = frozenset(json.loads(found["options"] or "[]"))
    return SavedAnswer(stored, found["revision"] or 0, applied=stored == options)


def _finalize(
    conn: Conn,
    row: Any,
    *,
    status: AttemptStatus,
    finished_at: datetime,
    prediction: int | None = None,
) -> AttemptSummary:
    """Score an attempt from the answers saved so far and close it, keeping
    the digest of its answer sheet (``flags.sheet``) for the judges' flag.
    Without a new ``prediction`` the one saved during the attempt is kept. An
    attempt another transaction closed first is returned as that one stored it."""
    started, deadline = from_ms(row["started_at"]), from_ms(row["deadline"])
    if prediction is None:
        prediction = row["prediction"]
    keys, answers = keys_from_json(row["questions"]), _answers(conn, row["id"])
    result = scoring.score(
        keys,
        answers,
        started_at=started,
        finished_at=finished_at,
        deadline_at=deadline,
    )
    cur = conn.execute(
        "UPDATE attempts SET status = ?, submitted_at = ?, prediction = ?, correct = ?, total = ?,"
        " score = ?, duration_ms = ?, sheet = ?, sheet_computed = TRUE WHERE id = ? AND status = 'in_progress'",
        (
            status.value,
            to_ms(finished_at),
            prediction,
            result.correct,
            result.total,
            result.score,
            result.duration_ms,
            flags.sheet(keys, answers),
            row["id"],
        ),
    )
    if cur.rowcount == 0:  # closed meanwhile by another transaction (PostgreSQL): what it stored stands
        closed = conn.execute(f"SELECT {_SUMMARY_COLUMNS} FROM attempts WHERE id = ?", (row["id"],)).fetchone()
        return _summary(closed)
    fields = _summary_fields(row)
    fields.update(status=status, submitted_at=finished_at, prediction=prediction, result=result)
    return AttemptSummary(**fields)


class AttemptStore:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    async def start(
        self,
        *,
        round_: Round,
        user_id: int,
        version_id: int,
        questions: tuple[DrawnQuestion, ...],
        now: datetime,
        deadline: datetime,
        expired_before: datetime,
    ) -> tuple[Attempt, bool]:
        """The participant's attempt in progress if there is one (False), or a
        new one with ``questions`` (True). An attempt in progress whose deadline
        is before ``expired_before`` is finalised first. Raises AttemptsUsed when
        every attempt is used."""
        stored = keys_to_json([keep(q) for q in questions])  # built here, not in the writer thread

        def fn(conn: Conn) -> tuple[Attempt, bool]:
            row = conn.execute(
                "SELECT * FROM attempts WHERE user_id = ? AND round_id = ? AND status = 'in_progress'",
                (user_id, round_.id),
            ).fetchone()
            if row is not None:
                if from_ms(row["deadline"]) >= expired_before:
                    return _attempt(conn, row), False
                _finalize(conn, row, status=AttemptStatus.EXPIRED, finished_at=from_ms(row["deadline"]))
            used = conn.execute(
                "SELECT COUNT(*) FROM attempts WHERE user_id = ? AND round_id = ?", (user_id, round_.id)
            ).fetchone()[0]
            if used >= round_.rules.attempts_allowed:
                raise AttemptsUsed(used=used, allowed=round_.rules.attempts_allowed)
            try:
                with savepoint(conn):
                    attempt_id: int = conn.execute(
                        "INSERT INTO attempts (round_id, user_id, number, status, bank_version_id, started_at,"
                        " deadline, questions) VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?) RETURNING id",
                        (round_.id, user_id, used + 1, version_id, to_ms(now), to_ms(deadline), stored),
                    ).fetchone()["id"]
            except IntegrityError:
                # The same participant's start on another connection committed first (PostgreSQL, or
                # another process): the attempt in progress it made is the one to answer with.
                row = conn.execute(
                    "SELECT * FROM attempts WHERE user_id = ? AND round_id = ? AND status = 'in_progress'",
                    (user_id, round_.id),
                ).fetchone()
                if row is None:
                    raise
                return _attempt(conn, row), False
            attempt = Attempt(
                id=attempt_id,
                round_id=round_.id,
                user_id=user_id,
                number=used + 1,
                status=AttemptStatus.IN_PROGRESS,
                started_at=from_ms(to_ms(now)),
                deadline=from_ms(to_ms(deadline)),
                questions=questions,
            )
            return attempt, True

        return await self.db.write(fn)

    async def get(self, attempt_id: int) -> Attempt | None:
        def fn(conn: Conn) -> Attempt | None:
            row = conn.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            return None if row is None else _attempt(conn, row)

        return await self.db.read(fn)

    async def keys(self, attempt_id: int) -> tuple[AttemptSummary, tuple[DrawnKey, ...]] | None:
        """An attempt's header and stored keys, without the question text."""

        def fn(conn: Conn) -> tuple[AttemptSummary, tuple[DrawnKey, ...]] | None:
            row = conn.execute(
                f"SELECT {_SUMMARY_COLUMNS}, questions FROM attempts WHERE id = ?", (attempt_id,)
            ).fetchone()
            return None if row is None else (_summary(row), keys_from_json(row["questions"]))

        return await self.db.read(fn)

    async def summary(self, attempt_id: int) -> AttemptSummary | None:
        def fn(conn: Conn) -> AttemptSummary | None:
            row = conn.execute(f"SELECT {_SUMMARY_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            return None if row is None else _summary(row)

        return await self.db.read(fn)

    async def answers(self, attempt_id: int) -> dict[int, frozenset[int]]:
        return await self.db.read(lambda c: _answers(c, attempt_id))

    async def of_user(self, user_id: int) -> list[AttemptSummary]:
        def fn(conn: Conn) -> list[AttemptSummary]:
            rows = conn.execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM attempts WHERE user_id = ? ORDER BY round_id, number",
                (user_id,),
            )
            return [_summary(r) for r in rows]

        return await self.db.read(fn)

    async def save_answer(
        self, *, attempt_id: int, question_id: int, options: frozenset[int], base: int | None, now: datetime
    ) -> SavedAnswer | None:
        """Store one answer based on revision ``base`` (``None``: whatever is
        stored) in one conditional upsert; see :class:`SavedAnswer`. ``None``
        when the attempt is no longer in progress."""

        def fn(conn: Conn) -> SavedAnswer | None:
            return _save_answer(
                conn, attempt_id=attempt_id, question_id=question_id, options=options, base=base, now=to_ms(now)
            )

        return await self.db.write(fn)

    async def save_answers(
        self,
        *,
        attempt_id: int,
        answers: Mapping[int, tuple[frozenset[int], int | None]],
        flags: Mapping[int, bool],
        prediction: int | None,
        now: datetime,
    ) -> dict[int, SavedAnswer] | None:
        """A whole page at once (a form posted without JavaScript, or by the
        countdown): answers (question id -> options and base revision), flags
        and the prediction, in one transaction. Returns each answer's outcome,
        or ``None`` when the attempt is no longer in progress."""

        def fn(conn: Conn) -> dict[int, SavedAnswer] | None:
            outcomes = {}
            for question_id, (options, base) in answers.items():
                saved = _save_answer(
                    conn, attempt_id=attempt_id, question_id=question_id, options=options, base=base, now=to_ms(now)
                )
                if saved is None:
                    return None
                outcomes[question_id] = saved
            for question_id, flagged in flags.items():
                if not _set_flag(conn, attempt_id=attempt_id, question_id=question_id, flagged=flagged, now=now):
                    return None
            if prediction is not None and not _set_prediction(conn, attempt_id=attempt_id, prediction=prediction):
                return None
            return outcomes

        return await self.db.write(fn)

    async def set_flag(self, *, attempt_id: int, question_id: int, flagged: bool, now: datetime) -> bool:
        """Flag a question for review (or clear the flag); False when the
        attempt is no longer in progress."""
        return await self.db.write(
            lambda conn: _set_flag(conn, attempt_id=attempt_id, question_id=question_id, flagged=flagged, now=now)
        )

    async def save_prediction(self, *, attempt_id: int, prediction: int) -> bool:
        return await self.db.write(lambda conn: _set_prediction(conn, attempt_id=attempt_id, prediction=prediction))

    async def submit(
        self, *, attempt_id: int, prediction: int | None, now: datetime, expired_before: datetime
    ) -> AttemptSummary:
        """Close an attempt with the answers saved so far. Submitting a closed
        attempt returns it unchanged; one whose deadline is before
        ``expired_before`` closes as expired with what was saved in time."""

        def fn(conn: Conn) -> AttemptSummary:
            row = conn.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                raise Missing(Thing.ATTEMPT, attempt_id)
            if row["status"] != AttemptStatus.IN_PROGRESS.value:
                return _summary(row)
            deadline = from_ms(row["deadline"])
            if deadline < expired_before:
                return _finalize(conn, row, status=AttemptStatus.EXPIRED, finished_at=deadline)
            return _finalize(conn, row, status=AttemptStatus.SUBMITTED, finished_at=now, prediction=prediction)

        return await self.db.write(fn)

    async def expire(self, *, attempt_id: int, expired_before: datetime) -> None:
        """Close one attempt if its time ran out (a participant came back late)."""

        def fn(conn: Conn) -> None:
            row = conn.execute(
                "SELECT * FROM attempts WHERE id = ? AND status = 'in_progress' AND deadline < ?",
                (attempt_id, to_ms(expired_before)),
            ).fetchone()
            if row is not None:
                _finalize(conn, row, status=AttemptStatus.EXPIRED, finished_at=from_ms(row["deadline"]))

        await self.db.write(fn)

    async def finalize_expired(self, *, expired_before: datetime, limit: int = 500) -> int:
        """Close attempts whose time ran out without a submission; returns how
        many. Safe to run from several processes and nodes at once: each
        attempt is closed by exactly one of them (rows another sweeper holds
        are skipped, see :func:`skip_locked`)."""

        def fn(conn: Conn) -> int:
            rows = conn.execute(
                "SELECT * FROM attempts WHERE status = 'in_progress' AND deadline < ? ORDER BY deadline LIMIT ?"
                + skip_locked(conn),
                (to_ms(expired_before), limit),
            ).fetchall()
            for row in rows:
                _finalize(conn, row, status=AttemptStatus.EXPIRED, finished_at=from_ms(row["deadline"]))
            return len(rows)

        return await self.db.write(fn)

    async def fill_sheets(self, *, round_id: int | None = None, batch: int = 200) -> int:
        """Digest the answer sheet (``flags.sheet``, from the stored keys and
        the saved answers, as :func:`_finalize` does) of every finished
        attempt without one computed yet (submitted before migration 0021,
        or by code that did not digest it), of one round or of all; returns
        how many. Each transaction takes at most ``batch`` attempts, so the
        writer is never held for long, and each attempt is digested once
        (its ``sheet_computed`` set, even when the digest is None). Several
        nodes at once: for all rounds (the sweeper) each skips the attempts
        another holds; for one round (before the judges' flags) it waits
        for them, so that the round is whole when this returns."""
        lock = skip_locked if round_id is None else for_update
        in_round = "" if round_id is None else " AND round_id = ?"
        params: tuple[int, ...] = () if round_id is None else (round_id,)

        def fn(conn: Conn) -> int:
            rows = conn.execute(
                "SELECT id, questions FROM attempts WHERE NOT sheet_computed AND status <> 'in_progress'"
                f"{in_round} ORDER BY round_id, id LIMIT ?" + lock(conn),
                (*params, batch),
            ).fetchall()
            conn.executemany(
                "UPDATE attempts SET sheet = ?, sheet_computed = TRUE WHERE id = ? AND NOT sheet_computed",
                [(flags.sheet(keys_from_json(r["questions"]), _answers(conn, r["id"])), r["id"]) for r in rows],
            )
            return len(rows)

        total = 0
        while True:
            done = await self.db.write(fn)
            total += done
            if done < batch:
                return total

    async def rescore(
        self,
        *,
        round_id: int,
        bank: Mapping[str, Question],
        now: datetime,
        actor_id: int | None,
        apply: bool,
        batch: int = 500,
        key: dict[str, str] | None = None,
    ) -> RescoreReport:
        """Re-apply the keys in ``bank`` (by question code) to every attempt of
        the round and re-score the finished ones. With ``apply`` False nothing
        is written and the report says what would change. Runs in batches so
        the writer is never held for long; the log entry is written last
        (with ``key``: a judge's key correction, its code, key before and
        after and reason),
        with the round's stored standings and item analysis marked out of
        date (ranked and analysed again: ``services/leaderboards.py``,
        ``services/statistics.py``)."""
        report = RescoreReport()
        after = 0
        while True:

            def fn(conn: Conn, after: int = after) -> tuple[int, RescoreReport]:
                return _rescore_batch(conn, round_id=round_id, after=after, bank=bank, apply=apply, limit=batch)

            after, part = await (self.db.write(fn) if apply else self.db.read(fn))
            report = report.plus(part)
            if part.attempts_checked < batch:
                break
        if apply:
            await self.db.write(
                lambda c: c.execute("UPDATE standings SET closes_at = NULL WHERE round_id = ?", (round_id,))
            )
            await self.db.write(
                lambda c: c.execute("UPDATE round_statistics SET closes_at = NULL WHERE round_id = ?", (round_id,))
            )
            await self.audit.record(
                actor_id=actor_id,
                action="round.rescore",
                subject=f"round:{round_id}",
                details={
                    "attempts_checked": report.attempts_checked,
                    "attempts_rekeyed": report.attempts_rekeyed,
                    "results_changed": report.results_changed,
                    "skipped": list(report.skipped),
                    **({"key": key} if key else {}),
                },
                now=now,
            )
        return report


def _set_flag(conn: Conn, *, attempt_id: int, question_id: int, flagged: bool, now: datetime) -> bool:
    cur = conn.execute(
        "INSERT INTO answers (attempt_id, question_id, options, saved_at, revision, flagged)"
        " SELECT ?, ?, '[]', ?, 0, ? WHERE EXISTS"
        " (SELECT 1 FROM attempts WHERE id = ? AND status = 'in_progress')"
        " ON CONFLICT (attempt_id, question_id) DO UPDATE SET flagged = excluded.flagged",
        (attempt_id, question_id, to_ms(now), flagged, attempt_id),
    )
    return cur.rowcount > 0


def _set_prediction(conn: Conn, *, attempt_id: int, prediction: int) -> bool:
    cur = conn.execute(
        "UPDATE attempts SET prediction = ? WHERE id = ? AND status = 'in_progress'", (prediction, attempt_id)
    )
    return cur.rowcount > 0


def _rescore_batch(
    conn: Conn, *, round_id: int, after: int, bank: Mapping[str, Question], apply: bool, limit: int
) -> tuple[int, RescoreReport]:
    rows = conn.execute(
        "SELECT * FROM attempts WHERE round_id = ? AND id > ? ORDER BY id LIMIT ?", (round_id, after, limit)
    ).fetchall()
    rekeyed = changed = 0
    skipped: set[str] = set()
    held: set[HeldKey] = set()
    results: list[tuple[int, int, int]] = []
    for row in rows:
        outcome = rekey(_drawn(conn, row), bank)
        skipped.update(outcome.skipped)
        held.update(outcome.held)
        if not outcome.changed:
            continue
        rekeyed += 1
        result = None
        keys = [keep(q) for q in outcome.questions]
        answers = _answers(conn, row["id"])
        if row["status"] != AttemptStatus.IN_PROGRESS.value:
            result = scoring.score(
                outcome.questions,
                answers,
                started_at=from_ms(row["started_at"]),
                finished_at=from_ms(row["submitted_at"]),
                deadline_at=from_ms(row["deadline"]),
            )
            if (result.correct, result.score) != (row["correct"], row["score"]):
                changed += 1
                results.append((row["id"], result.correct, result.score))
        if apply:
            conn.execute("UPDATE attempts SET questions = ? WHERE id = ?", (keys_to_json(keys), row["id"]))
            if result is not None:  # the answer sheet's digest too: whether one of its answers is wrong may change
                conn.execute(
                    "UPDATE attempts SET correct = ?, score = ?, sheet = ?, sheet_computed = TRUE WHERE id = ?",
                    (result.correct, result.score, flags.sheet(keys, answers), row["id"]),
                )
    last = rows[-1]["id"] if rows else after
    return last, RescoreReport(len(rows), rekeyed, changed, tuple(sorted(skipped)), tuple(results), frozenset(held))

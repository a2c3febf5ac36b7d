"""Judges correct a question's key while they review a round
(``rescoring.corrected``): first a preview of what changes (how many
attempts, and who moves from which score and rank to which), then, confirmed
with a reason, the bank's next version with the corrected key and the round
re-scored by the organisers' re-scoring (``AttemptStore.rescore``, logged),
with an entry of its own in the log.

The key before is the one the round's attempts hold
(``RescoreReport.held``), not the bank's: when two rounds draw from one bank,
a correction made in one changes the bank and re-scores that round only. The
other round's attempts keep their key until its own judges correct it there
(they see the key its attempts hold as the one before; the bank, already
right, gets no new version), because each round's results are its own
judges' to decide and may already be final.

Under review the standings are ranked again at once (as after a
disqualification). While results are provisional the published standings
stay as published: the re-scoring marks them out of date, and they change
only when the judges publish again (back under review, then provisional),
which lists who moved from which rank to which.
"""

from __future__ import annotations

from dataclasses import dataclass

from contest.clock import Clock
from contest.domain import judging, ranking, rescoring
from contest.domain.banks.versions import replace_question
from contest.domain.models import Phase, Question, Round, User
from contest.domain.permissions import Capability, require
from contest.domain.rescoring import ALREADY, RescoreReport, letters_of
from contest.errors import Conflict, Invalid, Message, NotFound
from contest.services.catalog import Catalog
from contest.services.leaderboards import Leaderboards, rule_of
from contest.storage import Storage

CORRECTING = (Phase.UNDER_REVIEW, Phase.PROVISIONAL)
NOT_CORRECTING = "Chỉ sửa đáp án khi vòng thi đang chấm hoặc có kết quả tạm thời."
NOT_IN_ROUND = "Câu hỏi này không có trong ngân hàng của vòng thi."


@dataclass(frozen=True, slots=True)
class Change:
    """A participant whose score or rank the correction changes (rank None:
    not ranked, as a disqualified participant)."""

    name: str
    score_before: int
    score_after: int
    rank_before: int | None
    rank_after: int | None


@dataclass(frozen=True, slots=True)
class KeyPreview:
    round: Round
    question: Question
    """As it is in the bank now."""
    answer: str
    """The corrected key, in bank letters."""
    report: RescoreReport
    changes: tuple[Change, ...]
    held: tuple[frozenset[int], ...]
    """The keys the round's attempts hold for the question (bank indexes;
    usually one), or the bank's key when none of them drew it."""

    @property
    def before(self) -> str:
        """The key before, in bank letters: ``"B"``, ``"A, C"``; several keys
        (attempts drawn from versions with different keys) with ``"; "``."""
        return "; ".join(letters_of(k) for k in self.held)


class KeyCorrections:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock, leaderboards: Leaderboards) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._leaderboards = leaderboards

    async def _check(self, user: User, round_id: int, code: str, answer: object) -> tuple[Round, Question, Question]:
        require(user, Capability.CORRECT_KEYS)
        round_ = await self._catalog.round(round_id)
        review = await self._storage.judging.review(round_id)
        if review is None or review.phase not in CORRECTING:
            raise Conflict(NOT_CORRECTING, code="not_correcting")
        version = await self._storage.banks.current_version(round_.bank_id)
        current = next((q for q in await self._storage.banks.questions(version) if q.code == code), None)
        if current is None:
            raise NotFound(NOT_IN_ROUND)
        return round_, current, rescoring.corrected(current, answer)

    async def preview(self, user: User, round_id: int, code: str, answer: object) -> KeyPreview:
        """What correcting question ``code``'s key to ``answer`` would change,
        nothing written. Forbidden without ``CORRECT_KEYS``; Conflict (409
        ``not_correcting``) unless the round is under review or provisional;
        NotFound for a code not in its bank; Invalid for a key that cannot be
        (``rescoring.corrected``) or the one every attempt of the round that
        drew the question already holds (the bank's, when none drew it)."""
        round_, current, fixed = await self._check(user, round_id, code, answer)
        report = await self._storage.attempts.rescore(
            round_id=round_id, bank={code: fixed}, now=self._clock.now(), actor_id=user.id, apply=False
        )
        held = report.keys_held(code) or (current.correct,)
        if held == (fixed.correct,):
            raise Invalid({"answer": Message(ALREADY, letters=letters_of(fixed.correct))})
        return KeyPreview(round_, current, letters_of(fixed.correct), report, await self._changes(round_, report), held)

    async def _changes(self, round_: Round, report: RescoreReport) -> tuple[Change, ...]:
        """Who moves: the round ranked (``ranking.rank``) with the re-scored
        results against its stored standings."""
        after = {attempt: (correct, score) for attempt, correct, score in report.results}
        if not after:
            return ()
        scored = [
            (*row[:3], after[row[0]][1], after[row[0]][0], *row[5:]) if row[0] in after else row
            for row in await self._storage.leaderboards.scored(round_.id)
        ]
        users, attempts = await self._storage.judging.excluded(round_.id)
        ranked = ranking.rank(scored, rule_of(round_), excluded_users=users, excluded_attempts=attempts)
        new = {e.user_id: (e.rank, e.score) for e in ranked.entries}
        stored = await self._storage.leaderboards.entries(round_.id)
        old = {e.user_id: (e.rank, e.score, e.name) for e in stored}
        changes = [
            Change(name, score, new.get(user, (None, score))[1], rank, new.get(user, (None, 0))[0])
            for user, (rank, score, name) in old.items()
            if new.get(user, (None, None)) != (rank, score)
        ]
        return tuple(sorted(changes, key=lambda c: (c.rank_after or 0, c.name)))

    async def apply(self, user: User, round_id: int, code: str, answer: object, reason: object) -> KeyPreview:
        """Correct the key as :meth:`preview` showed, with a written
        ``reason``: the bank's next version (none when the bank has that key
        already, from another round's correction), the round re-scored (logged as
        ``round.rescore``, the key before and after and the reason with it);
        under review the standings are ranked again at once, while provisional they wait for the judges to publish
        again. Errors as :meth:`preview`, and Invalid without a reason
        (Forbidden first)."""
        require(user, Capability.CORRECT_KEYS)
        text = judging.written(reason, field="reason", limit=judging.REASON_MAX, missing="Hãy ghi lý do sửa đáp án.")
        shown = await self.preview(user, round_id, code, answer)
        fixed = rescoring.corrected(shown.question, answer)
        now = self._clock.now()
        bank_id = shown.round.bank_id
        if fixed.correct != shown.question.correct:
            questions = await self._storage.banks.questions(await self._storage.banks.current_version(bank_id))
            await self._storage.banks.add_version(
                bank_id,
                replace_question(questions, fixed),
                now=now,
                note=f"Sửa đáp án câu {code} khi chấm vòng «{shown.round.title}»",
                created_by=user.id,
                kind="edit",
                code=code,
            )
        await self._storage.attempts.rescore(
            round_id=round_id,
            bank={code: fixed},
            now=now,
            actor_id=user.id,
            apply=True,
            key={"code": code, "before": shown.before, "after": shown.answer, "reason": text},
        )
        review = await self._storage.judging.review(round_id)
        if review is not None and review.phase is Phase.UNDER_REVIEW:
            await self._leaderboards.refresh(round_id, Phase.UNDER_REVIEW)
        return shown

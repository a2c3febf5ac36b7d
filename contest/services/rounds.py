"""Rounds' phases: judges' decisions that move a closed round on to under
review, provisional and final results (the rule: ``domain/phases.py``), each
recorded with who made it, when and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from contest.clock import Clock
from contest.domain import judging, phases, prizes
from contest.domain.models import Phase, Round, User
from contest.domain.permissions import Capability, require
from contest.domain.text import read_choice, read_text
from contest.errors import Invalid, NotFound
from contest.services.awards import settled
from contest.services.catalog import Catalog
from contest.services.leaderboards import Leaderboards
from contest.storage import Storage
from contest.storage.phases import PhaseChange

NOTE_MAX = 2000
MOVED_MEANWHILE = "Vòng thi vừa được người khác chuyển giai đoạn. Vui lòng tải lại trang và thử lại."


class Rounds:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock, leaderboards: Leaderboards) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._leaderboards = leaderboards

    async def move_phase(self, user: User, round_id: int, to: object, note: object) -> Phase:
        """Move the round from its effective phase to ``to`` (a phase's name)
        with ``note`` saying why, and return the new phase. Forbidden without
        ``JUDGE_ROUND``; Invalid for an unknown phase or an overlong note;
        NotFound for no such round; :class:`phases.PhaseRefused` (409) for a
        move the phase machine does not allow, final results while the
        complaint window is open or a complaint has no answer
        (:func:`judging.check_final`) or a tie across a prize boundary the
        judges have not decided (:func:`prizes.check_settled`), or when someone moved the round
        meanwhile. The round's standings stand for the new phase (the stored
        ones when current, else ranked now: :meth:`Leaderboards.settle`),
        signed when published; publishing again logs who moved from which
        rank to which."""
        require(user, Capability.JUDGE_ROUND)
        target = read_choice(to, field="phase", choices=phases.LABELS)
        text = read_text(note, field="note")
        if len(text) > NOTE_MAX:
            raise Invalid({"note": f"Ghi chú dài tối đa {NOTE_MAX} ký tự."})
        round_ = await self._catalog.round(round_id)
        stored = await self._storage.phases.stored(round_id)
        if stored is None:
            raise NotFound("Không tìm thấy vòng thi.")
        now = self._clock.now()
        current = phases.effective(replace(round_, stored_phase=stored), now)
        phases.check_move(current, target)
        if target is Phase.FINAL:
            await self._check_final(round_, now)
        moved = await self._storage.phases.move(
            round_id=round_id, stored=stored, from_phase=current, to=target, user_id=user.id, note=text, now=now
        )
        if not moved:
            raise phases.PhaseRefused(MOVED_MEANWHILE)
        await self._leaderboards.settle(round_id, target)
        if target in (Phase.PROVISIONAL, Phase.FINAL):
            await self._publish(round_id, user, now)
        return target

    async def _check_final(self, round_: Round, now: datetime) -> None:
        """Raise :class:`phases.PhaseRefused` (409) when final results are
        not allowed at ``now`` (:func:`judging.check_final`,
        :func:`prizes.check_settled`)."""
        review = await self._storage.judging.review(round_.id)
        if review is None:
            raise NotFound("Không tìm thấy vòng thi.")
        judging.check_final(review, now)
        prizes.check_settled((await settled(self._storage, round_)).awards)

    async def final_refusal(self, user: User, round_id: int) -> str:
        """Why final results cannot be published now (the complaint window
        still open, complaints unanswered, prize ties undecided), "" when
        they can: the judges' page shows the choice disabled with it."""
        require(user, Capability.JUDGE_ROUND)
        try:
            await self._check_final(await self._catalog.round(round_id), self._clock.now())
        except phases.PhaseRefused as exc:
            return exc.message
        return ""

    async def _publish(self, round_id: int, user: User, now: datetime) -> None:
        """Keep the ranks just published; when results were published before,
        log who moved from which rank to which (:func:`judging.moves`)."""
        after = {e.user_id: (e.name, e.rank) for e in await self._storage.leaderboards.entries(round_id)}
        before = await self._storage.judging.published(round_id)
        await self._storage.judging.publish(
            round_id=round_id,
            ranks={user_id: rank for user_id, (_name, rank) in after.items()},
            moved=judging.moves(before, after),
            first=not before,
            judge_id=user.id,
            now=now,
        )

    async def phase_changes(self, user: User, round_id: int) -> list[PhaseChange]:
        """Who moved the round to which phase, when and why, oldest first."""
        require(user, Capability.JUDGE_ROUND)
        await self._catalog.round(round_id)
        return await self._storage.phases.changes(round_id)

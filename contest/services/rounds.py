"""Rounds' phases: judges' decisions that move a closed round on to under
review, provisional and final results (the rule: ``domain/phases.py``), each
recorded with who made it, when and why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from contest.clock import Clock
from contest.domain import judging, phases, prizes
from contest.domain.models import Phase, Round, User
from contest.domain.permissions import Capability, require
from contest.domain.text import read_choice, read_text
from contest.errors import Invalid, NotFound
from contest.services.awards import settled
from contest.services.catalog import Catalog
from contest.services.leaderboards import Leaderboards, up_to_date
from contest.storage import Storage
from contest.storage.phases import PhaseChange

NOTE_MAX = 2000
DECISIONS = {phase: phases.LABELS[phase] for phase in Phase if phase in phases.DECIDED}
"""The phases a judge moves a round to (``under_review``, ``provisional``,
``final``), with their labels; the others are the clock's."""
MOVED_MEANWHILE = "Vòng thi vừa được người khác chuyển giai đoạn. Vui lòng tải lại trang và thử lại."
NO_ROUND = "Không tìm thấy vòng thi."
RESULTS_CHANGED = (
    "Kết quả đã thay đổi sau khi công bố tạm thời (sửa đáp án hoặc chấm lại bài thi):"
    f" cần chuyển vòng về «{phases.LABELS[Phase.UNDER_REVIEW]}» và công bố kết quả tạm thời lần nữa"
    " trước khi công bố chính thức."
)
"""Why final results wait when the published provisional standings are no
longer what a ranking gives (:func:`up_to_date`): publishing final ones
would change ranks nobody could complain about."""


@dataclass(frozen=True, slots=True)
class PhaseMove:
    """A move the phase machine knows from a round's phase: to ``phase``,
    refused now for ``reason`` (Vietnamese), or allowed (None)."""

    phase: Phase
    reason: str | None


@dataclass(frozen=True, slots=True)
class PhaseMoves:
    """A round's effective phase and the moves from it (:meth:`Rounds.phase_moves`)."""

    phase: Phase
    moves: tuple[PhaseMove, ...]


class Rounds:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock, leaderboards: Leaderboards) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._leaderboards = leaderboards

    async def move_phase(self, user: User, round_id: int, to: object, note: object) -> Phase:
        """Move the round from its effective phase to ``to`` (a phase's name)
        with ``note`` saying why, and return the new phase. Forbidden without
        ``JUDGE_ROUND``; Invalid for a phase not in :data:`DECISIONS` (the message
        lists them) or an overlong note;
        NotFound for no such round; :class:`phases.PhaseRefused` (409) for a
        move the phase machine does not allow, final results while the
        published provisional standings are out of date (``results_changed``),
        the complaint window is open or a complaint has no answer
        (:func:`judging.check_final`) or a tie across a prize boundary the
        judges have not decided (:func:`prizes.check_settled`), or when someone moved the round
        meanwhile. The round's standings stand for the new phase (the stored
        ones when current, else ranked now: :meth:`Leaderboards.settle`),
        signed when published; publishing again logs who moved from which
        rank to which."""
        require(user, Capability.JUDGE_ROUND)
        target = read_choice(to, field="phase", choices=DECISIONS)
        text = read_text(note, field="note")
        if len(text) > NOTE_MAX:
            raise Invalid({"note": f"Ghi chú dài tối đa {NOTE_MAX} ký tự."})
        now = self._clock.now()
        round_, stored, current = await self._phases(round_id, now)
        refused = await self._refusal(round_, current, target, now)
        if refused is not None:
            raise refused
        moved = await self._storage.phases.move(
            round_id=round_id, stored=stored, from_phase=current, to=target, user_id=user.id, note=text, now=now
        )
        if not moved:
            raise phases.PhaseRefused(MOVED_MEANWHILE)
        await self._leaderboards.settle(round_id, target)
        if target in (Phase.PROVISIONAL, Phase.FINAL):
            await self._publish(round_id, user, now)
        return target

    async def _phases(self, round_id: int, now: datetime) -> tuple[Round, Phase, Phase]:
        """The round, its phase as stored now (the catalog may hold the round
        as it was a moment ago) and its effective phase at ``now``; NotFound
        for no such round."""
        round_ = await self._catalog.round(round_id)
        stored = await self._storage.phases.stored(round_id)
        if stored is None:
            raise NotFound(NO_ROUND)
        return round_, stored, phases.effective(replace(round_, stored_phase=stored), now)

    async def _refusal(self, round_: Round, current: Phase, to: Phase, now: datetime) -> phases.PhaseRefused | None:
        """Why moving ``round_`` from its effective phase ``current`` to
        ``to`` is refused at ``now``, or None when it is allowed: the phase
        machine (:func:`phases.check_move`), then for final results
        provisional standings out of date since they were published (a key
        corrected, attempts re-scored, the close or rule changed:
        :func:`up_to_date`; the judges publish provisional results again,
        which opens a new complaint window and lists who moved), the
        complaint window and unanswered complaints (:func:`judging.check_final`)
        and undecided ties across a prize boundary
        (:func:`prizes.check_settled`). The one answer :meth:`move_phase`
        raises and :meth:`phase_moves` shows, so the two never disagree."""
        try:
            phases.check_move(current, to)
            if to is Phase.FINAL:
                head = await self._storage.leaderboards.head(round_.id)
                if head is None or not up_to_date(head, round_):
                    raise phases.PhaseRefused(RESULTS_CHANGED, code="results_changed")
                review = await self._storage.judging.review(round_.id)
                if review is None:
                    raise NotFound(NO_ROUND)
                judging.check_final(review, now)
                prizes.check_settled((await settled(self._storage, round_)).awards)
        except phases.PhaseRefused as refused:
            return refused
        return None

    async def phase_moves(self, user: User, round_id: int) -> PhaseMoves:
        """The round's effective phase now and every move the phase machine
        knows from it (``phases.MOVES``, in the phases' order), each with the
        Vietnamese reason :meth:`move_phase` would refuse it for now (None:
        allowed). Forbidden without ``JUDGE_ROUND``; NotFound for no such
        round."""
        require(user, Capability.JUDGE_ROUND)
        now = self._clock.now()
        round_, _stored, current = await self._phases(round_id, now)
        moves = []
        for to in sorted(phases.MOVES.get(current, frozenset()), key=list(Phase).index):
            refused = await self._refusal(round_, current, to, now)
            moves.append(PhaseMove(to, None if refused is None else refused.message))
        return PhaseMoves(current, tuple(moves))

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

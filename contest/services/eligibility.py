"""Whether a participant may enter a round: the facts the domain's rule needs
(:func:`contest.domain.eligibility.refusal`), read from the participation and
the stored standings of the rounds a final names, and the refusal as an error.
"""

from __future__ import annotations

from contest.domain.eligibility import Place, Refusal
from contest.domain.eligibility import refusal as decide
from contest.domain.models import Participation, Phase, Round
from contest.errors import Forbidden
from contest.services.catalog import Catalog
from contest.storage import Storage


class NotEligible(Forbidden):
    """A participant asked to start a round they may not enter (403, with the
    refusal's code: ``not_eligible_unit``, ``not_eligible_area``,
    ``qualifying_not_final``, ``not_qualified``)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message, code=refusal.code)


async def refusal(storage: Storage, catalog: Catalog, *, round_: Round, joined: Participation) -> Refusal | None:
    """Why the participant of ``joined`` may not enter ``round_``, or None.
    A round open to all reads nothing; a final reads the participant's places
    and each named round's stored standings (one read each)."""
    rule = round_.rules.eligibility
    if rule.open_to_all:
        return None
    contest = await catalog.contest(round_.contest_id)
    places: list[Place] = []
    if rule.rounds:
        own = {p.round_id: p for p in await storage.leaderboards.places(joined.user_id)}
        for round_id in rule.rounds:
            named = await catalog.round(round_id)
            head = await storage.leaderboards.head(round_id)
            final = head is not None and head.phase is Phase.FINAL
            mine = own.get(round_id) if final else None
            places.append(
                Place(
                    round_id=round_id,
                    title=named.title,
                    final=final,
                    question_count=named.rules.question_count,
                    rank=mine.rank if mine else None,
                    score=mine.score if mine else None,
                )
            )
    return decide(rule, contest=contest, area_id=joined.area_id, unit=joined.unit, places=places)

"""An organiser's preview of a round as a participant would see it: a draw
made by the round's rules from its bank's current version, shown and
forgotten. Nothing is stored, so it counts in no attempt, statistic or
ranking (``Capability.MANAGE_ROUNDS``)."""

from __future__ import annotations

import random
import secrets

from contest.domain import draw
from contest.domain.models import DrawnQuestion, Round, User
from contest.domain.permissions import Capability, require
from contest.services.catalog import Catalog


class Previews:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    async def round(self, user: User, round_id: int) -> tuple[Round, tuple[DrawnQuestion, ...]]:
        """The round and one fresh draw of its questions; NotFound for no
        such round, NotEnoughQuestions (409) when its bank cannot supply it."""
        require(user, Capability.MANAGE_ROUNDS)
        round_ = await self._catalog.round(round_id)
        _, bank = await self._catalog.bank(round_.bank_id)
        rng = random.Random(secrets.randbits(128))  # noqa: S311 - a preview, seeded from the OS
        return round_, draw.draw(bank, round_.rules, rng=rng)

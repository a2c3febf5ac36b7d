"""The committee's work on participants: finding them by name, phone, CCCD,
email, area or unit typed without diacritics; opening one with their
contests and attempts; disabling an account with a reason (they can no longer
sign in or start a round, on every node; their attempts stay) and enabling it
again; marking an account a duplicate of another.

Personal data is read only by those who may see it
(``Capability.VIEW_PERSONAL_DATA``: organisers and admins, never judges);
changes need ``Capability.MANAGE_PARTICIPANTS``. Each change goes to the
audit log with the values before and after, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from contest.clock import Clock
from contest.domain.models import AttemptSummary, Contest, Role, Round, User
from contest.domain.permissions import Capability, require
from contest.domain.registration import normalize_login
from contest.domain.search import matches
from contest.domain.text import read_text
from contest.errors import Conflict, Invalid, NotFound
from contest.services.catalog import Catalog
from contest.services.sessions import Sessions
from contest.storage import Storage
from contest.storage.participants import Joined, Participant

SEARCH_LIMIT = 200
"""How many participants a search shows; the page says how many matched."""
REASON_LIMIT = 500
NOT_FOUND = "Không tìm thấy thí sinh."


@dataclass(frozen=True, slots=True)
class Found:
    participants: list[Participant]
    """The first :data:`SEARCH_LIMIT` that matched, by name."""
    matched: int


@dataclass(frozen=True, slots=True)
class Profile:
    participant: Participant
    joined: list[tuple[Contest, Joined]]
    attempts: list[tuple[Round, AttemptSummary]]
    """Every attempt, with its round, in round then attempt order."""
    duplicate_of: Participant | None


def _reason(raw: object, *, field: str, required: bool) -> str:
    """A reason typed by staff: trimmed, at most :data:`REASON_LIMIT`
    characters; :class:`Invalid` for ``field`` when missing but ``required``."""
    text = read_text(raw, field=field)
    if required and not text:
        raise Invalid({field: "Hãy ghi lý do."})
    if len(text) > REASON_LIMIT:
        raise Invalid({field: f"Lý do dài quá {REASON_LIMIT} ký tự."})
    return text


class Participants:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock, *, sessions: Sessions) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._sessions = sessions

    async def search(self, actor: User, *, contest_id: int, query: str = "", area_id: int | None = None) -> Found:
        """Participants of a contest (of one of its areas when ``area_id`` is
        given) whose name, phone, CCCD, email, area or unit contains
        ``query`` compared without diacritics (:func:`~contest.domain.search.matches`).
        The text is matched here rather than in SQL, since neither database
        folds Vietnamese diacritics; a contest's participants are read in one
        query (tens of thousands of short rows). NotFound for an unknown contest."""
        require(actor, Capability.VIEW_PERSONAL_DATA)
        await self._catalog.contest(contest_id)
        rows = await self._storage.participants.of_contest(contest_id, area_id=area_id)
        found = [p for p in rows if matches(query, p.full_name, p.phone, p.cccd, p.email, p.area, p.unit)]
        return Found(found[:SEARCH_LIMIT], len(found))

    async def _get(self, user_id: int) -> tuple[Participant, list[Joined]]:
        found = await self._storage.participants.get(user_id)
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    async def profile(self, actor: User, user_id: int) -> Profile:
        """A participant, the contests they joined and all their attempts;
        NotFound for anyone else (staff accounts are managed as staff)."""
        require(actor, Capability.VIEW_PERSONAL_DATA)
        participant, joined = await self._get(user_id)
        contests = [(await self._catalog.contest(j.contest_id), j) for j in joined]
        rounds = {r.id: r for r in await self._catalog.rounds()}
        attempts = [(rounds[a.round_id], a) for a in await self._storage.attempts.of_user(user_id)]
        original = None
        if participant.duplicate_of is not None:
            original = (await self._get(participant.duplicate_of))[0]
        return Profile(participant, contests, attempts, original)

    async def disable(self, actor: User, user_id: int, reason: object) -> None:
        """Disable a participant's account with a reason (required): their
        sessions end and they cannot sign in or start; attempts stay."""
        require(actor, Capability.MANAGE_PARTICIPANTS)
        text = _reason(reason, field="reason", required=True)
        await self._get(user_id)
        await self._storage.standing.disable(user_id, actor_id=actor.id or None, now=self._clock.now(), reason=text)
        self._sessions.changed()

    async def enable(self, actor: User, user_id: int) -> None:
        require(actor, Capability.MANAGE_PARTICIPANTS)
        await self._get(user_id)
        await self._storage.standing.enable(user_id, actor_id=actor.id or None, now=self._clock.now())
        self._sessions.changed()

    async def mark_duplicate(self, actor: User, user_id: int, *, of_login: object, note: object) -> None:
        """Mark ``user_id`` a duplicate of the participant whose phone or
        email is ``of_login`` (the account the committee keeps). Invalid
        when no participant has it; Conflict for the account itself."""
        require(actor, Capability.MANAGE_PARTICIPANTS)
        participant, _ = await self._get(user_id)
        text = _reason(note, field="note", required=False)
        found = await self._storage.accounts.for_login(normalize_login(of_login))
        if found is None or found[0].role is not Role.PARTICIPANT:
            raise Invalid({"of_login": "Không có thí sinh nào có số điện thoại hoặc email này."})
        original = found[0]
        if original.id == user_id:
            raise Conflict("Một tài khoản không thể trùng với chính nó.")
        await self._storage.participants.mark_duplicate(
            user_id,
            of=original.id,
            note=text,
            actor_id=actor.id or None,
            now=self._clock.now(),
            names=(participant.full_name, original.full_name),
        )

    async def unmark_duplicate(self, actor: User, user_id: int) -> None:
        require(actor, Capability.MANAGE_PARTICIPANTS)
        participant, _ = await self._get(user_id)
        await self._storage.participants.unmark_duplicate(
            user_id, actor_id=actor.id or None, now=self._clock.now(), name=participant.full_name
        )

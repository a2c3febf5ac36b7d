"""What a contest publishes besides the quiz: announcements and documents
(``domain/publications.py`` says what may be published), and the prize
structure its rounds state. Anyone reads them; only those who manage
contests (``Capability.MANAGE_CONTESTS``) publish or remove, each logged
with what was published or removed."""

from __future__ import annotations

from dataclasses import astuple, dataclass

from contest.clock import Clock
from contest.config import Settings
from contest.domain.models import Contest, Round, User
from contest.domain.permissions import Capability, require
from contest.domain.publications import check_announcement, check_document
from contest.errors import NotFound
from contest.services.catalog import Catalog
from contest.storage import Storage
from contest.storage.publications import Announcement, Document

NO_DOCUMENT = "Không tìm thấy tài liệu."


@dataclass(frozen=True, slots=True)
class Published:
    contest: Contest
    announcements: list[Announcement]
    documents: list[Document]
    prizes: list[Round]
    """The contest's rounds that award prizes, in opening order."""


class Publications:
    def __init__(self, storage: Storage, catalog: Catalog, settings: Settings, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._settings = settings
        self._clock = clock

    async def of(self, contest: Contest) -> Published:
        """Everything the contest publishes, for its public page and the console."""
        rounds = await self._catalog.rounds(contest.id)
        prizes = [r for r in rounds if any(astuple(r.rules.prizes))]
        return Published(
            contest,
            await self._storage.publications.announcements(contest.id),
            await self._storage.publications.documents(contest.id),
            prizes,
        )

    async def announce(self, user: User, contest_id: int, *, title: object, body: object) -> Announcement:
        require(user, Capability.MANAGE_CONTESTS)
        await self._catalog.contest(contest_id)
        clean_title, clean_body = check_announcement(title, body)
        return await self._storage.publications.add_announcement(
            contest_id=contest_id, title=clean_title, body=clean_body, actor_id=user.id or None, now=self._clock.now()
        )

    async def add_document(self, user: User, contest_id: int, *, title: object, filename: str, data: bytes) -> Document:
        """Publish a file (at most ``CONTEST_MAX_UPLOAD_BYTES``); Invalid
        naming the field when it cannot be published."""
        require(user, Capability.MANAGE_CONTESTS)
        await self._catalog.contest(contest_id)
        checked = check_document(title, filename, data, limit=self._settings.max_upload_bytes)
        return await self._storage.publications.add_document(
            contest_id=contest_id,
            title=checked.title,
            filename=checked.filename,
            media_type=checked.media_type,
            data=data,
            actor_id=user.id or None,
            now=self._clock.now(),
        )

    async def remove_announcement(self, user: User, contest_id: int, announcement_id: int) -> None:
        """Remove an announcement of ``contest_id``; NotFound for none there."""
        require(user, Capability.MANAGE_CONTESTS)
        if not await self._storage.publications.remove_announcement(
            contest_id, announcement_id, actor_id=user.id or None, now=self._clock.now()
        ):
            raise NotFound("Không tìm thấy thông báo.")

    async def remove_document(self, user: User, contest_id: int, document_id: int) -> None:
        """Remove a document of ``contest_id``; NotFound for none there."""
        require(user, Capability.MANAGE_CONTESTS)
        if not await self._storage.publications.remove_document(
            contest_id, document_id, actor_id=user.id or None, now=self._clock.now()
        ):
            raise NotFound(NO_DOCUMENT)

    async def download(self, contest: Contest, document_id: int) -> tuple[Document, bytes]:
        """A document of ``contest`` and its bytes; NotFound for one of
        another contest or none."""
        found = await self._storage.publications.document(document_id)
        if found is None or found[0].contest_id != contest.id:
            raise NotFound(NO_DOCUMENT)
        return found

"""Question banks for organisers: upload, preview, confirm, browse, edit,
version history, export, warnings about outdated sources, and re-scoring.

An upload is validated first and kept until the organiser confirms it; only a
bank without errors can be confirmed, and confirming stores the whole bank as
a new version in one transaction, or nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from contest.clock import Clock
from contest.config import Settings
from contest.domain import draw, timing
from contest.domain.banks.common import (
    ParsedBank,
    Problem,
    Severity,
    build_question,
    build_source,
)
from contest.domain.banks.export import FORMATS, write_bank
from contest.domain.banks.moodle import slug
from contest.domain.banks.quality import QualityReport
from contest.domain.banks.sources import Outdated, outdated
from contest.domain.banks.tabular import COLUMNS
from contest.domain.banks.versions import (
    Diff,
    Overwritten,
    closest_version,
    diff,
    overwritten,
    replace_question,
    retire,
)
from contest.domain.models import Bank, BankVersion, Difficulty, Question, Round, RoundStatus, User
from contest.domain.numbers import int_or_none
from contest.domain.permissions import Capability, require
from contest.domain.rescoring import RescoreReport
from contest.domain.text import clean_text, read_text, refused_character
from contest.errors import Conflict, Invalid, NotFound
from contest.resources import resource_dir
from contest.services.bank_reading import BankReader, content_hash
from contest.services.catalog import Catalog
from contest.services.facts import not_found, reported
from contest.storage import Duplicate, Storage, UploadGone
from contest.storage.facts import Missing

TEMPLATE_NAME = "ngan-hang-cau-hoi.xlsx"
UPLOAD_GONE = "Tệp này đã được xác nhận hoặc đã hủy: không xác nhận lại được."
UPLOAD_CHANGED = (
    "Tệp đang chờ ở địa chỉ này không phải tệp bạn đã xem trước (tệp đó đã được xác nhận hoặc hủy). "
    "Hãy mở lại trang xem trước."
)
SAMPLE_SIZE = 10
COLUMN_TITLES = {c.field: c.title for c in COLUMNS} | {"options": "Phương án", "source": "Nguồn"}
"""A problem's column as the organiser's spreadsheet heads it ("answer" → "Đáp án đúng")."""
EXTENSIONS = {"xlsx": "xlsx", "json": "json", "gift": "gift.txt"}
EXPORT_LABELS = {"xlsx": "Excel (.xlsx)", "json": "JSON", "gift": "Moodle GIFT"}
"""Export formats as the console names them, in the order of ``FORMATS``."""
EXPORT_NAME = re.compile(r"phien-ban-([0-9]+)")
"""The version number in an exported file's name: only a tie-breaker, since
the version a file was made from is judged by its content
(:func:`~contest.domain.banks.versions.closest_version`)."""


def export_filename(bank_name: str, number: int, extension: str) -> str:
    """The bank's name without diacritics and the version number people see:
    ``ngan-hang-thu-phien-ban-3.xlsx``."""
    return f"{slug(bank_name).lower() or 'ngan-hang'}-phien-ban-{number}.{extension}"


@dataclass(frozen=True)
class Preview:
    """What an organiser sees before confirming an upload."""

    upload_id: int
    filename: str
    bank_id: int | None
    parsed: ParsedBank
    by_topic: tuple[tuple[str, dict[Difficulty, int], int], ...]
    sample: tuple[Question, ...]
    changes: Diff | None
    quality: QualityReport
    """The bank's quality report (``domain/banks/quality.py``): warnings to
    read before confirming, which do not block it."""
    content: str
    """The file's SHA-256 (:func:`~contest.services.bank_reading.content_hash`):
    the confirmation names it, so a reused upload id never confirms another file."""
    base: int | None = None
    """The version number the file was made from, judged by its content (its
    name only breaks ties), or else the last uploaded one: changes after it
    that the file would undo are listed in ``overwritten``."""
    overwritten: tuple[Overwritten, ...] = ()
    rescore: tuple[RoundAttempts, ...] = ()
    """Rounds with attempts that a changed key would need re-scored."""

    @property
    def can_confirm(self) -> bool:
        return self.parsed.ok and bool(self.parsed.questions)


@dataclass(frozen=True)
class RoundAttempts:
    round: Round
    attempts: int


@dataclass(frozen=True)
class RoundWarning:
    round: Round
    outdated: tuple[Outdated, ...]


def bank_name(name: str) -> str:
    """A new bank's name as stored: cleaned like every text
    (:func:`~contest.domain.banks.common.clean_text`), spaces collapsed;
    :class:`Invalid` (``name``) when empty once cleaned, longer than 200
    characters, or holding a character no text may hold. The console and
    ``contest bank import --name`` both go through it."""
    if reason := refused_character(name):
        raise Invalid({"name": reason})
    cleaned = " ".join(clean_text(name).split())
    if not cleaned:
        raise Invalid({"name": "Vui lòng đặt tên cho ngân hàng câu hỏi."})
    if len(cleaned) > 200:
        raise Invalid({"name": "Tên ngân hàng dài tối đa 200 ký tự."})
    return cleaned


def counts(questions: Iterable[Question]) -> tuple[tuple[str, dict[Difficulty, int], int], ...]:
    per_topic: dict[str, Counter[Difficulty]] = {}
    for q in questions:
        per_topic.setdefault(q.topic or "(không có chủ đề)", Counter())[q.difficulty] += 1
    return tuple((topic, dict(c), sum(c.values())) for topic, c in per_topic.items())


class Banks:
    def __init__(self, storage: Storage, catalog: Catalog, settings: Settings, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._settings = settings
        self._clock = clock
        self._reader = BankReader(max_bytes=settings.max_upload_bytes)

    # -- reading -------------------------------------------------------------

    async def all(self, user: User) -> list[Bank]:
        require(user, Capability.MANAGE_BANKS)
        return await self._storage.banks.all()

    async def get(self, user: User, bank_id: int) -> Bank:
        require(user, Capability.MANAGE_BANKS)
        with reported():
            return await self._storage.banks.get(bank_id)

    async def questions(self, user: User, bank_id: int, *, version: int | None = None) -> tuple[Question, ...]:
        """The questions of version number ``version`` (the current one when
        None); NotFound when the bank has no such version."""
        require(user, Capability.MANAGE_BANKS)
        with reported():
            if version is None:
                version_id = await self._storage.banks.current_version(bank_id)
            else:
                version_id = (await self._storage.banks.version_by_number(bank_id, version)).id
        return await self._storage.banks.questions(version_id)

    async def question(self, user: User, bank_id: int, code: str) -> Question:
        for q in await self.questions(user, bank_id):
            if q.code == code:
                return q
        raise NotFound(f"Ngân hàng không có câu «{code}».")

    async def versions(self, user: User, bank_id: int) -> list[BankVersion]:
        require(user, Capability.MANAGE_BANKS)
        return await self._storage.banks.versions(bank_id)

    async def diff(self, user: User, bank_id: int, old: int, new: int) -> Diff:
        """From version number ``old`` to version number ``new``."""
        return diff(await self.questions(user, bank_id, version=old), await self.questions(user, bank_id, version=new))

    async def export(self, user: User, bank_id: int, fmt: str, *, version: int | None = None) -> tuple[str, bytes]:
        """(file name, bytes) of version number ``version`` (the current one
        when None) in ``fmt``; the name carries the version number."""
        if fmt not in FORMATS:
            raise NotFound("Định dạng xuất không được hỗ trợ.")
        bank = await self.get(user, bank_id)
        number = version if version is not None else bank.current.number if bank.current else 0
        data = write_bank(await self.questions(user, bank_id, version=version), fmt)
        return export_filename(bank.name, number, EXTENSIONS[fmt]), data

    async def rescore_offers(self, user: User, bank_id: int, changes: Diff) -> tuple[RoundAttempts, ...]:
        """The rounds drawing from this bank that have attempts, when
        ``changes`` alter a key or points (re-scoring would apply them)."""
        require(user, Capability.MANAGE_BANKS)
        if not changes.rekeyed:
            return ()
        counts = await self._storage.banks.attempt_counts(bank_id)
        return tuple(RoundAttempts(r, counts[r.id]) for r in await self._catalog.rounds() if r.id in counts)

    async def latest_changes(self, user: User, bank_id: int) -> Diff:
        """What the current version changed from the one before it."""
        bank = await self.get(user, bank_id)
        number = bank.current.number if bank.current else 1
        if number == 1:
            return diff((), ())
        return await self.diff(user, bank_id, number - 1, number)

    async def warnings(self, user: User, bank_id: int | None = None) -> list[RoundWarning]:
        """Rounds not yet closed (using ``bank_id``, or any bank) whose questions
        cite a document that no longer applies on the round's last day."""
        require(user, Capability.MANAGE_BANKS)
        now = self._clock.now()
        found = []
        for round_ in await self._catalog.rounds():
            if bank_id is not None and round_.bank_id != bank_id:
                continue
            if timing.round_status(round_, now) is RoundStatus.CLOSED:
                continue
            _version, questions = await self._catalog.bank(round_.bank_id)
            items = [
                o
                for o in outdated(questions, on=round_.closes_at.date())
                if o.question.code not in round_.rules.excluded
            ]
            if items:
                found.append(RoundWarning(round_, tuple(items)))
        return found

    def template(self, user: User) -> bytes:
        """The organiser's Excel template: the bundled bank, in the columns the
        importer reads."""
        require(user, Capability.MANAGE_BANKS)
        return (resource_dir("questions") / TEMPLATE_NAME).read_bytes()

    # -- uploading -------------------------------------------------------------

    async def upload(self, user: User, *, filename: str, data: bytes, bank_id: int | None) -> Preview:
        """Validate a file and keep it for confirmation. A file that cannot be
        read at all is refused here and nothing is kept. An organiser keeps at
        most ``max_pending_uploads`` files waiting: a new one forgets their
        oldest (its preview then says it is gone), so unconfirmed files hold
        at most that many times ``max_upload_bytes`` per organiser."""
        require(user, Capability.MANAGE_BANKS)
        filename = read_text(filename, field="file", one_line=True)
        if not filename:
            raise Invalid({"file": "Vui lòng chọn tệp ngân hàng câu hỏi."})
        if bank_id is not None:
            with reported():
                await self._storage.banks.get(bank_id)
        await self._reader.read(filename, data, on=await self._last_day(bank_id))
        upload_id = await self._storage.banks.save_upload(
            user_id=user.id,
            bank_id=bank_id,
            filename=filename,
            data=data,
            now=self._clock.now(),
            keep=self._settings.max_pending_uploads,
        )
        return await self.preview(user, upload_id)

    async def sweep_uploads(self) -> int:
        """Forget uploads nobody confirmed within ``pending_upload_seconds``
        (a day), freeing their bytes; how many. Called by the server's
        periodic sweeper."""
        kept_from = self._clock.now() - timedelta(seconds=self._settings.pending_upload_seconds)
        return await self._storage.banks.delete_uploads(created_before=kept_from)

    async def preview(self, user: User, upload_id: int) -> Preview:
        """The upload as read (once: :class:`BankReader` keeps it) and compared
        with the bank it is for."""
        return (await self._preview(user, upload_id))[0]

    async def _preview(self, user: User, upload_id: int) -> tuple[Preview, bytes]:
        """The preview and the bytes it was read from."""
        require(user, Capability.MANAGE_BANKS)
        with reported():
            bank_id, filename, data = await self._storage.banks.upload(upload_id, user_id=user.id)
        reading = await self._reader.read(filename, data, on=await self._last_day(bank_id))
        parsed = reading.parsed
        preview = Preview(
            upload_id=upload_id,
            filename=filename,
            bank_id=bank_id,
            parsed=parsed,
            by_topic=counts(parsed.questions),
            sample=parsed.questions[:SAMPLE_SIZE],
            changes=None,
            quality=reading.quality,
            content=content_hash(data),
        )
        if bank_id is None:
            return preview, data
        changes = diff(await self.questions(user, bank_id), parsed.questions)
        history = [
            (v, await self._storage.banks.questions(v.id))
            for v in reversed(await self._storage.banks.versions(bank_id))
        ]
        named = EXPORT_NAME.search(filename)
        made_from = closest_version(history, parsed.questions, named=int_or_none(named.group(1)) if named else None)
        base = made_from.number if made_from else await self._last_upload(bank_id)
        return replace(
            preview,
            changes=changes,
            base=base,
            overwritten=overwritten([(v, q) for v, q in history if v.number >= base], parsed.questions),
            rescore=await self.rescore_offers(user, bank_id, changes),
        ), data

    async def check_rounds(self, bank_id: int, questions: Sequence[Question], *, change: str) -> None:
        """Refuse (:class:`~contest.domain.draw.NotEnoughQuestions`, 409) a new
        version ``questions`` of ``bank_id`` from which a round not yet closed
        could no longer draw an attempt (``draw.check_rules``): its starts
        would fail. ``change`` names the change in the message."""
        now = self._clock.now()
        for round_ in await self._catalog.rounds():
            if round_.bank_id != bank_id or timing.round_status(round_, now) is RoundStatus.CLOSED:
                continue
            try:
                draw.check_rules(questions, round_.rules)
            except draw.NotEnoughQuestions as exc:
                raise draw.NotEnoughQuestions(
                    f"{change}: không thực hiện được vì vòng «{round_.title}» sẽ không đủ câu hỏi. {exc.message}"
                ) from None

    async def _last_day(self, bank_id: int | None) -> date:
        """The last day a bank will be used, against which its sources are
        judged: the latest closing day of the rounds not yet closed that use
        it, or today when none does (or it is a new bank)."""
        now = self._clock.now()
        return max(
            (
                r.closes_at.date()
                for r in await self._catalog.rounds()
                if r.bank_id == bank_id and timing.round_status(r, now) is not RoundStatus.CLOSED
            ),
            default=now.date(),
        )

    async def _last_upload(self, bank_id: int) -> int:
        """The version number of the last file uploaded (or the bank's
        creation), from the audit log, for a file that shares no question
        with any version; 1 when unknown."""
        with reported():
            bank = await self._storage.banks.get(bank_id)
        for entry in await self._storage.audit.entries(subject=f"bank:{bank_id}", limit=bank.version_count):
            if entry.action == "bank.create" or entry.details.get("kind") == "upload":
                return int(entry.details.get("number", 1))
        return 1

    async def confirm(
        self,
        user: User,
        upload_id: int,
        *,
        content: str,
        name: str = "",
        accept_warnings: bool = False,
        accept_overwrite: bool = False,
    ) -> int:
        """Store the upload as a new bank (named ``name``) or as the next version
        of the bank it was uploaded for; returns the bank id. Warnings, and
        changes made after the file's version that it would undo, must be
        accepted first.

        ``content`` is the previewed file's SHA-256 (:attr:`Preview.content`):
        another file under the same id (ids of discarded uploads are reused)
        is :class:`Conflict` ``upload_changed``. The upload is consumed in the
        transaction that saves the bank, so confirming twice, even at the same
        moment, saves once and the other is :class:`Conflict` ``upload_gone``;
        a name another bank took meanwhile is :class:`Invalid` (``name``)."""
        preview, data = await self._preview(user, upload_id)
        if preview.content != content:
            raise Conflict(UPLOAD_CHANGED, code="upload_changed")
        if not preview.can_confirm:
            raise Conflict("Ngân hàng còn lỗi, chưa thể xác nhận. Hãy sửa tệp và tải lên lại.", code="bank_has_errors")
        if preview.overwritten and not accept_overwrite:
            raise Invalid(
                {"accept_overwrite": "Tệp này sẽ hoàn tác các thay đổi nêu ở trên: hãy đánh dấu đồng ý nếu đúng ý bạn."}
            )
        if preview.parsed.warnings and not accept_warnings:
            raise Invalid({"accept_warnings": "Hãy xem các cảnh báo và đánh dấu chấp nhận trước khi xác nhận."})
        note = f"Tải lên từ tệp {preview.filename}"
        now = self._clock.now()
        if preview.bank_id is None:
            name = bank_name(name)
        upload = (upload_id, data)
        try:
            if preview.bank_id is None:
                bank_id, _ = await self._storage.banks.create(
                    name=name,
                    questions=preview.parsed.questions,
                    now=now,
                    note=note,
                    created_by=user.id,
                    upload=upload,
                )
            else:
                bank_id = preview.bank_id
                await self.check_rounds(
                    bank_id, preview.parsed.questions, change=f"Phiên bản mới từ tệp {preview.filename}"
                )
                await self._storage.banks.add_version(
                    bank_id,
                    preview.parsed.questions,
                    now=now,
                    note=note,
                    created_by=user.id,
                    kind="upload",
                    upload=upload,
                )
        except Duplicate:
            raise Invalid({"name": "Đã có ngân hàng câu hỏi với tên này."}) from None
        except UploadGone:
            raise Conflict(UPLOAD_GONE, code="upload_gone") from None
        except Missing as missing:
            raise not_found(missing) from None
        return bank_id

    async def discard(self, user: User, upload_id: int, *, content: str) -> int | None:
        """Forget an upload not confirmed; returns the bank it was for (None
        for a new bank), where the organiser goes back to. ``content`` names
        the file as :meth:`confirm`'s does: another file under this id is
        :class:`Conflict` ``upload_changed``, and kept."""
        require(user, Capability.MANAGE_BANKS)
        with reported():
            bank_id, _, data = await self._storage.banks.upload(upload_id, user_id=user.id)
        if content_hash(data) != content:
            raise Conflict(UPLOAD_CHANGED, code="upload_changed")
        await self._storage.banks.delete_upload(upload_id)
        return bank_id

    # -- editing ---------------------------------------------------------------

    async def _save(self, user: User, bank_id: int, questions: Sequence[Question], *, kind: str, code: str) -> int:
        note = f"Sửa câu {code}" if kind == "edit" else f"Bỏ câu {code}"
        await self.check_rounds(bank_id, questions, change=note)
        with reported():
            version = await self._storage.banks.add_version(
                bank_id, questions, now=self._clock.now(), note=note, created_by=user.id, kind=kind, code=code
            )
        return version

    async def edit_question(self, user: User, bank_id: int, code: str, fields: Mapping[str, object]) -> int:
        """Save an edited question as the next version; returns its id.

        Errors (a missing key, an impossible date…) refuse the edit with
        :class:`Invalid`; warnings do not, since the domain has already acted
        on them (an option naming others keeps the options' order)."""
        current = await self.question(user, bank_id, code)
        problems: list[Problem] = []
        source = build_source(
            {k.removeprefix("source_"): v for k, v in fields.items() if k.startswith("source_")},
            line=None,
            problems=problems,
        )
        edited = build_question(
            code=current.code,
            text=fields.get("text"),
            options=[fields.get(f"option_{letter}", "") for letter in "ABCDEF"],
            answer=fields.get("answer"),
            topic=fields.get("topic"),
            difficulty=fields.get("difficulty"),
            multiple=fields.get("multiple") or False,
            keep_order=fields.get("keep_order") or False,
            points=fields.get("points"),
            explanation=fields.get("explanation"),
            source=source,
            problems=problems,
        )
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if edited is None or errors:
            raise Invalid({p.column or "question": p.message for p in errors})
        if edited == current:
            raise Invalid({"question": "Không có thay đổi nào để lưu."})
        return await self._save(
            user, bank_id, replace_question(await self.questions(user, bank_id), edited), kind="edit", code=code
        )

    async def retire_question(self, user: User, bank_id: int, code: str) -> int:
        await self.question(user, bank_id, code)
        remaining = retire(await self.questions(user, bank_id), code)
        if not remaining:
            raise Conflict("Không thể bỏ câu hỏi cuối cùng của ngân hàng.")
        return await self._save(user, bank_id, remaining, kind="retire", code=code)

    async def restore(self, user: User, bank_id: int, number: int) -> int:
        """Save version ``number``'s questions again as the next version (a
        roll-back never rewrites history); returns its id. Conflict when it
        is the current version; NotFound when there is no such version;
        NotEnoughQuestions when a round not yet closed could not draw from it."""
        bank = await self.get(user, bank_id)
        if bank.current is not None and bank.current.number == number:
            raise Conflict(f"Phiên bản {number} đang là phiên bản hiện tại.")
        questions = await self.questions(user, bank_id, version=number)
        note = f"Khôi phục phiên bản {number}"
        await self.check_rounds(bank_id, questions, change=note)
        with reported():
            return await self._storage.banks.add_version(
                bank_id, questions, now=self._clock.now(), note=note, created_by=user.id, kind="restore"
            )

    async def archive(self, user: User, bank_id: int, *, archived: bool = True) -> None:
        """Set the bank aside (``archived``) or bring it back; Conflict naming
        the round when a round uses it (archiving only)."""
        require(user, Capability.MANAGE_BANKS)
        with reported():
            used_by = await self._storage.banks.set_archived(
                bank_id, archived, actor_id=user.id or None, now=self._clock.now()
            )
        if used_by is not None:
            raise Conflict(f"Vòng «{used_by}» dùng ngân hàng này: chỉ lưu trữ được ngân hàng không vòng thi nào dùng.")

    async def exclude_outdated(self, user: User, round_id: int) -> tuple[str, ...]:
        """Exclude from a round, in one action, every question whose cited
        document is not in force on its dates (:meth:`warnings`); returns
        their codes. Attempts already drawn keep their questions. Conflict
        when there are none; NotEnoughQuestions when the round could no
        longer draw an attempt without them."""
        require(user, Capability.MANAGE_ROUNDS)
        round_ = await self._catalog.round(round_id)
        warning = next((w for w in await self.warnings(user, round_.bank_id) if w.round.id == round_id), None)
        if warning is None:
            raise Conflict(f"Vòng «{round_.title}» không có câu nào trích dẫn văn bản đã hết hiệu lực.")
        codes = tuple(o.question.code for o in warning.outdated)
        excluded = round_.rules.excluded | set(codes)
        _version, questions = await self._catalog.bank(round_.bank_id)
        try:
            draw.check_rules(questions, replace(round_.rules, excluded=excluded))
        except draw.NotEnoughQuestions as exc:
            raise draw.NotEnoughQuestions(
                f"Không loại được các câu {', '.join(codes)} khỏi vòng «{round_.title}»: {exc.message}"
            ) from None
        with reported():
            await self._storage.contests.exclude_codes(
                round_id, excluded, actor_id=user.id or None, now=self._clock.now()
            )
        return codes

    # -- re-scoring --------------------------------------------------------------

    async def rescore(self, user: User, round_id: int, *, apply: bool) -> RescoreReport:
        """Apply the bank's current keys to every attempt of the round; with
        ``apply`` False, only report what would change."""
        require(user, Capability.MANAGE_ROUNDS)
        round_ = await self._catalog.round(round_id)
        with reported():
            questions = await self._storage.banks.questions(await self._storage.banks.current_version(round_.bank_id))
        return await self._storage.attempts.rescore(
            round_id=round_id,
            bank={q.code: q for q in questions},
            now=self._clock.now(),
            actor_id=user.id,
            apply=apply,
        )

"""The sign-off record (biên bản) of a round with final results: what the
committee signs. It states the round, its ranking rule and true figure, the
winners by the round's prize quotas (``domain/prizes.py``) with the judges'
decision on each tie across a prize boundary, the disqualifications with their
reasons, the complaints with their answers, who published the results and
when, and the digest and signature of the published leaderboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from contest.domain import prizes
from contest.domain.models import Phase, Round, User
from contest.domain.permissions import Capability, require
from contest.domain.phases import LABELS
from contest.errors import Conflict
from contest.services.awards import Settled, settled
from contest.services.catalog import Catalog
from contest.storage import Storage
from contest.storage.judging import Complaint, Disqualification, PrizeDecision
from contest.storage.leaderboards import Head, StoredEntry
from contest.storage.phases import PhaseChange

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
NOT_FINAL = "Biên bản chỉ lập khi vòng thi đã có kết quả chính thức."


@dataclass(frozen=True, slots=True)
class Winner:
    prize: str
    entry: StoredEntry
    decision: str = ""
    """The judges' reason when their decision on a boundary tie gave this prize."""


@dataclass(frozen=True, slots=True)
class Tie:
    """Participants sharing a rank across a prize boundary, the places each
    kind gives them (as people read it), the prizes a decision may give, and
    the judges' decision on it (None: undecided)."""

    rank: int
    entries: tuple[StoredEntry, ...]
    places: str
    kinds: tuple[prizes.Prize, ...]
    decided: PrizeDecision | None


@dataclass(frozen=True, slots=True)
class PrizeTies:
    """The round's boundary ties and the decisions that went stale (the
    standings changed since: the judges decide again)."""

    ties: tuple[Tie, ...]
    stale: tuple[PrizeDecision, ...]
    unawarded: tuple[tuple[prizes.Prize, int], ...] = ()
    """The quotas left unawarded (``prizes.Awards.unawarded``: each prize
    and how many of it), for a page to say in its language (:func:`unawarded`
    in Vietnamese)."""

    @property
    def undecided(self) -> int:
        return sum(1 for t in self.ties if t.decided is None)


@dataclass(frozen=True, slots=True)
class SignOff:
    contest: str
    round: Round
    head: Head
    winners: tuple[Winner, ...]
    ties: tuple[Tie, ...]
    disqualifications: tuple[Disqualification, ...]
    complaints: tuple[Complaint, ...]
    changes: tuple[PhaseChange, ...]
    unawarded: str = ""


def unawarded(prized: Settled) -> str:
    """The prizes no participant with a correct answer reached
    (``prizes.Awards.unawarded``) as people read them, "" when none."""
    kinds = ", ".join(f"{kind.label} ({n} giải)" for kind, n in prized.awards.unawarded)
    return f"Không trao {kinds}: không còn thí sinh trả lời đúng ít nhất một câu." if kinds else ""


def _ties(entries: list[StoredEntry], prized: Settled) -> PrizeTies:
    by_user = {e.user_id: e for e in entries}
    chosen = {d.decision.rank: d for d in prized.stored}
    pairs = [(t, None) for t in prized.awards.undecided] + [(t, chosen[d.rank]) for t, d in prized.awards.decided]
    return PrizeTies(
        tuple(
            Tie(
                t.rank,
                tuple(by_user[u] for u in t.user_ids),
                ", ".join(f"{n} {kind.label if kind else 'không giải'}" for kind, n in t.places),
                tuple(kind for kind, _n in t.places if kind is not None),
                decided,
            )
            for t, decided in sorted(pairs, key=lambda p: p[0].rank)
        ),
        tuple(chosen[d.rank] for d in prized.awards.stale),
        prized.awards.unawarded,
    )


class Records:
    def __init__(self, storage: Storage, catalog: Catalog) -> None:
        self._storage = storage
        self._catalog = catalog

    async def _final(self, round_id: int) -> tuple[Round, Head, Settled]:
        """The round, its final standings' head and its prizes (:func:`settled`);
        Conflict (409 ``not_final``) before final results."""
        round_ = await self._catalog.round(round_id)
        head = await self._storage.leaderboards.head(round_id)
        if head is None or head.phase is not Phase.FINAL:
            raise Conflict(NOT_FINAL, code="not_final")
        return round_, head, await settled(self._storage, round_)

    async def prize_ties(self, user: User, round_id: int) -> PrizeTies:
        """The ties across a prize boundary in the round's stored standings
        (under review, provisional or final), each with the judges' decision
        if they made one, and the decisions gone stale."""
        require(user, Capability.JUDGE_ROUND)
        round_ = await self._catalog.round(round_id)
        if await self._storage.leaderboards.head(round_id) is None:
            return PrizeTies((), ())
        found = await settled(self._storage, round_)
        return _ties(found.entries, found)

    async def winners(self, user: User, round_id: int) -> list[tuple[Winner, User]]:
        """The winners in order, each with the account organisers contact and
        pay them through (``VIEW_PERSONAL_DATA``); 409 before final results."""
        require(user, Capability.VIEW_PERSONAL_DATA)
        _round, _head, prized = await self._final(round_id)
        found = []
        for winner in _winners(prized):
            account = await self._storage.accounts.get(winner.entry.user_id)
            if account is not None:
                found.append((winner, account))
        return found

    async def sign_off(self, user: User, round_id: int) -> SignOff:
        """The round's record; Conflict (409 ``not_final``) until its
        results are final."""
        require(user, Capability.JUDGE_ROUND)
        round_, head, prized = await self._final(round_id)
        winners = tuple(_winners(prized))
        ties = _ties(prized.entries, prized).ties
        contest = await self._catalog.contest(round_.contest_id)
        return SignOff(
            contest.title,
            round_,
            head,
            winners,
            ties,
            tuple(await self._storage.judging.disqualifications(round_id)),
            tuple(await self._storage.judging.complaints(round_id=round_id)),
            tuple(await self._storage.phases.changes(round_id)),
            unawarded(prized),
        )


def _winners(prized: Settled) -> list[Winner]:
    """The winners in ranking order, with the judges' reason for a prize a
    decision on a boundary tie gave."""
    reasons = {u: d.reason for _t, d in prized.awards.decided for u in d.tied}
    given = prized.awards.prizes
    return [Winner(given[e.user_id].label, e, reasons.get(e.user_id, "")) for e in prized.entries if e.user_id in given]


def _when(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def lines(record: SignOff) -> list[tuple[str, str]]:
    """The record as (kind, text): ``h`` a heading, ``b`` bold, ``p`` a
    paragraph; the printable page and the PDF both show exactly these."""
    r, head = record.round, record.head
    out = [
        ("h", "BIÊN BẢN XÁC NHẬN KẾT QUẢ"),
        ("b", record.contest),
        ("b", f"{r.title} (từ {_when(r.opens_at)} đến {_when(r.closes_at)})"),
        ("h", "1. Thể lệ xếp hạng"),
        ("p", head.rule),
    ]
    if head.true_figure is not None:
        out.append(("p", f"Đáp án câu hỏi dự đoán (con số thực tế): {head.true_figure}"))
    out.append(("p", f"Số thí sinh được xếp hạng: {head.size}"))
    out.append(("h", "2. Danh sách đạt giải"))
    for w in record.winners:
        where = ", ".join(p for p in (w.entry.unit, w.entry.area) if p)
        place = f"hạng {w.entry.rank}, {w.entry.score} điểm"
        out.append(("p", f"{w.prize}: {w.entry.name}" + (f" ({where})" if where else "") + f", {place}"))
    if not record.winners:
        out.append(("p", "Không có giải nào được trao theo cơ cấu giải của vòng thi."))
    if record.unawarded:
        out.append(("p", record.unawarded))
    for t in record.ties:
        names = ", ".join(e.name for e in t.entries)
        tie = f"Đồng hạng {t.rank} ở ranh giới giải: {names} ({t.places})"
        if t.decided is None:
            out.append(("b", f"{tie}; Ban Giám khảo chưa quyết định."))
            continue
        made = t.decided
        chosen = ", ".join(e.name for e in t.entries if e.user_id in made.decision.winners)
        out.append(
            (
                "b",
                f"{tie}. Ban Giám khảo quyết định trao {made.decision.prize.label} cho {chosen}: {made.decision.reason}"
                f" ({made.decided_by}, {_when(made.decided_at)})",
            )
        )
    out.append(("h", "3. Thí sinh, bài thi bị loại"))
    for d in record.disqualifications:
        what = "một bài thi" if d.attempt_id is not None else "cả vòng thi"
        line = f"{d.participant}, {what}: {d.reason} ({d.decided_by}, {_when(d.decided_at)})"
        if d.reinstated_at is not None:
            line += f"; đã khôi phục: {d.reinstate_reason} ({d.reinstated_by}, {_when(d.reinstated_at)})"
        out.append(("p", line))
    if not record.disqualifications:
        out.append(("p", "Không có."))
    out.append(("h", "4. Khiếu nại và trả lời"))
    for c in record.complaints:
        about = f"câu {c.question_id}" if c.question_id is not None else "về kết quả"
        out.append(("p", f"{c.participant}, {about} ({_when(c.filed_at)}): «{c.body}». Trả lời: {c.answer or ''}"))
    if not record.complaints:
        out.append(("p", "Không có."))
    out.append(("h", "5. Công bố kết quả"))
    for ch in record.changes:
        if ch.to_phase in (Phase.PROVISIONAL, Phase.FINAL):
            note = f": {ch.note}" if ch.note else ""
            out.append(("p", f"{_when(ch.changed_at)}, {ch.actor}: {LABELS[ch.to_phase]}{note}"))
    out.append(("h", "6. Bảng xếp hạng đã công bố"))
    out.append(("p", f"Lập lúc {_when(head.computed_at)}. Mã băm SHA-256: {head.digest}"))
    out.append(("p", f"Chữ ký Ed25519: {head.signature}"))
    return out

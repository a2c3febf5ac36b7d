"""The audit log in words: each staff action as one Vietnamese sentence.

Storage keeps an action code, a subject ("bank:3", "round:2") and details;
organisers read "Tải lên phiên bản 2 của ngân hàng «Chuyển đổi số» từ tệp
moi.xlsx (284 câu)". Entries written before an action recorded its kind are
described from what they hold, never by showing a code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from contest.domain.contests import (
    COUNTING_LABELS,
    PRIZE_LABELS,
    SHOW_SCORE_LABELS,
    TIE_BREAK_LABELS,
    TRUE_FIGURE_LABELS,
    VIETNAM,
)
from contest.domain.models import Difficulty, User
from contest.domain.numbers import int_or_none
from contest.domain.permissions import ROLE_NAMES, Capability, require
from contest.domain.phases import LABELS
from contest.errors import Invalid
from contest.services.catalog import Catalog
from contest.services.contests import ROUND_FIELDS
from contest.storage import Storage
from contest.storage.audit import AuditEntry

KINDS = {
    "bank.": "Ngân hàng câu hỏi",
    "round.": "Vòng thi",
    "contest.": "Cuộc thi",
    "account.": "Tài khoản",
}
"""The log's filter by kind of action: each action code's prefix, as people name it."""
DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
"""A day as people type it (31/12/2026) or a date field sends it (2026-12-31)."""


def read_day(raw: str, *, field: str, label: str, end: bool) -> datetime | None:
    """The moment a Vietnam day starts (or, with ``end``, the next day
    starts, so the day is included), in UTC; None for an empty ``raw``;
    :class:`Invalid` naming ``field`` for anything else."""
    text = raw.strip()
    if not text:
        return None
    for pattern in DAY_FORMATS:
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return _start(day + timedelta(days=1) if end else day)
    raise Invalid({field: f"{label}: nhập ngày dạng 31/12/2026."})


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class LogLine:
    at: datetime
    actor: str
    """Who did it; empty for the system (command line, sweeper)."""
    text: str


def _name(entry: AuditEntry, names: Mapping[int, str]) -> str:
    """The subject's name in «», from a subject such as "bank:3"."""
    name = names.get(int_or_none(entry.subject.partition(":")[2]) or 0)
    return f"«{name}»" if name else "(không rõ tên)"


def _bank_line(entry: AuditEntry, bank: str) -> str:
    d: dict[str, Any] = entry.details
    number = f" {d['number']}" if "number" in d else ""
    size = f" ({d['questions']} câu)" if "questions" in d else ""
    source = d.get("note", "")
    if entry.action == "bank.archive":
        return f"Lưu trữ ngân hàng {bank}"
    if entry.action == "bank.unarchive":
        return f"Đưa ngân hàng {bank} trở lại sử dụng"
    if entry.action == "bank.create":
        return f"Tạo ngân hàng {bank}, phiên bản 1{size}: {source}" if source else f"Tạo ngân hàng {bank}{size}"
    kind, code = d.get("kind"), d.get("code", "")
    if kind == "edit":
        return f"Sửa câu {code} của ngân hàng {bank} (phiên bản{number})"
    if kind == "retire":
        return f"Bỏ câu {code} khỏi ngân hàng {bank} (phiên bản{number})"
    if kind == "restore":
        return f"{source} của ngân hàng {bank} thành phiên bản{number}{size}"
    if kind == "upload":
        return f"Tải lên phiên bản{number} của ngân hàng {bank}{size}: {source}"
    return f"Lưu phiên bản{number} của ngân hàng {bank}{size}" + (f": {source}" if source else "")


def _round_line(entry: AuditEntry, round_: str) -> str:
    d: dict[str, Any] = entry.details
    line = (
        f"Chấm lại vòng {round_}: kiểm tra {d.get('attempts_checked', 0)} bài thi,"
        f" cập nhật đáp án {d.get('attempts_rekeyed', 0)} bài, {d.get('results_changed', 0)} kết quả thay đổi"
    )
    skipped = d.get("skipped") or []
    line += f"; không áp dụng cho câu {', '.join(skipped)} (phương án đã bị sửa)" if skipped else ""
    key = d.get("key")
    if key:
        line = f"Sửa đáp án câu {key['code']} từ {key['before']} thành {key['after']} ({key['reason']}). " + line
    return line


def _round_change_line(entry: AuditEntry, round_: str, banks: Mapping[int, str]) -> str:
    """ "Sửa vòng «…»: số câu hỏi 5 → 8; …", each setting as people name it."""
    before, after = entry.details.get("before", {}), entry.details.get("after", {})
    changes = [
        f"{ROUND_FIELDS.get(name, name)} {_setting(name, before.get(name), banks)} → {_setting(name, value, banks)}"
        for name, value in after.items()
    ]
    return f"Sửa vòng {round_}: " + "; ".join(changes)


def _setting(name: str, value: Any, banks: Mapping[int, str]) -> str:
    """One of a round's settings as the log keeps it, as people read it."""
    if name in ("opens_at", "closes_at"):
        return datetime.fromisoformat(str(value)).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
    if name == "counting":
        return next((label for c, label in COUNTING_LABELS.items() if c.value == value), "")
    if name == "tie_break":  # its labels hold arrows: quoted, apart from the change's own
        return next((f"«{label}»" for c, label in TIE_BREAK_LABELS.items() if c.value == value), "")
    if name == "true_figure":
        return next((label for c, label in TRUE_FIGURE_LABELS.items() if c.value == value), "")
    if name == "show_score":
        return next((label for c, label in SHOW_SCORE_LABELS.items() if c.value == value), "")
    if name == "bank_id":
        return f"«{banks.get(value, '')}»"
    if name == "prizes":
        return ", ".join(f"{label} {n}" for label, n in zip(PRIZE_LABELS.values(), value, strict=False))
    if name == "topic_quota":
        return ", ".join(f"{topic}: {n}" for topic, n in value.items()) or "không"
    if name == "difficulty_quota":
        return ", ".join(f"{Difficulty(level).label}: {n}" for level, n in value.items()) or "không"
    if isinstance(value, str):
        return f"«{value}»"
    return str(value)


def _phase_line(entry: AuditEntry, round_: str) -> str:
    d: dict[str, Any] = entry.details
    moved = f"Chuyển vòng {round_} từ «{_phase(d.get('from'))}» sang «{_phase(d.get('to'))}»"
    return moved + (f": {d['note']}" if d.get("note") else "")


def _republish_line(entry: AuditEntry, round_: str) -> str:
    """A re-publication: who moved from which rank to which."""
    d: dict[str, Any] = entry.details
    if not d.get("moved"):
        return f"Công bố lại kết quả vòng {round_}: không thí sinh nào đổi hạng"
    listed = "; ".join(
        f"{name}: {before or 'chưa xếp hạng'} → {after or 'không còn xếp hạng'}" for name, before, after in d["moves"]
    )
    more = d["moved"] - len(d["moves"])
    return f"Công bố lại kết quả vòng {round_}: {d['moved']} thí sinh đổi hạng ({listed}" + (
        f"; và {more} thí sinh khác)" if more > 0 else ")"
    )


def _review_line(entry: AuditEntry, round_: str) -> str:
    """A judge's answer to a complaint, a disqualification or a reinstatement."""
    d: dict[str, Any] = entry.details
    who = f"«{d.get('participant') or '(không rõ tên)'}»"
    if entry.action == "round.answer":
        return f"Trả lời khiếu nại của {who} ở vòng {round_}: {d.get('answer', '')}"
    what = f"lần làm bài thứ {d['number']} của {who}" if d.get("number") else f"thí sinh {who}"
    verb = "Loại" if entry.action == "round.disqualify" else "Khôi phục"
    return f"{verb} {what} ở vòng {round_}: {d.get('reason', '')}"


def _prize_decision_line(entry: AuditEntry, round_: str) -> str:
    """The judges' decision on a tie across a prize boundary, and the one it replaced."""
    d: dict[str, Any] = entry.details

    def told(decided: dict[str, Any]) -> str:
        return f"{decided.get('prize', '')} cho {', '.join(decided.get('winners', []))} ({decided.get('reason', '')})"

    line = f"Quyết định đồng hạng {d.get('rank')} ở ranh giới giải vòng {round_}: {told(d.get('after') or {})}"
    return line + (f"; thay quyết định trước: {told(d['before'])}" if d.get("before") else "")


def _phase(value: object) -> str:
    return next((label for phase, label in LABELS.items() if phase.value == value), "(không rõ)")


def _role(value: object) -> str:
    return next((name for r, name in ROLE_NAMES.items() if r.value == value), "(không rõ)")


def _account_line(entry: AuditEntry) -> str:
    d: dict[str, Any] = entry.details
    account = f"tài khoản «{d.get('name') or '(không rõ tên)'}»"
    if entry.action == "account.disable":
        return f"Khoá {account}" + (f": {d['reason']}" if d.get("reason") else "")
    if entry.action == "account.enable":
        return f"Mở khoá {account}"
    if entry.action == "account.duplicate":
        line = f"Đánh dấu {account} trùng với tài khoản «{d.get('of_name') or '(không rõ tên)'}»"
        return line + (f": {d['reason']}" if d.get("reason") else "")
    if entry.action == "account.unduplicate":
        return f"Bỏ đánh dấu trùng của {account}"
    if entry.action == "account.create":
        return f"Tạo {account}, vai trò {_role(d.get('after', {}).get('role'))}"
    if entry.action == "account.role":
        before = d.get("before", {}).get("role")
        was = f" từ {_role(before)}" if before else ""
        return f"Đổi vai trò của {account}{was} thành {_role(d.get('role'))}"
    return f"Đặt mật khẩu mới cho {account}"


PUBLICATION_VERBS = {
    "contest.announcement.create": "Đăng thông báo",
    "contest.announcement.delete": "Gỡ thông báo",
    "contest.document.create": "Đăng tài liệu",
    "contest.document.delete": "Gỡ tài liệu",
}


def describe(entry: AuditEntry, *, banks: Mapping[int, str], rounds: Mapping[int, str]) -> LogLine:
    """One entry as a sentence; ``banks`` and ``rounds`` map ids to the names
    people know them by."""
    if entry.action.startswith("bank."):
        text = _bank_line(entry, _name(entry, banks))
    elif entry.action == "round.rescore":
        text = _round_line(entry, _name(entry, rounds))
    elif entry.action == "round.create":
        text = f"Tạo vòng {_name(entry, rounds)}"
    elif entry.action == "round.update":
        text = _round_change_line(entry, _name(entry, rounds), banks)
    elif entry.action == "contest.create":
        d = entry.details
        text = f"Tạo cuộc thi «{d.get('title', '')}» ({d.get('areas', 0)} nơi cư trú, {d.get('units', 0)} đơn vị)"
    elif entry.action == "round.exclude":
        added = entry.details.get("added") or []
        outdated = f"{len(added)} câu trích dẫn văn bản đã hết hiệu lực"
        text = f"Loại khỏi vòng {_name(entry, rounds)} {outdated}: {', '.join(added)}"
    elif entry.action == "round.phase":
        text = _phase_line(entry, _name(entry, rounds))
    elif entry.action == "round.republish":
        text = _republish_line(entry, _name(entry, rounds))
    elif entry.action in ("round.answer", "round.disqualify", "round.reinstate"):
        text = _review_line(entry, _name(entry, rounds))
    elif entry.action == "round.prize_decision":
        text = _prize_decision_line(entry, _name(entry, rounds))
    elif entry.action.startswith("account."):
        text = _account_line(entry)
    elif entry.action in PUBLICATION_VERBS:
        text = f"{PUBLICATION_VERBS[entry.action]} «{entry.details.get('title', '')}»"
    else:
        text = str(entry.details.get("note") or "Thao tác khác của cán bộ")
    return LogLine(at=entry.created_at, actor=entry.actor, text=text)


class Journal:
    """The log for those who may read it (``Capability.VIEW_AUDIT_LOG``)."""

    def __init__(self, storage: Storage, catalog: Catalog) -> None:
        self._storage = storage
        self._catalog = catalog

    async def lines(
        self,
        user: User,
        *,
        kind: str | None = None,
        actor_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int,
    ) -> list[LogLine]:
        """The latest ``limit`` entries, newest first, each as a sentence,
        filtered as :meth:`AuditLog.entries` says; ``kind`` is a key of
        :data:`KINDS`."""
        require(user, Capability.VIEW_AUDIT_LOG)
        banks = {b.id: b.name for b in await self._storage.banks.all()}
        rounds = {r.id: r.title for r in await self._catalog.rounds()}
        entries = await self._storage.audit.entries(kind=kind, actor_id=actor_id, since=since, until=until, limit=limit)
        return [describe(e, banks=banks, rounds=rounds) for e in entries]

    async def actors(self, user: User) -> list[tuple[int, str]]:
        """Everyone with an entry in the log, (id, full name) by name."""
        require(user, Capability.VIEW_AUDIT_LOG)
        return await self._storage.audit.actors()

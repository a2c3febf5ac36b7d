"""Comparing and editing bank versions.

A version is a tuple of questions identified by code. Editing never mutates a
version: it builds the next one, which storage saves whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

from contest.domain.models import LETTERS, BankVersion, Question, Source


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a question as it was and as it is, in words an organiser
    reads: ``label`` is Vietnamese ("Đáp án", "Nguồn: đường dẫn"), values are
    text ("A. Có; C. Không", "Có", "15/08/2022"; an empty string for an empty
    field)."""

    group: str
    label: str
    before: str
    after: str


def _yes_no(value: bool) -> str:
    return "Có" if value else "Không"


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _key(q: Question) -> str:
    """The correct options with their letters and text ("A. Nghị quyết 52; C. Cả hai"):
    a letter alone says nothing once the options were edited too."""
    return "; ".join(f"{LETTERS[i]}. {q.options[i]}" for i in sorted(q.correct))


def _fields(q: Question) -> tuple[tuple[str, str, str], ...]:
    """(group, label, value) of every field an organiser can change, in the
    order of the edit form; options one by one, the source part by part."""
    s = q.source or Source(citation="")
    return (
        ("Câu hỏi", "Câu hỏi", q.text),
        *(
            ("Phương án", f"Phương án {letter}", q.options[i] if i < len(q.options) else "")
            for i, letter in enumerate(LETTERS)
        ),
        ("Đáp án", "Đáp án", _key(q)),
        ("Chủ đề", "Chủ đề", q.topic),
        ("Mức độ", "Mức độ", q.difficulty.label),
        ("Điểm", "Điểm", str(q.points)),
        ("Cách chọn", "Cho chọn nhiều phương án", _yes_no(q.multiple)),
        ("Thứ tự phương án", "Giữ nguyên thứ tự phương án", _yes_no(q.keep_order)),
        ("Giải thích", "Giải thích", q.explanation),
        ("Nguồn", "Nguồn: trích dẫn", s.citation),
        ("Nguồn", "Nguồn: đường dẫn", s.url),
        ("Nguồn", "Nguồn: số hiệu văn bản", s.document),
        ("Nguồn", "Nguồn: ngày ban hành", _day(s.issued)),
        ("Nguồn", "Nguồn: hết hiệu lực từ", _day(s.expired)),
        ("Nguồn", "Nguồn: được thay thế bởi", s.replaced_by),
    )


@dataclass(frozen=True, slots=True)
class Change:
    before: Question
    after: Question

    @property
    def details(self) -> tuple[FieldChange, ...]:
        """Each field that differs, with its old and new value."""
        return tuple(
            FieldChange(group, label, old, new)
            for (group, label, old), (_, _, new) in zip(_fields(self.before), _fields(self.after), strict=True)
            if old != new
        )

    @property
    def groups(self) -> tuple[str, ...]:
        """What changed, in Vietnamese and in form order ("Đáp án", "Giải
        thích", "Nguồn"): the summary line of the diff."""
        return tuple(dict.fromkeys(d.group for d in self.details))

    @property
    def rekeys(self) -> bool:
        """Whether re-scoring would apply this change: the key or the points
        differ (``domain.rescoring.rekey`` applies exactly these)."""
        return self.before.correct != self.after.correct or self.before.points != self.after.points


@dataclass(frozen=True, slots=True)
class Diff:
    added: tuple[Question, ...]
    changed: tuple[Change, ...]
    removed: tuple[Question, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    @property
    def rekeyed(self) -> tuple[str, ...]:
        """Codes whose key or points changed: attempts already drawn need
        re-scoring for these."""
        return tuple(c.after.code for c in self.changed if c.rekeys)

    def codes(self) -> tuple[str, ...]:
        """Every code added, changed or removed."""
        return tuple(
            [q.code for q in self.added] + [c.after.code for c in self.changed] + [q.code for q in self.removed]
        )


def diff(old: Sequence[Question], new: Sequence[Question]) -> Diff:
    """What changed from ``old`` to ``new``, matched by question code, in the
    order of ``new`` (removed ones in the order of ``old``)."""
    before = {q.code: q for q in old}
    after = {q.code: q for q in new}
    return Diff(
        added=tuple(q for q in new if q.code not in before),
        changed=tuple(Change(before[q.code], q) for q in new if q.code in before and before[q.code] != q),
        removed=tuple(q for q in old if q.code not in after),
    )


@dataclass(frozen=True, slots=True)
class Overwritten:
    """A question changed by ``version`` after the version a file was made
    from, which confirming that file would change again (undo the edit, bring
    a retired question back, or drop an added one)."""

    code: str
    version: BankVersion


def overwritten(
    history: Sequence[tuple[BankVersion, Sequence[Question]]], upload: Sequence[Question]
) -> tuple[Overwritten, ...]:
    """The changes ``upload`` would undo. ``history`` runs from the version the
    file was made from to the current one, oldest first; a question counts
    when some later version changed it and the file's copy differs from the
    current one (a file that already carries the edit undoes nothing)."""
    if not history:
        return ()
    current = {q.code: q for q in history[-1][1]}
    incoming = {q.code: q for q in upload}
    return tuple(
        Overwritten(code, version)
        for (_, before), (version, after) in pairwise(history)
        for code in diff(before, after).codes()
        if incoming.get(code) != current.get(code)
    )


def closest_version(
    history: Sequence[tuple[BankVersion, Sequence[Question]]], upload: Sequence[Question], *, named: int | None = None
) -> BankVersion | None:
    """The version of ``history`` (oldest first) a file was made from, judged
    by its content, whatever the file is called: the one with the most
    questions identical to the file's (same code, same everything). Among
    versions sharing as many, the one ``named`` (the version number in an
    exported file's name) if it is one of them, or else the earliest, so that
    a change made since is warned about rather than silently undone. None when
    the file shares no question with any version."""
    incoming = {q.code: q for q in upload}
    best, found = 0, []
    for version, questions in history:
        same = sum(1 for q in questions if incoming.get(q.code) == q)
        if same > best:
            best, found = same, [version]
        elif same == best and same:
            found.append(version)
    return next((v for v in found if v.number == named), found[0] if found else None)


def replace_question(questions: Sequence[Question], edited: Question) -> tuple[Question, ...]:
    """The next version with ``edited`` in place of the question with its code
    (appended when the code is new)."""
    codes = [q.code for q in questions]
    if edited.code not in codes:
        return (*questions, edited)
    return tuple(edited if q.code == edited.code else q for q in questions)


def retire(questions: Sequence[Question], code: str) -> tuple[Question, ...]:
    """The next version without the question ``code``."""
    return tuple(q for q in questions if q.code != code)


def with_key(question: Question, correct: frozenset[int]) -> Question:
    return replace(question, correct=correct, multiple=question.multiple or len(correct) > 1)

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from contest.domain.banks.sources import outdated
from contest.domain.banks.versions import (
    FieldChange,
    closest_version,
    diff,
    overwritten,
    replace_question,
    retire,
    with_key,
)
from contest.domain.draw import draw
from contest.domain.models import BankVersion, Question, RoundRules, Source
from contest.domain.rescoring import corrected, rekey
from contest.errors import Invalid
from tests.conftest import NOW, make_bank


def test_diff_reports_added_changed_removed_by_code() -> None:
    old = make_bank(5)
    edited = replace(old[1], text="Câu hỏi đã sửa?")
    new = [old[0], edited, old[3], old[4], *make_bank(7)[5:]]
    changes = diff(old, new)
    assert [q.code for q in changes.added] == ["T-006", "T-007"]
    assert [(c.after.code, c.groups) for c in changes.changed] == [("T-002", ("Câu hỏi",))]
    assert [q.code for q in changes.removed] == ["T-003"]
    assert diff(old, old).empty


def test_change_details_name_each_field_in_vietnamese_with_both_values() -> None:
    before = make_bank(1)[0]
    assert before.source is not None
    after = replace(
        before,
        correct=frozenset({1}),
        explanation="",
        source=replace(before.source, url="https://vanban.gov.vn/43", expired=date(2022, 8, 15)),
    )
    (change,) = diff([before], [after]).changed
    assert change.groups == ("Đáp án", "Giải thích", "Nguồn")
    assert change.details == (
        FieldChange("Đáp án", "Đáp án", "A. Phương án đúng 1", "B. Phương án sai 1"),
        FieldChange("Giải thích", "Giải thích", "Giải thích 1", ""),
        FieldChange("Nguồn", "Nguồn: đường dẫn", "", "https://vanban.gov.vn/43"),
        FieldChange("Nguồn", "Nguồn: hết hiệu lực từ", "", "15/08/2022"),
    )
    assert change.rekeys


def test_overwritten_lists_later_changes_a_file_would_undo() -> None:
    v1 = tuple(make_bank(3))
    v2 = replace_question(v1, replace(v1[0], text="Đã sửa trong trang quản trị?"))
    v3 = retire(v2, "T-002")
    versions = [BankVersion(id=10 + n, bank_id=1, number=n, created_at=NOW, note=f"bản {n}") for n in (1, 2, 3)]
    history = list(zip(versions, (v1, v2, v3), strict=True))
    undone = overwritten(history, v1)  # the file exported from version 1
    assert [(o.code, o.version.number) for o in undone] == [("T-001", 2), ("T-002", 3)]
    assert overwritten(history, v3) == ()  # a file that carries both changes undoes nothing
    assert overwritten(history[2:], v1) == ()  # made from version 3: nothing after it


def test_replace_and_retire_build_the_next_version() -> None:
    bank = tuple(make_bank(3))
    edited = with_key(bank[0], frozenset({1, 2}))
    assert edited.multiple
    assert replace_question(bank, edited) == (edited, bank[1], bank[2])
    assert retire(bank, "T-002") == (bank[0], bank[2])


def test_outdated_sources_flag_documents_no_longer_in_force() -> None:
    old_law = Source(
        citation="ND 43/2011", document="43/2011/NĐ-CP", expired=date(2022, 8, 15), replaced_by="42/2022/NĐ-CP"
    )
    bank = [replace(q, source=old_law) if q.code == "T-001" else q for q in make_bank(3)]
    assert outdated(bank, on=date(2022, 8, 14)) == []
    (found,) = outdated(bank, on=date(2022, 8, 15))
    assert found.question.code == "T-001"
    assert found.message == (
        "Câu T-001 trích dẫn 43/2011/NĐ-CP, văn bản hết hiệu lực từ 15/08/2022, được thay thế bởi 42/2022/NĐ-CP."
    )


def test_rekey_applies_corrected_keys_by_letter() -> None:
    bank = make_bank(10)
    drawn = draw(bank, RoundRules(10, 60, 1), rng=random.Random(3))
    corrected = {q.code: q for q in bank}
    corrected["T-002"] = with_key(corrected["T-002"], frozenset({1}))  # B is right, not A
    corrected["T-004"] = replace(corrected["T-004"], points=3)
    outcome = rekey(drawn, corrected)
    assert sorted(outcome.changed) == ["T-002", "T-004"]
    fixed = next(q for q in outcome.questions if q.code == "T-002")
    assert {o.letter for o in fixed.options if o.id in fixed.correct} == {"B"}
    assert next(q for q in outcome.questions if q.code == "T-004").points == 3


def test_rekey_skips_questions_whose_options_changed() -> None:
    bank = make_bank(4)
    drawn = draw(bank, RoundRules(4, 60, 1), rng=random.Random(1))
    rewritten = {q.code: q for q in bank}
    rewritten["T-001"] = replace(bank[0], options=("Khác", *bank[0].options[1:]), correct=frozenset({1}))
    outcome = rekey(drawn, rewritten)
    assert outcome.skipped == ("T-001",)
    assert outcome.changed == ()
    assert outcome.questions == drawn


def test_matching_filters_and_ignores_diacritics() -> None:
    from contest.domain.banks.search import matching

    bank = [replace(q, text="Chữ ký số là gì?") if q.code == "T-003" else q for q in make_bank(6)]
    assert [q.code for q in matching(bank, text="chu ky so")] == ["T-003"]
    assert [q.code for q in matching(bank, text="CHỮ KÝ")] == ["T-003"]
    assert [q.code for q in matching(bank, topic="Chủ đề A")] == ["T-002", "T-004", "T-006"]
    assert [q.code for q in matching(bank, topic="Chủ đề A", difficulty="hard")] == ["T-002"]
    assert len(matching(bank)) == 6


def test_closest_version_is_judged_by_content_and_the_name_only_breaks_ties() -> None:
    v1 = make_bank(5)
    v2 = list(replace_question(v1, replace(v1[0], text="Sửa trong trang quản trị?")))
    v3 = list(replace_question(v2, replace(v2[1], explanation="Giải thích mới")))
    history = [(BankVersion(n, 1, n, NOW), q) for n, q in ((1, v1), (2, v2), (3, v3))]

    def number(upload: list[Question], named: int | None = None) -> int | None:
        found = closest_version(history, upload, named=named)
        return found.number if found else None

    assert [number(v1), number(v2), number(v3), number(v1, named=3)] == [1, 2, 3, 1]
    # Made from version 3 and its T-002 edited again in the file: versions 2 and 3 share as many questions.
    again = list(replace_question(v3, replace(v3[1], explanation="Giải thích khác")))
    assert [number(again), number(again, named=3)] == [2, 3]
    assert number(make_bank(7)[5:]) is None  # nothing in common: not judged


def test_judges_corrected_key_is_checked() -> None:
    single = Question(code="K-1", text="?", options=("a", "b", "c"), correct=frozenset({0}))
    assert corrected(single, ["b"]).correct == frozenset({1})
    assert corrected(single, "C").correct == frozenset({2})
    assert corrected(single, "A").correct == frozenset({0})  # the round's attempts may hold another key
    both = Question(code="K-2", text="?", options=("a", "b", "c", "d"), correct=frozenset({0}), multiple=True)
    for letters in ("CD", "C, D", "c,d", "d;c", ["C", "D"], ["c", "d", "D"], ("CD",)):
        assert corrected(both, letters).correct == frozenset({2, 3}), letters
    assert corrected(both, "A, C").correct == frozenset({0, 2})
    choose = "Chọn đáp án đúng trong các phương án A, B, C."
    for question, letters, message in [
        (single, [], choose),
        (single, " , ", choose),
        (single, None, choose),
        (single, {"B": True}, choose),
        (single, [1], choose),
        (single, ["D"], "Câu hỏi này không có phương án D: chọn đáp án đúng trong các phương án A, B, C."),
        (single, "AD", "Câu hỏi này không có phương án D: chọn đáp án đúng trong các phương án A, B, C."),
        (single, "X, Y1, X", "Câu hỏi này không có phương án X, Y1: chọn đáp án đúng trong các phương án A, B, C."),
        (single, "1", "Câu hỏi này không có phương án 1: chọn đáp án đúng trong các phương án A, B, C."),
        (
            single,
            ["A", "B"],
            "Câu hỏi này chỉ có một đáp án đúng (thí sinh chỉ chọn được một phương án): chọn một trong A, B, C.",
        ),
        (
            single,
            "BC",
            "Câu hỏi này chỉ có một đáp án đúng (thí sinh chỉ chọn được một phương án): chọn một trong A, B, C.",
        ),
    ]:
        with pytest.raises(Invalid) as raised:
            corrected(question, letters)
        assert raised.value.errors == {"answer": message}, letters


def test_rekey_reports_the_keys_the_attempts_held() -> None:
    bank = make_bank(5)
    drawn = draw(bank, RoundRules(5, 60, 1), rng=random.Random(2))
    corrected = {"T-002": with_key(bank[1], frozenset({1})), "T-005": bank[4]}
    outcome = rekey(drawn, corrected)
    assert outcome.held == {("T-002", frozenset({0})), ("T-005", frozenset({0, 2}))}  # bank letters, not shown order
    assert rekey(outcome.questions, corrected).held == {("T-002", frozenset({1})), ("T-005", frozenset({0, 2}))}

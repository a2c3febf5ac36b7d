from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from contest.domain.banks.sources import outdated
from contest.domain.banks.versions import diff, replace_question, retire, with_key
from contest.domain.draw import draw
from contest.domain.models import RoundRules, Source
from contest.domain.rescoring import rekey
from tests.conftest import make_bank


def test_diff_reports_added_changed_removed_by_code() -> None:
    old = make_bank(5)
    edited = replace(old[1], text="Câu hỏi đã sửa?")
    new = [old[0], edited, old[3], old[4], *make_bank(7)[5:]]
    changes = diff(old, new)
    assert [q.code for q in changes.added] == ["T-006", "T-007"]
    assert [(c.after.code, c.fields) for c in changes.changed] == [("T-002", ("text",))]
    assert [q.code for q in changes.removed] == ["T-003"]
    assert diff(old, old).empty


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

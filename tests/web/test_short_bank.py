"""A round whose bank can no longer supply its questions: starting it is a
typed 409 with a Vietnamese message, never a 500, and the changes that would
cause it (retiring or editing a question, uploading a smaller version) are
refused when they are made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.domain.banks.export import write_bank
from contest.domain.draw import NotEnoughQuestions
from contest.domain.models import Role, RoundRules, User
from contest.services.contests import create_round
from tests.conftest import World, make_bank

QUOTA = RoundRules(question_count=5, duration_seconds=600, attempts_allowed=1, topic_quota=(("Chủ đề A", 3),))
"""Every question of topic A in a bank of six (three per topic)."""


def call(client: TestClient, fn: Callable[[], Any]) -> Any:
    return client.portal.call(fn)  # type: ignore[union-attr]


@pytest.fixture
def small(client: TestClient, world: World) -> tuple[int, int, User]:
    """A bank of six and an open round that needs all three of its topic-A
    questions; returns (bank id, round id, an organiser)."""
    storage = world.services.storage
    now = world.clock.now()
    bank_id, _ = call(client, lambda: storage.banks.create(name="Ngân hàng nhỏ", questions=make_bank(6), now=now))
    round_id = call(
        client,
        lambda: storage.contests.create_round(
            contest_id=world.contest_id,
            title="Vòng nhỏ",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            rules=QUOTA,
            bank_id=bank_id,
        ),
    )
    organiser = call(
        client,
        lambda: storage.accounts.create_staff(
            username="btc", full_name="Nguyễn Ban Tổ Chức", role=Role.ORGANISER, password_hash="x", now=now
        ),
    )
    return bank_id, round_id, organiser


def test_start_after_the_bank_fell_short_is_a_typed_conflict(
    client: TestClient, world: World, api_user: Any, small: tuple[int, int, User]
) -> None:
    bank_id, round_id, _ = small
    storage = world.services.storage
    # A version stored past the services' checks (straight through storage), as an older release could leave one.
    call(
        client,
        lambda: storage.banks.add_version(bank_id, make_bank(4), now=world.clock.now(), note="", created_by=None),
    )
    response = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=api_user())
    assert response.status_code == 409
    assert response.json() == {
        "error": "bank_too_small",
        "message": "Vòng thi tạm thời chưa bắt đầu được: Vòng thi cần 5 câu nhưng ngân hàng chỉ có 4 câu. "
        "Vui lòng báo cho Ban Tổ chức.",
    }


def test_retiring_a_question_a_round_needs_is_refused(
    client: TestClient, world: World, small: tuple[int, int, User]
) -> None:
    bank_id, _, organiser = small
    with pytest.raises(NotEnoughQuestions) as refused:
        call(client, lambda: world.services.banks.retire_question(organiser, bank_id, "T-002"))
    assert refused.value.status == 409
    assert refused.value.message == (
        "Bỏ câu T-002: không thực hiện được vì vòng «Vòng nhỏ» sẽ không đủ câu hỏi. "
        "Chủ đề «Chủ đề A» cần 3 câu nhưng ngân hàng chỉ có 2 câu."
    )
    # A question of the other topic can go: five remain, three of them topic A.
    assert call(client, lambda: world.services.banks.retire_question(organiser, bank_id, "T-001"))


def test_editing_a_questions_topic_out_of_a_quota_is_refused(
    client: TestClient, world: World, small: tuple[int, int, User]
) -> None:
    bank_id, _, organiser = small
    question = make_bank(6)[1]  # T-002, topic A
    fields = {
        "text": question.text,
        "answer": "A",
        "topic": "Chủ đề B",
        "difficulty": question.difficulty.value,
        "points": str(question.points),
        **{f"option_{letter}": text for letter, text in zip("ABCD", question.options, strict=True)},
    }
    with pytest.raises(NotEnoughQuestions) as refused:
        call(client, lambda: world.services.banks.edit_question(organiser, bank_id, "T-002", fields))
    assert refused.value.message == (
        "Sửa câu T-002: không thực hiện được vì vòng «Vòng nhỏ» sẽ không đủ câu hỏi. "
        "Chủ đề «Chủ đề A» cần 3 câu nhưng ngân hàng chỉ có 2 câu."
    )


def test_uploading_a_smaller_version_is_refused(client: TestClient, world: World, small: tuple[int, int, User]) -> None:
    bank_id, _, organiser = small
    banks = world.services.banks
    preview = call(
        client,
        lambda: banks.upload(organiser, filename="nho.json", data=write_bank(make_bank(4), "json"), bank_id=bank_id),
    )
    with pytest.raises(NotEnoughQuestions) as refused:
        call(
            client,
            lambda: banks.confirm(
                organiser, preview.upload_id, content=preview.content, accept_warnings=True, accept_overwrite=True
            ),
        )
    assert refused.value.message == (
        "Phiên bản mới từ tệp nho.json: không thực hiện được vì vòng «Vòng nhỏ» sẽ không đủ câu hỏi. "
        "Vòng thi cần 5 câu nhưng ngân hàng chỉ có 4 câu."
    )
    assert [v.number for v in call(client, lambda: banks.versions(organiser, bank_id))] == [1]


def test_a_round_asking_for_more_than_its_bank_has_is_refused(
    client: TestClient, world: World, small: tuple[int, int, User]
) -> None:
    bank_id, _, _ = small
    contest = call(client, lambda: world.services.catalog.contest(world.contest_id))
    with pytest.raises(NotEnoughQuestions) as refused:
        call(
            client,
            lambda: create_round(
                world.services.storage,
                contest=contest,
                title="Vòng quá lớn",
                opens_at=world.clock.now(),
                closes_at=world.clock.now() + timedelta(days=1),
                rules=replace(QUOTA, question_count=7),
                bank_id=bank_id,
            ),
        )
    assert refused.value.message == "Vòng thi cần 7 câu nhưng ngân hàng chỉ có 6 câu."

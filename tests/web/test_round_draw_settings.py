"""A round's draw as the console and the staff API set it: counts per
difficulty (with counts per topic) that the bank's current version can
supply and that add up to the round's questions, and never an archived
bank; each refusal is a 422 beside its field."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from contest.domain.models import Difficulty
from tests.conftest import World, make_bank
from tests.web.test_console_contests import post_round
from tests.web.test_organiser import staff
from tests.web.test_staff_api import make_contest, organiser, round_body

__all__ = ["organiser", "staff"]

# The test bank (tests/conftest.make_bank, 40 questions): 13 easy, 14 medium, 13 hard; topic A
# (even numbers) has 6 easy, 7 medium and 7 hard questions.


def test_staff_round_with_counts_per_difficulty_is_made_and_drawn_so(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    contest_id = make_contest(client, organiser)
    body = round_body(world.bank_id, topic_quota={"Chủ đề A": 4}, difficulty_quota={"easy": 3, "medium": 5, "hard": 2})
    response = client.post(f"/api/v1/staff/contests/{contest_id}/rounds", json=body, headers=organiser)
    assert response.status_code == 201, response.text
    round_ = client.portal.call(world.services.catalog.round, response.json()["id"])  # type: ignore[union-attr]
    assert round_.rules.difficulty_quota == ((Difficulty.EASY, 3), (Difficulty.MEDIUM, 5), (Difficulty.HARD, 2))
    changed = client.patch(
        f"/api/v1/staff/rounds/{round_.id}", json={"difficulty_quota": {"hard": 10}}, headers=organiser
    )
    assert changed.status_code == 200, changed.text
    round_ = client.portal.call(world.services.catalog.round, round_.id)  # type: ignore[union-attr]
    assert round_.rules.difficulty_quota == ((Difficulty.HARD, 10),)


def test_staff_round_counts_per_difficulty_that_cannot_work_are_422_beside_the_field(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    path = f"/api/v1/staff/contests/{make_contest(client, organiser)}/rounds"
    cases = [
        (
            {"difficulty_quota": {"easy": 3, "hard": 2}},
            "Số câu theo mức độ cộng lại được 5 câu, phải bằng số câu của vòng thi (10).",
        ),
        (
            {"difficulty_quota": {"hard": 14}, "question_count": 14},
            "Mức độ Khó cần 14 câu nhưng ngân hàng chỉ có 13 câu.",
        ),
        (
            {"difficulty_quota": {"easy": 2, "hard": 8}, "topic_quota": {"Chủ đề A": 10}},
            "Số câu theo chủ đề và theo mức độ không cùng rút được: các chủ đề cần 10 câu nhưng trong các mức độ"
            " đã chọn, ngân hàng chỉ cho được 9 câu (ngân hàng có «Chủ đề A»: 6 câu dễ, 7 câu trung bình, 7 câu khó).",
        ),
        ({"difficulty_quota": {"extreme": 10}}, "difficulty_quota.extreme: Trường không được hỗ trợ."),
        ({"difficulty_quota": [10]}, "Mục này cần là một đối tượng {…}."),
    ]
    for overrides, message in cases:
        response = client.post(path, json=round_body(world.bank_id, **overrides), headers=organiser)
        assert response.status_code == 422, overrides
        assert response.json()["errors"] == {"difficulty_quota": message}


def _archived_bank(client: TestClient, world: World) -> int:
    storage = world.services.storage

    async def make() -> int:
        bank_id, _ = await storage.banks.create(name="Ngân hàng cũ", questions=make_bank(), now=world.clock.now())
        await storage.banks.set_archived(bank_id, True, actor_id=None, now=world.clock.now())
        return bank_id

    return client.portal.call(make)  # type: ignore[union-attr]


def test_round_from_an_archived_bank_is_refused_beside_the_field(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    bank_id = _archived_bank(client, world)
    message = (
        "Ngân hàng «Ngân hàng cũ» đã được lưu trữ: chọn một ngân hàng đang dùng, hoặc đưa ngân hàng này trở lại"
        " trên trang của nó."
    )
    path = f"/api/v1/staff/contests/{make_contest(client, organiser)}/rounds"
    response = client.post(path, json=round_body(bank_id), headers=organiser)
    assert response.status_code == 422
    assert response.json()["errors"] == {"bank_id": message}
    moved = client.patch(f"/api/v1/staff/rounds/{world.upcoming_round}", json={"bank_id": bank_id}, headers=organiser)
    assert moved.status_code == 422
    assert moved.json()["errors"] == {"bank_id": message}


def test_console_round_refuses_an_archived_bank_and_bad_counts_beside_the_field(
    staff: TestClient, world: World
) -> None:
    bank_id = _archived_bank(staff, world)
    refused = post_round(staff, world, bank_id=str(bank_id))
    assert refused.status_code == 422
    assert '<p class="field-error" id="bank_id-error">Ngân hàng «Ngân hàng cũ» đã được lưu trữ' in refused.text
    short = post_round(staff, world, difficulty_easy="4", difficulty_hard="5")
    assert short.status_code == 422
    assert (
        '<p class="field-error" id="difficulty_quota-error">Số câu theo mức độ cộng lại được 9 câu, phải bằng số câu'
        " của vòng thi (10).</p>"
    ) in short.text
    assert 'id="difficulty_easy" name="difficulty_easy" type="text" value="4"' in short.text


def test_console_round_with_counts_per_difficulty_shows_them_again(staff: TestClient, world: World) -> None:
    response = post_round(staff, world, difficulty_easy="4", difficulty_medium="", difficulty_hard="6")
    assert response.status_code == 303, response.text
    round_id = int(response.headers["location"].rsplit("/", 1)[1])
    round_: Any = staff.portal.call(world.services.catalog.round, round_id)  # type: ignore[union-attr]
    assert round_.rules.difficulty_quota == ((Difficulty.EASY, 4), (Difficulty.HARD, 6))
    assert "Dễ: 4; Khó: 6" in staff.get(f"/organiser/rounds/{round_id}").text
    edit = staff.get(f"/organiser/rounds/{round_id}/edit").text
    assert 'name="difficulty_easy" type="text" value="4"' in edit
    assert 'name="difficulty_hard" type="text" value="6"' in edit

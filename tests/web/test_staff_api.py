"""The staff API: a staff bearer token from POST /api/v1/token, banks to draw
from, making a contest and its rounds, changing a round (only texts and a
later close once it has attempts), each change in the audit log with the
values before and after."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.domain.models import Counting, Prizes, Role, ShowScore
from tests.conftest import PASSWORD, World
from tests.web.test_organiser import sign_in_staff


def staff_bearer(client: TestClient, world: World, role: Role = Role.ORGANISER, login: str = "btc") -> dict[str, str]:
    sign_in_staff(client, world, role, login)
    client.cookies.clear()
    token = client.post("/api/v1/token", json={"login": login, "password": PASSWORD})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


@pytest.fixture
def organiser(client: TestClient, world: World) -> dict[str, str]:
    return staff_bearer(client, world)


CONTEST = {
    "title": "Tìm hiểu Luật Phòng, chống ma tuý",
    "slug": "phong-chong-ma-tuy",
    "starts_at": "2026-12-01T00:00:00+07:00",
    "ends_at": "2027-01-31T23:59:00+07:00",
    "rules": "**Thể lệ**: mỗi tuần một vòng.",
    "areas": [{"name": "Xã Tân Phước"}, {"name": "Phường Mỹ Tho"}],
    "units": [{"name": "Sở Tư pháp", "headcount": 120}, {"name": "Công an tỉnh"}],
}


def round_body(bank: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Tuần 1",
        "opens_at": "2026-12-07T10:00:00+07:00",
        "closes_at": "2026-12-14T09:00:00+07:00",
        "duration_seconds": 900,
        "question_count": 10,
        "attempts_allowed": 2,
        "counting": "first",
        "bank_id": bank,
        "prediction_question": "Có bao nhiêu người trả lời đúng tất cả?",
        "show_score": "after_publication",
        "complaint_window_hours": 0,
        "prizes": {"first": 1, "second": 2, "third": 3, "consolation": 10},
    }
    body.update(overrides)
    return body


def log(client: TestClient, world: World, subject: str) -> list[tuple[str, dict[str, Any]]]:
    entries = client.portal.call(lambda: world.services.storage.audit.entries(subject=subject))  # type: ignore[union-attr]
    return [(e.action, e.details) for e in entries]


def make_contest(client: TestClient, bearer: dict[str, str]) -> int:
    response = client.post("/api/v1/staff/contests", json=CONTEST, headers=bearer)
    assert response.status_code == 201, response.text
    contest_id: int = response.json()["id"]
    return contest_id


def test_staff_banks_give_counts_by_topic_and_difficulty(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    response = client.get("/api/v1/staff/banks", headers=organiser)
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": world.bank_id,
            "name": "Ngân hàng thử",
            "version": 1,
            "question_count": 40,
            "topics": {"Chủ đề A": 20, "Chủ đề B": 20},
            "difficulties": {"easy": 13, "hard": 13, "medium": 14},
        }
    ]


def test_staff_contest_is_made_with_its_areas_and_units(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    response = client.post("/api/v1/staff/contests", json=CONTEST, headers=organiser)
    assert response.status_code == 201, response.text
    assert response.json() == {"id": response.json()["id"], "slug": "phong-chong-ma-tuy"}
    contest = client.portal.call(world.services.catalog.contest, response.json()["id"])  # type: ignore[union-attr]
    assert [a.name for a in contest.areas] == ["Xã Tân Phước", "Phường Mỹ Tho"]
    assert [(u.name, u.headcount) for u in contest.units] == [("Sở Tư pháp", 120), ("Công an tỉnh", None)]
    assert contest.rules == "**Thể lệ**: mỗi tuần một vòng."
    assert log(client, world, f"contest:{contest.id}") == [
        ("contest.create", {"title": CONTEST["title"], "slug": "phong-chong-ma-tuy", "areas": 2, "units": 2})
    ]


def test_staff_contest_with_wrong_fields_is_422_naming_each(client: TestClient, organiser: dict[str, str]) -> None:
    body = {
        **CONTEST,
        "slug": "Có Dấu",
        "ends_at": "2026-11-01T00:00:00+07:00",
        "units": [{"name": "A", "headcount": 0}],
    }
    response = client.post("/api/v1/staff/contests", json=body, headers=organiser)
    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == ["ends_at", "slug", "units"]
    taken = client.post("/api/v1/staff/contests", json={**CONTEST, "slug": "thu"}, headers=organiser)
    assert taken.json()["errors"] == {"slug": "Địa chỉ này đã được dùng cho một cuộc thi khác."}


def test_staff_round_is_made_with_every_setting(client: TestClient, world: World, organiser: dict[str, str]) -> None:
    contest_id = make_contest(client, organiser)
    response = client.post(
        f"/api/v1/staff/contests/{contest_id}/rounds", json=round_body(world.bank_id), headers=organiser
    )
    assert response.status_code == 201, response.text
    round_id = response.json()["id"]
    round_ = client.portal.call(world.services.catalog.round, round_id)  # type: ignore[union-attr]
    assert round_.opens_at.isoformat() == "2026-12-07T03:00:00+00:00"
    assert round_.closes_at.isoformat() == "2026-12-14T02:00:00+00:00"
    assert (round_.rules.question_count, round_.rules.duration_seconds, round_.rules.attempts_allowed) == (10, 900, 2)
    assert round_.rules.counting is Counting.FIRST
    assert round_.rules.show_score is ShowScore.AFTER_PUBLICATION
    assert round_.rules.complaint_window_hours == 0
    assert round_.rules.prizes == Prizes(first=1, second=2, third=3, consolation=10)
    assert log(client, world, f"round:{round_id}") == [
        ("round.create", {"title": "Tuần 1", "contest_id": contest_id, "bank_id": world.bank_id})
    ]


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"closes_at": "2026-12-07T09:00:00+07:00"},
            {"closes_at": "Thời điểm đóng vòng thi phải sau thời điểm mở."},
        ),
        (
            {"opens_at": "2026-11-20T10:00:00+07:00"},
            {"opens_at": "Vòng thi phải nằm trong thời gian diễn ra cuộc thi."},
        ),
        ({"question_count": 41}, {"question_count": "Vòng thi cần 41 câu nhưng ngân hàng chỉ có 40 câu."}),
        (
            {"topic_quota": {"Chủ đề A": 21}, "question_count": 30},
            {"topic_quota": "Chủ đề «Chủ đề A» cần 21 câu nhưng ngân hàng chỉ có 20 câu."},
        ),
        (
            {"counting": "average"},
            {
                "counting": "Chọn một trong: best (Lượt có kết quả cao nhất), first (Lượt đầu tiên), "
                "last (Lượt cuối cùng)."
            },
        ),
        ({"bank_id": 999}, {"bank_id": "Không tìm thấy ngân hàng câu hỏi này."}),
        (
            {"complaint_window_hours": -1},
            {"complaint_window_hours": "Số giờ nhận khiếu nại cần là một số nguyên từ 0 đến 1.000.000."},
        ),
        (
            {"opens_at": "mai"},
            {"opens_at": "Mở vòng: nhập ngày giờ dạng 2026-12-01T10:00 (giờ Việt Nam) hoặc kèm múi giờ."},
        ),
    ],
)
def test_staff_round_that_cannot_work_is_422_beside_the_field(
    client: TestClient, world: World, organiser: dict[str, str], overrides: dict[str, Any], errors: dict[str, str]
) -> None:
    contest_id = make_contest(client, organiser)
    response = client.post(
        f"/api/v1/staff/contests/{contest_id}/rounds", json=round_body(world.bank_id, **overrides), headers=organiser
    )
    assert response.status_code == 422
    assert response.json()["errors"] == errors


def test_staff_round_without_attempts_changes_anything_and_logs_before_after(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    response = client.patch(
        f"/api/v1/staff/rounds/{world.upcoming_round}",
        json={"question_count": 8, "counting": "last", "closes_at": "2026-12-10T10:00:00+07:00"},
        headers=organiser,
    )
    assert response.status_code == 200, response.text
    round_ = client.portal.call(world.services.catalog.round, world.upcoming_round)  # type: ignore[union-attr]
    assert (round_.rules.question_count, round_.rules.counting) == (8, Counting.LAST)
    assert log(client, world, f"round:{world.upcoming_round}") == [
        (
            "round.update",
            {
                "before": {"closes_at": "2026-12-11T03:00:00+00:00", "question_count": 5, "counting": "best"},
                "after": {"closes_at": "2026-12-10T03:00:00+00:00", "question_count": 8, "counting": "last"},
            },
        )
    ]


def test_staff_round_with_attempts_refuses_what_could_change_a_result(
    client: TestClient, world: World, organiser: dict[str, str], api_user: Any
) -> None:
    participant = api_user()
    assert client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=participant).status_code == 201
    path = f"/api/v1/staff/rounds/{world.open_round}"
    refused = client.patch(
        path, json={"question_count": 6, "closes_at": "2026-11-30T10:00:00+07:00"}, headers=organiser
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "round_has_attempts"
    assert refused.json()["message"] == (
        "Vòng thi đã có bài thi nên chỉ được sửa tên, mô tả và dời giờ đóng muộn hơn; "
        "không thể đổi số câu hỏi, giờ đóng sớm hơn."
    )
    later = client.patch(
        path, json={"title": "Vòng mở (gia hạn)", "closes_at": "2026-12-05T10:00:00+07:00"}, headers=organiser
    )
    assert later.status_code == 200, later.text
    round_ = client.portal.call(world.services.catalog.round, world.open_round)  # type: ignore[union-attr]
    assert (round_.title, round_.closes_at.isoformat()) == ("Vòng mở (gia hạn)", "2026-12-05T03:00:00+00:00")
    assert [action for action, _ in log(client, world, f"round:{world.open_round}")] == ["round.update"]


def test_staff_api_refuses_participants_and_judges(client: TestClient, world: World, api_user: Any) -> None:
    participant = api_user()
    assert client.post("/api/v1/staff/contests", json=CONTEST, headers=participant).status_code == 403
    judge = staff_bearer(client, world, Role.JUDGE, "gk")
    assert client.get("/api/v1/staff/banks", headers=judge).status_code == 403
    assert client.patch(f"/api/v1/staff/rounds/{world.open_round}", json={}, headers=judge).status_code == 403
    assert client.get("/api/v1/staff/banks").status_code == 401


def test_staff_weekly_series_makes_one_round_a_week(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    contest_id = make_contest(client, organiser)
    path = f"/api/v1/staff/contests/{contest_id}/rounds"
    response = client.post(path, json=round_body(world.bank_id, weeks=3), headers=organiser)
    assert response.status_code == 201, response.text
    rounds = [client.portal.call(world.services.catalog.round, i) for i in response.json()["ids"]]  # type: ignore[union-attr]
    assert [(r.title, r.opens_at.isoformat(), r.closes_at.isoformat()) for r in rounds] == [
        ("Tuần 1 – tuần 1", "2026-12-07T03:00:00+00:00", "2026-12-14T02:00:00+00:00"),
        ("Tuần 1 – tuần 2", "2026-12-14T03:00:00+00:00", "2026-12-21T02:00:00+00:00"),
        ("Tuần 1 – tuần 3", "2026-12-21T03:00:00+00:00", "2026-12-28T02:00:00+00:00"),
    ]
    too_long = client.post(path, json=round_body(world.bank_id, weeks=8), headers=organiser)
    assert too_long.status_code == 422
    assert too_long.json()["errors"] == {"weeks": "Vòng của tuần thứ 8 nằm ngoài thời gian diễn ra cuộc thi."}


def test_staff_changes_read_as_sentences_in_the_log(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    make_contest(client, organiser)
    changes = {"question_count": 8, "counting": "last", "closes_at": "2026-12-10T10:00:00+07:00"}
    assert (
        client.patch(f"/api/v1/staff/rounds/{world.upcoming_round}", json=changes, headers=organiser).status_code == 200
    )
    user = client.portal.call(lambda: world.services.storage.accounts.for_login("btc"))[0]  # type: ignore[union-attr]
    lines = client.portal.call(lambda: world.services.journal.lines(user, limit=5))  # type: ignore[union-attr]
    assert [line.text for line in lines][:3] == [
        "Sửa vòng «Vòng sắp mở»: giờ đóng 11/12/2026 10:00 → 10/12/2026 10:00; số câu hỏi 5 → 8; "
        "lượt được tính Lượt có kết quả cao nhất → Lượt cuối cùng",
        "Tạo cuộc thi «Tìm hiểu Luật Phòng, chống ma tuý» (2 nơi cư trú, 2 đơn vị)",
        "Tạo tài khoản «btc», vai trò Ban Tổ chức",
    ]

"""The API says in advance why a phase move would be refused
(``GET /api/v1/staff/rounds/{id}/phase``), in the very words the move itself
(``POST``) refuses it with, and the judges' round page shows the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from contest.domain.contests import VIETNAM
from contest.domain.models import Role
from tests.backends import rows
from tests.conftest import World
from tests.web.test_account import bearer
from tests.web.test_organiser import sign_in_staff
from tests.web.test_review_api import take_part

Headers = dict[str, str]
ALLOWED = {"allowed": True, "reason": None}


def moves(client: TestClient, judge: Headers, round_id: int) -> Any:
    found = client.get(f"/api/v1/staff/rounds/{round_id}/phase", headers=judge)
    assert found.status_code == 200, found.text
    return found.json()


def move(client: TestClient, judge: Headers, round_id: int, to: str) -> Any:
    return client.post(f"/api/v1/staff/rounds/{round_id}/phase", json={"phase": to}, headers=judge)


def refused_final(client: TestClient, judge: Headers, round_id: int) -> str:
    """The reason the phase endpoint gives for final results, checked to be
    the message of the move's own 409, which changed nothing."""
    said = moves(client, judge, round_id)
    assert said["phase"] == "provisional"
    assert said["moves"][0] == {"phase": "under_review", **ALLOWED}
    final = said["moves"][1]
    assert (final["phase"], final["allowed"]) == ("final", False)
    refused = move(client, judge, round_id, "final")
    assert (refused.status_code, refused.json()["message"]) == (409, final["reason"])
    assert moves(client, judge, round_id) == said
    return str(final["reason"])


def test_phase_moves_say_why_final_results_wait(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    participant = api_user()
    attempt = take_part(client, world, participant)
    rows(settings.database_url, "UPDATE rounds SET complaint_window_hours = 24 WHERE id = ?", (world.open_round,))
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    judge = bearer(client, "giamkhao")
    assert moves(client, judge, world.open_round) == {"phase": "open", "moves": []}
    world.clock.advance(days=8)
    assert moves(client, judge, world.open_round) == {
        "phase": "closed",
        "moves": [{"phase": "under_review", **ALLOWED}],
    }
    move(client, judge, world.open_round, "under_review")
    assert moves(client, judge, world.open_round) == {
        "phase": "under_review",
        "moves": [{"phase": "provisional", **ALLOWED}],
    }

    move(client, judge, world.open_round, "provisional")
    until = (world.clock.now() + timedelta(hours=24)).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
    window = refused_final(client, judge, world.open_round)
    assert window == (
        f"Thời hạn khiếu nại chưa hết (đến {until} giờ Việt Nam): chỉ công bố kết quả chính thức sau khi hết hạn."
    )
    round_page = f"/judging/rounds/{world.open_round}"
    page = client.get(round_page).text  # the judges' page: the choice disabled, and why
    assert 'value="final" disabled' in page and f'<p class="hint" id="refused-final">{window}</p>' in page
    client.cookies.set("lang", "en")
    english = client.get(round_page).text
    assert f"The complaint window is still open (until {until}, Vietnam time): final results only" in english
    client.cookies.delete("lang")

    complaint = f"/api/v1/attempts/{attempt['id']}/complaints"
    filed = client.post(complaint, json={"text": "Câu 2 có hai đáp án đúng."}, headers=participant).json()
    world.clock.advance(hours=25)
    unanswered = refused_final(client, judge, world.open_round)
    assert unanswered == "Còn 1 khiếu nại chưa được trả lời: trả lời hết trước khi công bố kết quả chính thức."
    assert (
        f'<p class="hint" id="refused-final">{unanswered}</p>' in client.get(f"/judging/rounds/{world.open_round}").text
    )

    answer = f"/api/v1/staff/complaints/{filed['id']}/answer"
    assert client.post(answer, json={"text": "Giữ nguyên đáp án."}, headers=judge).status_code == 200
    assert moves(client, judge, world.open_round)["moves"] == [
        {"phase": "under_review", **ALLOWED},
        {"phase": "final", **ALLOWED},
    ]
    assert 'value="final" disabled' not in client.get(round_page).text
    assert move(client, judge, world.open_round, "final").status_code == 200
    assert moves(client, judge, world.open_round) == {"phase": "final", "moves": []}


def test_phase_moves_allow_final_at_once_without_a_complaint_window(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    take_part(client, world, api_user())
    rows(settings.database_url, "UPDATE rounds SET complaint_window_hours = 0 WHERE id = ?", (world.open_round,))
    world.clock.advance(days=8)
    sign_in_staff(client, world, Role.ADMIN, "quantri")
    admin = bearer(client, "quantri")
    move(client, admin, world.open_round, "under_review")
    move(client, admin, world.open_round, "provisional")
    assert moves(client, admin, world.open_round)["moves"][1] == {"phase": "final", **ALLOWED}
    assert move(client, admin, world.open_round, "final").status_code == 200


def test_phase_moves_need_a_judge_and_a_round(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    path = f"/api/v1/staff/rounds/{world.closed_round}/phase"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=api_user()).status_code == 403
    sign_in_staff(client, world, Role.ORGANISER, "btc")
    refused = client.get(path, headers=bearer(client, "btc"))
    assert (refused.status_code, refused.json()["error"]) == (403, "judges_only")
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    assert client.get("/api/v1/staff/rounds/999999/phase", headers=bearer(client, "giamkhao")).status_code == 404

"""A round asking no prediction question ranks by score, time and
submission whatever order it names (``services.leaderboards.rule_of``):
no true figure on the page, the API or the biên bản, and no error in the
overall sums."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.conftest import World
from tests.web.test_ranking_rules import names, publish
from tests.web.test_round_phases import staff_user
from tests.web.test_staff_api import staff_bearer

Headers = dict[str, str]


def _take(client: TestClient, world: World, headers: Headers, *, prediction: int | None, seconds: int) -> None:
    """An attempt at the open round with every question right."""
    body = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()
    stored = client.portal.call(world.services.storage.attempts.get, body["id"])
    for q in stored.questions:
        client.put(
            f"/api/v1/attempts/{body['id']}/answers/{q.id}", headers=headers, json={"options": sorted(q.correct)}
        )
    world.clock.advance(seconds=seconds)
    sent = {} if prediction is None else {"prediction": prediction}
    done = client.post(f"/api/v1/attempts/{body['id']}/submit", headers=headers, json=sent)
    assert done.status_code == 200, done.text


def test_round_without_prediction_question_ranks_without_figure_everywhere(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    organiser = staff_bearer(client, world)
    path = f"/api/v1/staff/rounds/{world.open_round}"
    blank = client.patch(path, json={"prediction_question": ""}, headers=organiser)
    assert blank.status_code == 200, blank.text
    staff_user(client, world, Role.ORGANISER, "btc2")
    shown = client.get(f"/organiser/rounds/{world.open_round}").text
    assert 'id="tie-break">Điểm → thời gian làm bài → giờ nộp bài (không xét dự đoán)<' in shown
    assert "Câu hỏi dự đoán hỏi về" not in shown
    an, binh = api_user(full_name="Nguyễn Văn An"), api_user(full_name="Trần Thị Bình")
    chi = api_user(full_name="Lê Văn Chi")
    _take(client, world, an, prediction=9, seconds=300)
    _take(client, world, binh, prediction=3, seconds=590)  # the all-correct count, but slower
    _take(client, world, chi, prediction=None, seconds=595)
    world.clock.advance(days=8)
    publish(client, world, world.open_round, "final")

    body = client.get(f"/api/v1/rounds/{world.open_round}/leaderboard").json()
    assert names(body["entries"]) == [(1, "Nguyễn Văn An"), (2, "Trần Thị Bình"), (3, "Lê Văn Chi")]
    assert body["true_figure"] is None
    assert "dự đoán" not in body["rule"]
    page = client.get(f"/rounds/{world.open_round}/leaderboard").text
    assert body["rule"] in page and "Con số đúng của câu dự đoán" not in page
    record = client.get(f"/judging/rounds/{world.open_round}/record").text  # the biên bản
    assert body["rule"] in record and "Đáp án câu hỏi dự đoán" not in record
    overall = client.get(f"/api/v1/contests/{world.contest_id}/leaderboard").json()
    assert [(e["name"], e["prediction_error"]) for e in overall["entries"]] == [
        ("Nguyễn Văn An", 0),
        ("Trần Thị Bình", 0),
        ("Lê Văn Chi", 0),
    ]

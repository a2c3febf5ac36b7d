"""A round whose participants see their score only when results are
published (``show_score = after_publication``): after submitting, every
path that could show a score (the submit answer, the attempt in the API,
the result page, "Bài thi của tôi") says when it was submitted and that
the score comes with the results, and shows no score, no right or wrong
answer and no counting attempt, even once the round has closed; once the
judges publish results (provisional), everything is shown."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.conftest import World
from tests.web.test_pages import csrf, register, start_round
from tests.web.test_round_phases import move, staff_user
from tests.web.test_staff_api import staff_bearer

WITHHELD = "Bài thi đã được nộp lúc 27/11/2026 10:03. Điểm sẽ được công bố cùng kết quả."


def test_scores_after_publication_are_hidden_everywhere_until_results_are_published(
    client: TestClient, world: World, api_user: Any
) -> None:
    organiser = staff_bearer(client, world)
    changed = client.patch(
        f"/api/v1/staff/rounds/{world.open_round}", json={"show_score": "after_publication"}, headers=organiser
    )
    assert changed.status_code == 200, changed.text
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    app = api_user()
    started = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=app)
    assert started.status_code == 201, started.text
    api_attempt = started.json()["id"]
    register(client, world, phone="0987000001", email="diem@example.vn", cccd="082090987001")  # not api_user's
    page_attempt = start_round(client, world.open_round)
    world.clock.advance(minutes=3)

    submitted = client.post(f"/api/v1/attempts/{api_attempt}/submit", json={"prediction": 3}, headers=app)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json() == {
        "id": api_attempt,
        "status": "submitted",
        "submitted_at": "2026-11-27T10:03:00+07:00",
        "score_shown": False,
    }
    html = client.get(f"/attempts/{page_attempt}").text
    client.post(f"/attempts/{page_attempt}", data={"csrf_token": csrf(html), "action": "submit", "prediction": "1"})

    def hidden() -> None:
        attempt = client.get(f"/api/v1/attempts/{api_attempt}", headers=app).json()
        assert (attempt["result"], attempt["score_shown"]) == (None, False)
        assert all("correct" not in q and "explanation" not in q for q in attempt["questions"])
        result = client.get(f"/attempts/{page_attempt}/result").text
        assert WITHHELD in result
        assert 'id="score"' not in result and 'id="correct"' not in result
        assert "lượt được tính" not in result and "Giải thích" not in result
        assert "Đáp án sẽ được công bố cùng kết quả." in result
        mine = client.get("/me/attempts").text
        assert "Điểm sẽ được công bố cùng kết quả." in mine
        assert "Được tính" not in mine and not re.search(r"\d/5<", mine)

    hidden()
    world.clock.advance(days=8)  # closed: the keys would show with scores shown at once
    hidden()
    move(client, world, judge, world.open_round, "under_review")
    hidden()

    move(client, world, judge, world.open_round, "provisional")
    attempt = client.get(f"/api/v1/attempts/{api_attempt}", headers=app).json()
    assert attempt["score_shown"] is True
    assert set(attempt["result"]) == {"correct", "total", "score", "duration_seconds"}
    assert "explanation" in attempt["questions"][0]
    result = client.get(f"/attempts/{page_attempt}/result").text
    assert 'id="score"' in result and "Giải thích" in result and WITHHELD not in result
    assert re.search(r"\d/5<", client.get("/me/attempts").text)


def test_scores_shown_at_once_come_with_the_submit_answer(client: TestClient, world: World, api_user: Any) -> None:
    app = api_user()
    attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=app).json()["id"]
    submitted = client.post(f"/api/v1/attempts/{attempt}/submit", json={"prediction": 3}, headers=app).json()
    assert submitted["score_shown"] is True
    assert {"correct", "total", "score", "duration_seconds"} <= set(submitted)
    assert client.get(f"/api/v1/attempts/{attempt}", headers=app).json()["score_shown"] is True

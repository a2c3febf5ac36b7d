"""A round's ranking rule as the organiser chooses it (the order after the
score, what the prediction predicts) reaching every leaderboard; the overall
leaderboard across a contest's published rounds; prizes in /me/results."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.conftest import World
from tests.web.test_leaderboards import sign_in
from tests.web.test_pages import csrf
from tests.web.test_round_phases import move, staff_user
from tests.web.test_staff_api import staff_bearer

Headers = dict[str, str]


def take(
    client: TestClient, world: World, round_id: int, headers: Headers, *, right: int, prediction: int, seconds: int
) -> None:
    """An attempt at ``round_id`` with ``right`` questions right, ``seconds`` long."""
    body = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers).json()
    stored = client.portal.call(world.services.storage.attempts.get, body["id"])
    for q in stored.questions[:right]:
        client.put(
            f"/api/v1/attempts/{body['id']}/answers/{q.id}", headers=headers, json={"options": sorted(q.correct)}
        )
    world.clock.advance(seconds=seconds)
    done = client.post(f"/api/v1/attempts/{body['id']}/submit", headers=headers, json={"prediction": prediction})
    assert done.status_code == 200, done.text


def publish(client: TestClient, world: World, round_id: int, phase: str = "provisional", judge: str = "gk") -> None:
    """A judge (a new account named ``judge``) publishes the round's results."""
    judge_user = staff_user(client, world, Role.JUDGE, judge)
    move(client, world, judge_user, round_id, "under_review")
    move(client, world, judge_user, round_id, "provisional", "Công bố")
    if phase == "final":
        move(client, world, judge_user, round_id, "final", "Chính thức")


def names(entries: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(e["rank"], e["name"]) for e in entries]


def test_no_prediction_order_reaches_page_api_and_signed_copy(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    organiser = staff_bearer(client, world)
    path = f"/api/v1/staff/rounds/{world.open_round}"
    chosen = client.patch(path, json={"tie_break": "no_prediction", "true_figure": "participants"}, headers=organiser)
    assert chosen.status_code == 200, chosen.text
    an, binh = api_user(full_name="Nguyễn Văn An"), api_user(full_name="Trần Thị Bình")
    take(client, world, world.open_round, an, right=5, prediction=9, seconds=300)
    take(client, world, world.open_round, binh, right=5, prediction=2, seconds=590)  # exact, but slower
    world.clock.advance(days=8)
    publish(client, world, world.open_round, "final")

    body = client.get(f"/api/v1/rounds/{world.open_round}/leaderboard").json()
    assert names(body["entries"]) == [(1, "Nguyễn Văn An"), (2, "Trần Thị Bình")]
    assert body["true_figure"] is None
    assert "Xếp hạng theo điểm cao hơn, rồi thời gian làm bài ngắn hơn, rồi nộp bài sớm hơn." in body["rule"]
    assert "dự đoán" not in body["rule"]
    assert body["rule"] in client.get(f"/rounds/{world.open_round}/leaderboard").text
    assert client.get(f"/rounds/{world.open_round}/leaderboard.json").json()["rule"] == body["rule"]
    assert body["rule"] in client.get(f"/judging/rounds/{world.open_round}/record").text  # the biên bản


def test_default_order_and_figure_rule_reach_the_api(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    organiser = staff_bearer(client, world)
    path = f"/api/v1/staff/rounds/{world.open_round}"
    assert client.patch(path, json={"true_figure": "attempts"}, headers=organiser).status_code == 200
    listed = next(r for r in client.get("/api/v1/rounds").json() if r["id"] == world.open_round)
    assert listed["prediction_figure"] == "attempts" and "số lượt thi" in listed["ranking_rule"]
    an, binh = api_user(full_name="Nguyễn Văn An"), api_user(full_name="Trần Thị Bình")
    take(client, world, world.open_round, an, right=5, prediction=9, seconds=300)
    take(client, world, world.open_round, binh, right=5, prediction=3, seconds=590)
    take(client, world, world.open_round, binh, right=1, prediction=3, seconds=30)  # three attempts: Bình exact
    world.clock.advance(days=8)
    publish(client, world, world.open_round)
    body = client.get(f"/api/v1/rounds/{world.open_round}/leaderboard").json()
    assert body["true_figure"] == 3
    assert names(body["entries"]) == [(1, "Trần Thị Bình"), (2, "Nguyễn Văn An")]
    assert "số lượt thi" in body["rule"]


def test_ranking_rule_refused_once_attempts_exist_and_checked_beside_the_field(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    organiser = staff_bearer(client, world)
    path = f"/api/v1/staff/rounds/{world.open_round}"
    wrong = client.patch(path, json={"tie_break": "fastest", "true_figure": "three"}, headers=organiser)
    assert wrong.status_code == 422
    assert set(wrong.json()["errors"]) == {"tie_break", "true_figure"}
    assert wrong.json()["errors"]["tie_break"].startswith("Chọn một trong: prediction (Điểm → dự đoán")
    assert client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=api_user()).status_code == 201
    refused = client.patch(path, json={"tie_break": "no_prediction"}, headers=organiser)
    assert refused.status_code == 409
    assert refused.json()["error"] == "round_has_attempts"
    assert "thứ tự xếp hạng" in refused.json()["message"]
    refused = client.patch(path, json={"true_figure": "participants"}, headers=organiser)
    assert refused.status_code == 409 and "con số cần dự đoán" in refused.json()["message"]


def test_console_round_form_sets_the_rule_and_the_attempt_page_says_what_is_predicted(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    staff_user(client, world, Role.ORGANISER, "btc2")
    form = client.get(f"/organiser/rounds/{world.open_round}/edit")
    assert 'name="tie_break"' in form.text and 'name="true_figure"' in form.text
    organiser = staff_bearer(client, world)
    client.patch(f"/api/v1/staff/rounds/{world.open_round}", json={"true_figure": "attempts"}, headers=organiser)
    api_user(phone="0912000111")
    sign_in(client, "0912000111")
    page = client.get("/contests/thu")
    attempt = client.post(
        f"/rounds/{world.open_round}/start", data={"csrf_token": csrf(page.text)}, follow_redirects=False
    )
    text = client.get(attempt.headers["location"]).text
    assert "Con số cần dự đoán" in text and "số lượt thi" in text and "Dự đoán của bạn (số lượt)" in text


def test_overall_leaderboard_sums_published_rounds_breaks_ties_and_masks(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    assert client.get("/api/v1/contests/thu/leaderboard").status_code == 404
    an = api_user(full_name="Nguyễn Văn An", phone="0912345123")
    binh = api_user(full_name="Trần Thị Bình", phone="0987654321")
    chi = api_user(full_name="Lê Văn Chi", phone="0911111222")
    take(client, world, world.open_round, an, right=5, prediction=1, seconds=100)
    take(client, world, world.open_round, binh, right=3, prediction=1, seconds=100)
    take(client, world, world.open_round, chi, right=4, prediction=1, seconds=100)
    world.clock.advance(days=8)  # the first round closed, the next one open
    take(client, world, world.upcoming_round, an, right=3, prediction=0, seconds=100)
    take(client, world, world.upcoming_round, binh, right=5, prediction=0, seconds=50)
    assert client.get("/api/v1/contests/thu/leaderboard").status_code == 404
    assert client.get("/contests/thu/leaderboard").status_code == 404
    publish(client, world, world.open_round, "final")

    one = client.get(f"/api/v1/contests/{world.contest_id}/leaderboard").json()
    assert one["provisional"] is False and [r["round_id"] for r in one["rounds"]] == [world.open_round]
    assert [(e["rank"], e["name"], e["score"]) for e in one["entries"]] == [
        (1, "Nguyễn Văn An", 5),
        (2, "Lê Văn Chi", 4),
        (3, "Trần Thị Bình", 3),
    ]
    world.clock.advance(days=7)
    publish(client, world, world.upcoming_round, judge="gk2")
    body = client.get("/api/v1/contests/thu/leaderboard?page=1").json()
    assert body["provisional"] is True and (body["page"], body["pages"]) == (1, 1)
    assert [r["phase"] for r in body["rounds"]] == ["final", "provisional"]
    # An and Bình both sum 8; Bình's summed time (150 s) is shorter than An's (200 s); errors equal (figure 1, then 1).
    assert [(e["rank"], e["name"], e["score"], e["rounds"], e["phone"]) for e in body["entries"]] == [
        (1, "Trần Thị Bình", 8, 2, "09xx xxx 321"),
        (2, "Nguyễn Văn An", 8, 2, "09xx xxx 123"),
        (3, "Lê Văn Chi", 4, 1, "09xx xxx 222"),
    ]
    assert body["rule"].startswith("Cộng điểm lượt được tính của mỗi vòng đã công bố kết quả")
    page = client.get("/contests/thu/leaderboard").text
    assert "09xx xxx 321" in page and "0987654321" not in page and body["rule"] in page
    assert "Kết quả tạm thời" in page
    assert 'href="/contests/thu/leaderboard"' in client.get("/contests/thu").text
    assert 'href="/contests/thu/leaderboard"' in client.get(f"/rounds/{world.open_round}/leaderboard").text
    assert client.get("/api/v1/contests/thu/leaderboard?page=0").status_code == 422
    assert client.get("/api/v1/contests/khong-co/leaderboard").status_code == 404


def test_prize_in_my_results_once_published(client: TestClient, world: World, api_user: Callable[..., Headers]) -> None:
    organiser = staff_bearer(client, world)
    path = f"/api/v1/staff/rounds/{world.open_round}"
    assert client.patch(path, json={"prizes": {"first": 1, "consolation": 1}}, headers=organiser).status_code == 200
    an = api_user(phone="0912000111")
    binh, chi = api_user(), api_user()
    take(client, world, world.open_round, an, right=5, prediction=1, seconds=60)
    take(client, world, world.open_round, binh, right=4, prediction=1, seconds=60)
    take(client, world, world.open_round, chi, right=3, prediction=1, seconds=60)
    assert client.get("/api/v1/me/results", headers=an).json()["results"] == []
    world.clock.advance(days=8)
    publish(client, world, world.open_round)
    prizes = [client.get("/api/v1/me/results", headers=h).json()["results"][0]["prize"] for h in (an, binh, chi)]
    assert prizes == ["first", "consolation", None]
    sign_in(client, "0912000111")
    mine = client.get("/me/attempts").text
    assert f'id="prize-{world.open_round}">Giải Nhất<' in mine


def test_ranking_rule_change_reads_as_a_sentence_in_the_log(client: TestClient, world: World) -> None:
    organiser = staff_bearer(client, world)
    changes = {"tie_break": "prediction_then_submission", "true_figure": "participants"}
    assert client.patch(f"/api/v1/staff/rounds/{world.open_round}", json=changes, headers=organiser).status_code == 200
    user = client.portal.call(lambda: world.services.storage.accounts.for_login("btc"))[0]  # type: ignore[union-attr]
    lines = client.portal.call(lambda: world.services.journal.lines(user, limit=1))  # type: ignore[union-attr]
    assert lines[0].text == (
        "Sửa vòng «Vòng mở»: thứ tự xếp hạng «Điểm → dự đoán → thời gian làm bài → giờ nộp bài (mặc định)» → "
        "«Điểm → dự đoán → giờ nộp bài»; con số cần dự đoán Số người trả lời đúng tất cả các câu (mặc định) → "
        "Số người tham gia"
    )


def test_new_round_form_starts_from_the_contests_latest_ranking_rule(client: TestClient, world: World) -> None:
    organiser = staff_bearer(client, world)
    changes = {"counting": "last", "tie_break": "no_prediction", "true_figure": "attempts"}
    # The latest round by opening is the upcoming one.
    path = f"/api/v1/staff/rounds/{world.upcoming_round}"
    assert client.patch(path, json=changes, headers=organiser).status_code == 200
    staff_user(client, world, Role.ORGANISER, "btc2")
    form = client.get(f"/organiser/contests/{world.contest_id}/rounds/new").text
    for value in ("last", "no_prediction", "attempts"):
        assert f'<option value="{value}" selected>' in form


def test_my_attempts_mark_the_attempt_the_rounds_counting_takes(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    organiser = staff_bearer(client, world)
    path = f"/api/v1/staff/rounds/{world.open_round}"
    assert client.patch(path, json={"counting": "last"}, headers=organiser).status_code == 200
    an = api_user(phone="0912000111")
    take(client, world, world.open_round, an, right=5, prediction=1, seconds=60)
    take(client, world, world.open_round, an, right=1, prediction=1, seconds=60)
    sign_in(client, "0912000111")
    mine = client.get("/me/attempts").text
    counted = re.search(r'<tr class="best">\s*<td[^>]*><a class="tap" href="/attempts/\d+/result">(\d+)</a>', mine)
    assert counted and counted.group(1) == "2"  # the last, as the round counts, not the better first

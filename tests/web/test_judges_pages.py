"""The judges' pages and the participant's complaint, without JavaScript:
a judge moves a closed round on, disqualifies and reinstates, answers a
complaint the participant filed from their result page, then publishes final
results; every refusal is shown on the page with its status."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.backends import rows
from tests.conftest import PASSWORD, World
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf, register


def sign_in(client: TestClient, login: str) -> None:
    client.cookies.clear()
    form = {"csrf_token": csrf(client.get("/login").text), "login": login, "password": PASSWORD}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303


def post(client: TestClient, path: str, page: str, **fields: str) -> Any:
    return client.post(path, data={"csrf_token": csrf(client.get(page).text), **fields}, follow_redirects=False)


def test_judge_reviews_and_participant_complains_through_pages(client: TestClient, world: World, settings: Any) -> None:
    phone = str(register(client, world)["phone"])
    token = client.post("/api/v1/token", json={"login": phone, "password": PASSWORD}).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=bearer).json()["id"]
    assert client.post(f"/api/v1/attempts/{attempt}/submit", json={"prediction": 1}, headers=bearer).status_code == 200
    result = f"/attempts/{attempt}/result"
    assert 'id="complaints"' not in client.get(result).text  # nothing published: no form
    rows(settings.database_url, "UPDATE rounds SET complaint_window_hours = 24 WHERE id = ?", (world.open_round,))
    world.clock.advance(days=8)

    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    page = f"/judging/rounds/{world.open_round}"
    listed = client.get("/judging").text
    assert f'<a href="{page}">Vòng mở</a>' in listed and "<h2>Cuộc thi thử</h2>" in listed  # grouped by contest
    moved = post(client, f"{page}/phase", page, phase="under_review", note="Bắt đầu chấm")
    assert (moved.status_code, moved.headers["location"]) == (303, f"{page}?notice=phase")
    assert "Đã chuyển giai đoạn của vòng thi." in client.get(moved.headers["location"]).text
    ranking = client.get(page).text
    assert 'id="ranking"' in ranking and "Nguyễn Văn An" in ranking and "(được tính)" in ranking
    assert "0 thí sinh" in client.get(page + "?q=khong+co+ai").text
    assert client.get(page + "?page=0").status_code == 422
    # Each row has its own "Loại" form (no id to type); so does the attempt's own page.
    assert f'name="attempt_id" value="{attempt}"' in ranking and "Mã bài thi" not in ranking
    assert f'name="attempt_id" value="{attempt}"' in client.get(f"/judging/attempts/{attempt}").text
    typed = post(client, f"{page}/disqualifications", page, attempt_id="abc", reason="Làm quá nhanh")
    assert typed.status_code == 422 and "Chọn loại một bài thi hoặc loại cả vòng thi của một thí sinh." in typed.text
    assert "attempt_id" not in typed.text.split('id="ranking"')[0]  # the message names no field
    refused = post(client, f"{page}/disqualifications", page, attempt_id=str(attempt), reason="")
    assert refused.status_code == 422
    assert "Hãy ghi lý do loại." in refused.text
    made = post(client, f"{page}/disqualifications", page, attempt_id=str(attempt), reason="Làm quá nhanh")
    assert made.headers["location"] == f"{page}?notice=disqualified"
    shown = client.get(page).text
    assert "Làm quá nhanh" in shown
    found = re.search(r'action="(/judging/disqualifications/\d+/reinstate)"', shown)
    assert found
    assert post(client, found.group(1), page, reason="Đã xác minh").status_code == 303
    assert "Đã khôi phục" in client.get(page).text
    post(client, f"{page}/phase", page, phase="provisional")

    sign_in(client, phone)
    shown = client.get(result).text
    assert f'action="/attempts/{attempt}/complaints"' in shown
    chosen = re.search(r'<select id="question_id" name="question_id">(.*?)</select>', shown, re.S)
    assert chosen and re.findall(r'<option value="(\d*)">([^<]*)</option>', chosen.group(1))[:3] == [
        ("", "Về kết quả"),
        ("1", "Câu 1"),
        ("2", "Câu 2"),
    ]
    empty = post(client, f"/attempts/{attempt}/complaints", result, question_id="2", text=" ")
    assert empty.status_code == 422
    assert 'aria-invalid="true"' in empty.text and "Hãy viết nội dung khiếu nại." in empty.text
    assert '<option value="2" selected>Câu 2</option>' in empty.text  # the question chosen is kept
    filed = post(client, f"/attempts/{attempt}/complaints", result, question_id="2", text="Câu 2 có hai đáp án.")
    assert filed.headers["location"] == f"{result}?notice=complained#complaints"
    assert "Chưa có trả lời." in client.get(result).text

    sign_in(client, "giamkhao")
    shown = client.get(page).text  # final results offered disabled, with the reason
    assert 'value="final" disabled' in shown and "Thời hạn khiếu nại chưa hết" in shown
    final = post(client, f"{page}/phase", page, phase="final")
    assert final.status_code == 409
    assert "Thời hạn khiếu nại chưa hết" in final.text
    world.clock.advance(hours=25)
    shown = client.get(page).text
    answer = re.search(r'action="(/judging/complaints/\d+/answer)"', shown)
    assert answer and "Câu 2 có hai đáp án." in shown
    assert 'value="final" disabled' in shown and "Còn 1 khiếu nại chưa được trả lời" in shown
    assert post(client, answer.group(1), page, text="Đáp án B đúng; giữ nguyên.").status_code == 303
    assert 'value="final" disabled' not in client.get(page).text
    assert post(client, f"{page}/phase", page, phase="final").status_code == 303

    sign_in(client, phone)
    shown = client.get(result).text
    assert "Đáp án B đúng; giữ nguyên." in shown
    assert f'action="/attempts/{attempt}/complaints"' not in shown  # the window has closed
    client.cookies.set("lang", "en")
    assert "Complaints" in client.get(result).text


def test_tie_across_a_prize_boundary_is_shown_to_the_judges(
    client: TestClient, world: World, api_user: Any, settings: Any
) -> None:
    prizes = '{"first": 1, "second": 0, "third": 0, "consolation": 0}'
    rows(settings.database_url, "UPDATE rounds SET prizes = ? WHERE id = ?", (prizes, world.open_round))
    people = [api_user(full_name="Nguyễn Văn An"), api_user(full_name="Trần Thị Bình")]
    started = [client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=h).json()["id"] for h in people]
    for headers, attempt in zip(people, started, strict=True):  # one right answer each: a prize needs one
        first = client.portal.call(world.services.storage.attempts.get, attempt).questions[0]
        path = f"/api/v1/attempts/{attempt}/answers/{first.id}"
        assert client.put(path, headers=headers, json={"options": sorted(first.correct)}).status_code == 200
    world.clock.advance(seconds=120)  # both submit at the same moment after the same time: an exact tie
    for headers, attempt in zip(people, started, strict=True):
        client.post(f"/api/v1/attempts/{attempt}/submit", headers=headers, json={"prediction": 1})
    world.clock.advance(days=8)
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    page = f"/judging/rounds/{world.open_round}"
    post(client, f"{page}/phase", page, phase="under_review")
    shown = client.get(page).text
    assert '<p id="complaint-window">Không nhận khiếu nại</p>' in shown  # a 0-hour window
    assert (
        "Đồng hạng ở ranh giới giải, Ban Giám khảo quyết định: hạng 1: Nguyễn Văn An, Trần Thị Bình"
        " (1 Giải Nhất, 1 không giải)"
    ) in shown

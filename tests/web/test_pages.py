"""The participant's pages, without JavaScript: forms posted as a browser would."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.conftest import PASSWORD, World, registration


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "form without a CSRF token"
    return match.group(1)


def register(client: TestClient, world: World, **overrides) -> dict:
    fields = registration(world, **overrides)
    form = {k: ("on" if v is True else str(v)) for k, v in fields.items() if v is not False}
    token = csrf(client.get("/register").text)
    response = client.post("/register", data={**form, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return fields


def start_round(client: TestClient, round_id: int) -> int:
    token = csrf(client.get("/").text)
    response = client.post(f"/rounds/{round_id}/start", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_home_shows_contest_rules_and_round_states(client: TestClient, world: World) -> None:
    html = client.get("/").text
    assert "Cuộc thi thử" in html
    assert "Thể lệ cuộc thi." in html
    assert "Đang mở" in html and "Sắp mở" in html and "Đã kết thúc" in html
    assert "27/11/2026 09:00" in html  # opening time in Vietnam time, dd/mm/yyyy
    assert 'data-countdown="2026-12-04T03:00:00+00:00"' in html


def test_register_logs_in_and_shows_start_button(client: TestClient, world: World) -> None:
    register(client, world)
    html = client.get("/").text
    assert "Xin chào" in html and "Nguyễn Văn An" in html
    assert f'action="/rounds/{world.open_round}/start"' in html


def test_register_errors_appear_next_to_fields(client: TestClient, world: World) -> None:
    token = csrf(client.get("/register").text)
    response = client.post(
        "/register",
        data={
            "csrf_token": token,
            "full_name": "Trần Thị Bình",
            "phone": "0123",
            "password": "ngắn",
            "cccd": "abc",
            "birth_year": "1985",
            "area": str(world.area_ids[1]),
        },
    )
    assert response.status_code == 422
    html = response.text
    assert 'id="phone-error">Số điện thoại di động không hợp lệ' in html
    assert 'id="password-error">Mật khẩu cần ít nhất 8 ký tự.' in html
    assert 'id="cccd-error">Số định danh cá nhân gồm đúng 12 chữ số.' in html
    assert 'id="consent-error">' in html
    assert 'value="Trần Thị Bình"' in html  # what was typed is kept
    assert "ngắn" not in html  # but never the password
    assert f'<option value="{world.area_ids[1]}" selected>' in html


def test_register_duplicate_phone_shows_field_error(client: TestClient, world: World) -> None:
    fields = register(client, world)
    client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
    token = csrf(client.get("/register").text)
    other = registration(world, phone=fields["phone"])
    response = client.post(
        "/register", data={**{k: str(v) for k, v in other.items()}, "consent": "on", "csrf_token": token}
    )
    assert response.status_code == 409
    assert "Số điện thoại này đã được đăng ký" in response.text


def test_forms_without_csrf_token_are_refused(client: TestClient, world: World) -> None:
    client.get("/register")
    fields = {k: str(v) for k, v in registration(world).items()}
    response = client.post("/register", data=fields)
    assert response.status_code == 403
    response = client.post("/register", data={**fields, "csrf_token": "forged"})
    assert response.status_code == 403


def test_login_logout_and_next(client: TestClient, world: World) -> None:
    fields = register(client, world)
    client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
    assert "Xin chào" not in client.get("/").text
    page = client.get("/login?next=/me/attempts")
    response = client.post(
        "/login",
        data={"csrf_token": csrf(page.text), "login": fields["phone"], "password": PASSWORD, "next": "/me/attempts"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/me/attempts"


def test_login_next_cannot_leave_the_site(client: TestClient, world: World) -> None:
    fields = register(client, world)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"csrf_token": csrf(page.text), "login": fields["phone"], "password": PASSWORD, "next": "//evil.example"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_login_wrong_password_shows_message(client: TestClient, world: World) -> None:
    fields = register(client, world)
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf(page.text), "login": fields["phone"], "password": "x"})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.text


def test_take_round_without_javascript(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    page = client.get(f"/attempts/{attempt_id}")
    assert page.status_code == 200
    html = page.text
    questions = re.findall(r'<fieldset class="question" id="q(\d+)">', html)
    assert questions == ["1", "2", "3", "4", "5"]
    assert "Hạn nộp bài: 10:10:00 ngày 27/11/2026" in html
    # Choose the first option everywhere, and save without submitting.
    form = {"csrf_token": csrf(html), "action": "save", "prediction": "7"}
    for q in questions:
        form[f"q{q}"] = "1"
    saved = client.post(f"/attempts/{attempt_id}", data=form, follow_redirects=True)
    assert "Đã lưu các câu trả lời của bạn." in saved.text
    assert "Đã lưu 5/5 câu trên máy chủ." in saved.text
    assert saved.text.count(" checked>") == 5
    world.clock.advance(minutes=3)
    form["action"] = "submit"
    result = client.post(f"/attempts/{attempt_id}", data=form, follow_redirects=True)
    assert result.url.path == f"/attempts/{attempt_id}/result"
    assert re.search(r'id="correct">\d/5<', result.text)
    assert 'id="duration">03:00<' in result.text
    assert "Đây là lượt thi tốt nhất của bạn" in result.text
    assert "Đáp án sẽ được công bố sau khi vòng thi kết thúc." in result.text
    # Reopening a submitted attempt goes to its result.
    again = client.get(f"/attempts/{attempt_id}", follow_redirects=False)
    assert again.headers["location"] == f"/attempts/{attempt_id}/result"


def test_submit_without_prediction_asks_for_it(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text
    response = client.post(f"/attempts/{attempt_id}", data={"csrf_token": csrf(html), "action": "submit"})
    assert response.status_code == 422
    assert "Vui lòng trả lời câu hỏi dự đoán" in response.text


def test_autosave_endpoint_needs_csrf_header(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text
    url = f"/attempts/{attempt_id}/answers/1"
    refused = client.put(url, json={"options": [1]}, headers={"Accept": "application/json"})
    assert refused.status_code == 403
    assert refused.json()["error"] == "csrf"
    ok = client.put(url, json={"options": [1]}, headers={"X-CSRF-Token": csrf(html), "Accept": "application/json"})
    assert ok.status_code == 200
    assert ok.json() == {"question_id": 1, "options": [1], "saved": True}
    assert 'value="1" checked' in client.get(f"/attempts/{attempt_id}").text


def test_my_attempts_marks_the_counting_attempt(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text
    client.post(f"/attempts/{attempt_id}", data={"csrf_token": csrf(html), "action": "submit", "prediction": "1"})
    page = client.get("/me/attempts").text
    assert "Đã dùng 1/2 lượt thi." in page
    assert "Được tính" in page


def test_pages_needing_login_redirect_to_login(client: TestClient, world: World) -> None:
    for path in ("/me/attempts", "/attempts/1", "/attempts/1/result"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_another_participants_attempt_page_is_404(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
    register(client, world)
    assert client.get(f"/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/attempts/{attempt_id}/result").status_code == 404
    html = client.get("/").text
    response = client.post(f"/attempts/{attempt_id}", data={"csrf_token": csrf(html), "action": "submit"})
    assert response.status_code == 404


def test_result_after_round_closes_reveals_answers(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text
    client.post(f"/attempts/{attempt_id}", data={"csrf_token": csrf(html), "action": "submit", "prediction": "1"})
    assert "Giải thích" not in client.get(f"/attempts/{attempt_id}/result").text
    world.clock.advance(days=8)
    world.services.catalog.invalidate()
    page = client.get(f"/attempts/{attempt_id}/result").text
    assert "Đáp án" in page and "Giải thích" in page and "Nguồn" in page


def test_english_is_available(client: TestClient, world: World) -> None:
    client.get("/lang/en?next=/", follow_redirects=False)
    html = client.get("/login").text
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_unknown_page_is_a_vietnamese_404(client: TestClient) -> None:
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.text

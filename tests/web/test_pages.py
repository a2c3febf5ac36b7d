"""The participant's pages, without JavaScript: forms posted as a browser would."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from contest.web.render import format_duration
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


def page_form(html: str) -> dict[str, str]:
    """What the attempt page's form would post as it is: its hidden fields
    (CSRF token, each question's base revision and flag as shown)."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


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
    form = {**page_form(html), "action": "save", "prediction": "7"}
    for q in questions:
        form[f"q{q}"] = "1"
    saved = client.post(f"/attempts/{attempt_id}", data=form, follow_redirects=False)
    assert saved.headers["location"] == f"/attempts/{attempt_id}?notice=saved#actions"  # back to the button
    html = client.get(f"/attempts/{attempt_id}?notice=saved").text
    assert "Đã lưu các câu trả lời của bạn." in html
    assert "Đã lưu 5/5 câu trên máy chủ." in html
    assert html.count('" checked>') == 5
    world.clock.advance(minutes=3, seconds=5)
    # "Nộp bài" saves the page and shows the summary; its button submits.
    form = {**page_form(html), "action": "review", "prediction": "7", "q1": "1", "q2": "1", "q3": "1", "q4": "1"}
    review = client.post(f"/attempts/{attempt_id}", data=form, follow_redirects=True)
    assert review.url.path == f"/attempts/{attempt_id}/review"
    assert 'id="answered-count">Đã trả lời 4/5 câu.' in review.text
    assert re.search(r'id="unanswered"><a href="/attempts/\d+#q5">Câu 5</a></p>', review.text)
    submit = {"csrf_token": csrf(review.text), "action": "submit", "prediction": "7"}
    result = client.post(f"/attempts/{attempt_id}", data=submit, follow_redirects=True)
    assert result.url.path == f"/attempts/{attempt_id}/result"
    assert re.search(r'id="correct">\d/5<', result.text)
    assert 'id="duration">3 phút 5 giây<' in result.text
    assert "Đây là lượt thi tốt nhất của bạn" in result.text
    assert "Đáp án sẽ được công bố sau khi vòng thi kết thúc." in result.text
    # Reopening a submitted attempt goes to its result.
    again = client.get(f"/attempts/{attempt_id}", follow_redirects=False)
    assert again.headers["location"] == f"/attempts/{attempt_id}/result"


def test_submit_without_prediction_asks_for_it_on_the_summary(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text
    form = {**page_form(html), "action": "submit"}
    response = client.post(f"/attempts/{attempt_id}", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/attempts/{attempt_id}/review"
    review = client.get(f"/attempts/{attempt_id}/review").text
    assert 'id="prediction-error" role="alert">Vui lòng trả lời câu hỏi dự đoán trước khi nộp bài.' in review
    assert client.get(f"/attempts/{attempt_id}").status_code == 200  # still in progress


def test_summary_with_a_wrong_prediction_shows_the_summary_again_with_the_error(
    client: TestClient, world: World
) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    review = client.get(f"/attempts/{attempt_id}/review").text
    submit = {"csrf_token": csrf(review), "action": "submit", "prediction": "1.5"}
    again = client.post(f"/attempts/{attempt_id}", data=submit, follow_redirects=False)
    assert again.status_code == 422
    assert "<h1>Kiểm tra trước khi nộp bài</h1>" in again.text
    error = re.search(r'<p class="field-error" id="prediction-error" role="alert">([^<]+)</p>', again.text)
    assert error and error.group(1) == "Câu dự đoán cần là một số nguyên từ 0 đến 100.000.000."
    field = re.search(r'<input id="prediction-input"[^>]*>', again.text, re.S)
    assert field and 'aria-invalid="true" aria-describedby="prediction-error" value="1.5"' in field.group(0)
    assert client.get(f"/attempts/{attempt_id}").status_code == 200  # still in progress


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
    assert ok.json() == {"question_id": 1, "options": [1], "revision": 1, "saved": True}
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


def signed_in_app(client: TestClient, world: World) -> dict[str, str]:
    """Register on the pages and return API headers for the same participant,
    as if they also used the citizen app."""
    fields = register(client, world)
    token = client.post("/api/v1/token", json={"login": fields["phone"], "password": fields["password"]})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_older_page_does_not_overwrite_an_answer_saved_from_the_app(client: TestClient, world: World) -> None:
    headers = signed_in_app(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text  # nothing answered yet
    app = client.put(f"/api/v1/attempts/{attempt_id}/answers/1", headers=headers, json={"options": [2]})
    assert app.json() == {"question_id": 1, "options": [2], "revision": 1, "saved": True}
    # The old page posts its state (q1 blank, q2 answered), as "Lưu bài" or the countdown does.
    form = {**page_form(html), "action": "save", "q2": "1"}
    response = client.post(f"/attempts/{attempt_id}", data=form, follow_redirects=False)
    assert response.headers["location"] == f"/attempts/{attempt_id}?notice=saved&stale=1#actions"
    state = client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).json()
    assert state["answers"] == {"1": [2], "2": [1]}
    assert state["revisions"] == {"1": 1, "2": 1}
    page = client.get(f"/attempts/{attempt_id}?notice=saved&stale=1").text
    assert 'role="alert">' in page and '<a href="#q1">Câu 1</a>.' in page
    assert "Câu này đã được trả lời ở nơi khác" in page
    assert 'name="q1" value="2" checked>' in page  # the server's answer, shown
    assert "Đã lưu các câu trả lời khác của bạn." in page
    # Time-out from the same old page: submitted with the app's answer kept.
    form["action"] = "timeout"
    client.post(f"/attempts/{attempt_id}", data=form)
    result = client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).json()
    assert result["status"] == "submitted"
    assert result["answers"]["1"] == [2]


def test_app_with_an_older_revision_does_not_overwrite_the_page(client: TestClient, world: World) -> None:
    headers = signed_in_app(client, world)
    attempt_id = start_round(client, world.open_round)
    seen = client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).json()["revisions"]  # the app's view: {}
    html = client.get(f"/attempts/{attempt_id}").text
    client.post(f"/attempts/{attempt_id}", data={**page_form(html), "action": "save", "q1": "3"})
    url = f"/api/v1/attempts/{attempt_id}/answers/1"
    stale = client.put(url, headers=headers, json={"options": [1], "base_revision": seen.get("1", 0)})
    assert stale.status_code == 409
    assert stale.json() == {
        "error": "stale_answer",
        "message": stale.json()["message"],
        "question_id": 1,
        "options": [3],
        "revision": 1,
        "saved": False,
    }
    assert stale.json()["message"].startswith("Câu 1 đã được trả lời ở nơi khác")
    fresh = client.put(url, headers=headers, json={"options": [1], "base_revision": 1})
    assert fresh.json() == {"question_id": 1, "options": [1], "revision": 2, "saved": True}
    explicit = client.put(url, headers=headers, json={"options": [4]})  # no base: the app answers explicitly
    assert explicit.json()["revision"] == 3


def test_save_does_not_depend_on_the_prediction(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text
    assert " required" not in html and " novalidate " in html
    assert "Câu trả lời được lưu khi bạn bấm “Lưu bài” hoặc “Nộp bài”" in html  # what happens without JavaScript
    form = {**page_form(html), "action": "save", "q1": "2", "prediction": ""}
    response = client.post(f"/attempts/{attempt_id}", data=form, follow_redirects=False)
    assert response.headers["location"] == f"/attempts/{attempt_id}?notice=saved#actions"
    bad = client.post(f"/attempts/{attempt_id}", data={**form, "q2": "1", "prediction": "200000000"})
    assert bad.status_code == 422
    assert "Câu dự đoán cần là một số nguyên từ 0 đến 100.000.000." in bad.text
    assert 'name="q2" value="1" checked>' in bad.text  # the answers were saved all the same


def test_timeout_submits_without_the_prediction(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text
    world.clock.advance(minutes=10)
    form = {**page_form(html), "action": "timeout", "q1": "1"}
    response = client.post(f"/attempts/{attempt_id}", data=form, follow_redirects=False)
    assert response.headers["location"] == f"/attempts/{attempt_id}/result"
    assert 'id="correct">' in client.get(f"/attempts/{attempt_id}/result").text
    # Posted again after the server closed it (a retry): still the result.
    again = client.post(f"/attempts/{attempt_id}", data=form, follow_redirects=False)
    assert again.headers["location"] == f"/attempts/{attempt_id}/result"


def test_flags_are_kept_and_listed_before_submitting(client: TestClient, world: World) -> None:
    headers = signed_in_app(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text
    flagged = client.put(f"/api/v1/attempts/{attempt_id}/flags/4", headers=headers, json={"flagged": True})
    assert flagged.json() == {"question_id": 4, "flagged": True}
    # The page flags question 2; it had not seen question 4's flag, and leaves it alone.
    client.post(f"/attempts/{attempt_id}", data={**page_form(html), "action": "save", "q1": "1", "f2": "1"})
    page = client.get(f"/attempts/{attempt_id}").text
    assert 'name="f2" value="1" checked>' in page and 'name="f4" value="1" checked>' in page
    assert re.search(r'href="#q2" data-nav="2"\s+class="unanswered flagged">', page)
    assert re.search(r'href="#q1" data-nav="1"\s+class="answered">', page)
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).json()["flagged"] == [2, 4]
    review = client.get(f"/attempts/{attempt_id}/review").text
    links = r'id="flagged"><a href="/attempts/\d+#q2">Câu 2</a><a href="/attempts/\d+#q4">Câu 4</a></p>'
    assert re.search(links, review)
    # Unflagging on the page clears it.
    client.post(f"/attempts/{attempt_id}", data={**page_form(page), "action": "save", "q1": "1", "f4": "1"})
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).json()["flagged"] == [4]


def test_home_offers_to_continue_the_attempt_in_progress(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    world.clock.advance(minutes=2, seconds=5)
    html = client.get("/").text
    assert f'<a class="button primary" href="/attempts/{attempt_id}">Tiếp tục làm bài</a>' in html
    assert "còn 7 phút 55 giây" in html
    assert "đã dùng 0 · đang làm lượt 1" in html
    assert "Vào thi (lượt tiếp theo)" not in html
    assert "<dd>10 phút</dd>" in html


def test_older_page_does_not_overwrite_the_prediction_saved_from_the_app(client: TestClient, world: World) -> None:
    headers = signed_in_app(client, world)
    attempt_id = start_round(client, world.open_round)
    html = client.get(f"/attempts/{attempt_id}").text  # shows no prediction
    client.put(f"/api/v1/attempts/{attempt_id}/prediction", headers=headers, json={"prediction": 500})
    client.post(f"/attempts/{attempt_id}", data={**page_form(html), "action": "save", "prediction": ""})
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).json()["prediction"] == 500
    client.post(f"/attempts/{attempt_id}", data={**page_form(html), "action": "save", "prediction": "42"})
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).json()["prediction"] == 42  # typed here


def test_durations_read_as_words_not_clock_times() -> None:
    assert format_duration(53_000) == "53 giây"
    assert format_duration(725_400) == "12 phút 5 giây"
    assert format_duration(600_000) == "10 phút"
    assert format_duration(3_723_000) == "1 giờ 2 phút 3 giây"
    assert format_duration(0) == "0 giây"
    assert format_duration(725_000, "en") == "12 min 5 s"

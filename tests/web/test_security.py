"""Safe from the first day: headers, cookies, password storage, sign-in limits."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from contest.web.bodies import NOT_KIND
from contest.web.security import CONTENT_SECURITY_POLICY
from tests.backends import rows
from tests.conftest import PASSWORD, World, registration


def test_pages_and_api_send_security_headers(client: TestClient) -> None:
    for path in ("/", "/login", "/api/v1/rounds", "/api/v1/nothing", "/static/app.css"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"


def test_csp_allows_no_inline_script(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    html = client.get("/").text
    assert "<script>" not in html  # every script is an external file


def test_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    response = client.get("/login")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("hoithi_session=")
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()


def test_tampered_session_cookie_is_anonymous(client: TestClient, world: World) -> None:
    client.cookies.set("hoithi_session", "eyJ1c2VyIjogeyJ1aWQiOiAxfX0=.forged.sig")
    html = client.get("/").text
    assert "Xin chào" not in html


def test_passwords_are_stored_as_argon2id(client: TestClient, world: World) -> None:
    fields = registration(world)
    client.post("/api/v1/register", json=fields)
    [(stored,)] = rows(
        world.services.settings.database_url, "SELECT password_hash FROM users WHERE phone = ?", (fields["phone"],)
    )
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_sign_in_is_rate_limited_per_login(client: TestClient, world: World) -> None:
    fields = registration(world)
    client.post("/api/v1/register", json=fields)
    for _ in range(5):
        response = client.post("/api/v1/token", json={"login": fields["phone"], "password": "sai"})
        assert response.status_code == 401
    locked = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "900"
    world.clock.advance(seconds=300)
    locked = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD})
    assert (locked.status_code, locked.headers["retry-after"]) == (429, "600")  # what is left of the window
    # The lock lasts for the window, then the right password works again.
    world.clock.advance(seconds=601)
    assert client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD}).status_code == 200


def test_sign_in_is_rate_limited_per_address(client: TestClient, world: World) -> None:
    limit = world.services.settings.login_ip_max_failures
    for i in range(limit):
        client.post("/api/v1/token", json={"login": f"09000{i:05d}", "password": "sai"})
    fields = registration(world)
    client.post("/api/v1/register", json=fields)
    response = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD})
    assert response.status_code == 429


def test_a_stranger_cannot_lock_a_participant_out(app_client: tuple[TestClient, World]) -> None:
    client, world = app_client
    fields = registration(world)
    client.post("/api/v1/register", json=fields)
    for _ in range(5):  # a stranger keeps typing the participant's phone with wrong passwords
        client.post("/api/v1/token", json={"login": fields["phone"], "password": "sai"})
    assert client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD}).status_code == 429
    owner = TestClient(client.app, client=("203.0.113.7", 4000))
    with owner:
        response = owner.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD})
    assert response.status_code == 200


def test_login_page_shows_rate_limit_message(client: TestClient, world: World) -> None:
    fields = registration(world)
    client.post("/api/v1/register", json=fields)
    for _ in range(5):
        client.post("/api/v1/token", json={"login": fields["phone"], "password": "sai"})
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"csrf_token": token, "login": fields["phone"], "password": PASSWORD})
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.text


def test_wrong_types_in_json_are_422_not_500(client: TestClient, world: World, api_user) -> None:
    response = client.post(
        "/api/v1/register",
        json={
            "full_name": ["x"],
            "phone": {"a": 1},
            "birth_year": True,
            "cccd": 12,
            "area": "x",
            "consent": "no",
            "password": 5,
        },
    )
    assert response.status_code == 422
    response = client.post("/api/v1/token", json={"login": ["x"], "password": None})
    assert (response.status_code, list(response.json()["errors"])) == (422, ["login"])
    headers = api_user()
    attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()
    submit = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": "nhiều"})
    assert submit.status_code == 422
    submit = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": -1})
    assert submit.status_code == 422


def test_static_files_with_version_are_cached_for_a_year(client: TestClient) -> None:
    html = client.get("/").text
    url = html.split('<link rel="stylesheet" href="')[1].split('"')[0]
    assert "?v=" in url
    response = client.get(url)
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_question_text_from_a_bank_is_shown_as_text(client: TestClient, world: World) -> None:
    """Markup in a bank never runs in a participant's browser."""
    from datetime import timedelta

    from contest.domain.models import Question, RoundRules
    from contest.services.contests import create_round
    from tests.web.test_pages import csrf, register

    storage, now = world.services.storage, world.clock.now()
    evil = Question(
        code="X-1", text='<img src=x onerror="alert(1)">Câu?', options=("<b>A</b>", "B"), correct=frozenset({0})
    )
    bank_id, _ = client.portal.call(lambda: storage.banks.create(name="Độc hại", questions=[evil], now=now))
    contest = client.portal.call(lambda: world.services.catalog.contest(world.contest_id))
    round_id = client.portal.call(
        lambda: create_round(
            storage,
            contest=contest,
            title="Vòng X",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(hours=1),
            rules=RoundRules(1, 60, 1),
            bank_id=bank_id,
        )
    )
    register(client, world)
    token = csrf(client.get("/").text)
    attempt = client.post(f"/rounds/{round_id}/start", data={"csrf_token": token})
    html = attempt.text
    assert "<img src=x" not in html and "<b>A</b>" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Câu?" in html
    assert "&lt;b&gt;A&lt;/b&gt;" in html


NOT_A_NUMBER = ["²", "①", "٣", "1.5", "1e3", ""]


def test_register_numbers_that_are_not_numbers_are_422_not_500(client: TestClient, world: World) -> None:
    for field, message in (
        ("area", "Vui lòng chọn nơi cư trú trong danh sách."),
        ("birth_year", "Năm sinh phải là một năm từ 1900 đến 2026 (bốn chữ số)."),
    ):
        for value in [*NOT_A_NUMBER[:-1], 0.5, -1]:
            response = client.post("/api/v1/register", json=registration(world, **{field: value}))
            assert response.status_code == 422, (field, value)
            expected = message if isinstance(value, int) else NOT_KIND["integer"]
            assert response.json()["errors"] == {field: expected}, (field, value)


def test_prediction_that_is_not_a_number_is_422_not_500(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()
    for value in [*NOT_A_NUMBER, -1, 100_000_001, 2.5, True]:
        response = client.put(
            f"/api/v1/attempts/{attempt['id']}/prediction", headers=headers, json={"prediction": value}
        )
        assert response.status_code == 422, value
        out_of_range = isinstance(value, int) and not isinstance(value, bool)
        message = "Câu dự đoán cần là một số nguyên từ 0 đến 100.000.000." if out_of_range else NOT_KIND["integer"]
        assert response.json()["errors"] == {"prediction": message}, value


def test_attempt_form_fields_that_are_not_numbers_are_422_not_500(client: TestClient, world: World) -> None:
    from tests.web.test_pages import csrf, register, start_round

    register(client, world)
    attempt_id = start_round(client, world.open_round)
    token = csrf(client.get(f"/attempts/{attempt_id}").text)
    for form, message in (
        ({"q²": "1"}, "Số thứ tự câu hỏi cần là một số nguyên không nhỏ hơn 1."),
        ({"q1": "²"}, "Phương án đã chọn cần là một số nguyên không nhỏ hơn 1."),
        ({"q1": "1", "prediction": "²"}, "Câu dự đoán cần là một số nguyên từ 0 đến 100.000.000."),
        ({"q1": "1", "prediction": "١٢"}, "Câu dự đoán cần là một số nguyên từ 0 đến 100.000.000."),
    ):
        for action in ("save", "submit"):
            response = client.post(f"/attempts/{attempt_id}", data={"csrf_token": token, "action": action, **form})
            assert response.status_code == 422, (form, action)
            assert message in response.text, (form, action)


def test_every_answer_under_api_is_json_whatever_the_path(client: TestClient) -> None:
    for path in ("/api", "/api/", "/api/v1/x%0A", "/api/v1/x%0Ay", "/api/v1/%00", "/api/v1/rounds/%E2%91%A0/attempts"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/json", path
        assert response.json() == {"error": "not_found", "message": "Không tìm thấy trang hoặc dữ liệu yêu cầu."}


def test_unknown_methods_get_405_with_allow(client: TestClient) -> None:
    for method, path, allow in (
        ("TRACE", "/", {"GET", "HEAD"}),
        ("TRACE", "/api/v1/rounds", {"GET", "HEAD"}),
        ("PATCH", "/api/v1/register", {"POST"}),
        ("DELETE", "/api/openapi.json", {"GET", "HEAD"}),
        ("POST", "/static/app.css", {"GET", "HEAD"}),
        # paths served by several routes, one per method: every route's methods
        ("DELETE", "/api/v1/me", {"GET", "HEAD", "PATCH"}),
        ("OPTIONS", "/api/v1/token", {"POST", "DELETE"}),
        ("PUT", "/api/v1/attempts/1/complaints", {"GET", "HEAD", "POST"}),
        ("DELETE", "/api/v1/staff/rounds/1/disqualifications", {"GET", "HEAD", "POST"}),
        ("OPTIONS", "/api/v1/me/sessions", {"GET", "HEAD", "DELETE"}),
    ):
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert {m.strip() for m in response.headers["allow"].split(",")} == allow, (method, path)
    assert client.request("TRACE", "/api/v1/rounds").json()["error"] == "method_not_allowed"


def test_malformed_content_length_is_refused(client: TestClient) -> None:
    """Content-Length is read by the one number parser ("1_0" is not ten)."""
    app = client.app

    async def post(length: bytes) -> list[dict[str, object]]:
        sent: list[dict[str, object]] = []

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"{}"}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/api/v1/token",
            "headers": [(b"content-length", length)],
            "query_string": b"",
        }
        await app(scope, receive, send)  # type: ignore[arg-type]
        return sent

    for value in ("²".encode(), b"-1", b"1_0", b"ten", b"+2"):
        start = client.portal.call(post, value)[0]  # type: ignore[union-attr]
        assert start["status"] == 413, value


ODD_TEXT = [
    "\u200b" * 9,  # zero-width spaces
    "①②③④⑤⑥⑦⑧⑨",
    "a\x00b\x07c" * 3,  # control characters
    "\u202eNguyễn Văn An",  # right-to-left override
    "\ufeff" * 9,
    "N\u0301\u0301\u0301guyễn",  # combining marks on nothing they compose with
    "ạ" * 10_240,  # 10 kB
]
FIELDS = ("full_name", "phone", "password", "email", "birth_year", "cccd", "area", "unit")


def test_odd_unicode_in_any_registration_field_is_4xx_not_500(client: TestClient, world: World) -> None:
    from tests.web.test_pages import csrf

    token = csrf(client.get("/register").text)
    for field in FIELDS:
        for value in ODD_TEXT:
            response = client.post("/api/v1/register", json=registration(world, **{field: value}))
            assert response.status_code in (201, 422), (field, value[:20], response.text)
            if response.status_code == 422:
                assert set(response.json()["errors"]) == {field}, (field, value[:20])
            form = {k: ("on" if v is True else str(v)) for k, v in registration(world, **{field: value}).items()}
            page = client.post("/register", data={**form, "csrf_token": token}, follow_redirects=False)
            assert page.status_code in (303, 413, 422), (field, value[:20])  # 413: 10 kB URL-encoded is 90 kB
            if page.status_code == 303:  # accepted (a 10 kB password is not): sign out for the next one
                client.cookies.clear()
                token = csrf(client.get("/register").text)


def test_half_a_surrogate_pair_in_json_is_400_not_500(client: TestClient, world: World) -> None:
    for field in (*FIELDS, "consent"):
        body = json.dumps(registration(world, **{field: "\ud800" * 9}))  # escaped: valid JSON, no text
        response = client.post("/api/v1/register", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, field
        assert response.json() == {"error": "malformed_json", "message": "Nội dung gửi lên có ký tự không hợp lệ."}
    response = client.post("/api/v1/token", content=b'{"login": "0912345678", "password": "\\udfff\\ud800x"}')
    assert response.status_code == 400
    emoji = client.post("/api/v1/token", content=b'{"login": "0912345678", "password": "\\ud83d\\ude00-mat-khau"}')
    assert emoji.status_code == 401  # a whole pair is a character (😀): only the password is wrong


def test_a_login_with_a_nul_is_422_not_500(client: TestClient, world: World) -> None:
    """No login holds a control character, and PostgreSQL cannot store one in
    the failure counts: it is refused as every text field with one is."""
    response = client.post("/api/v1/token", json={"login": "0912\u0000345678", "password": "x" * 10})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["login"]

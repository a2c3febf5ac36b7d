"""The console's participants (search without diacritics, a participant's
page with their attempts, disabling with a reason, duplicates) and the audit
log (filters, before and after values), through the web layer."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.backends import rows
from tests.conftest import PASSWORD, World
from tests.web.test_english import data_strings, vietnamese_texts
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf, register, start_round


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def user_id(settings_url: str, phone: str) -> int:
    return int(rows(settings_url, "SELECT id FROM users WHERE phone = ?", (phone,))[0][0])


@pytest.fixture
def people(client: TestClient, world: World) -> dict[str, dict]:  # type: ignore[type-arg]
    """Three participants registered, then an organiser signed in."""
    found = {
        "an": register(client, world, full_name="Nguyễn Văn An", unit="Sở Tư pháp"),
        "binh": register(client, world, full_name="Trần Thị Bình", area=world.area_ids[1], unit="Trường THPT Cái Bè"),
        "cuong": register(client, world, full_name="Lê Cường", unit="Công an tỉnh"),
    }
    client.cookies.clear()
    sign_in_staff(client, world)
    return found


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/organiser/participants/\d+">([^<]+)</a>', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen van an", ["Nguyễn Văn An"]),
        ("TRẦN thi", ["Trần Thị Bình"]),
        ("cong an", ["Lê Cường"]),
        ("", ["Lê Cường", "Nguyễn Văn An", "Trần Thị Bình"]),
        ("không ai", []),
    ],
)
def test_participant_search_matches_without_diacritics(
    client: TestClient,
    world: World,
    people: dict,
    query: str,
    expected: list[str],  # type: ignore[type-arg]
) -> None:
    page = client.get("/organiser/participants", params={"contest": world.contest_id, "q": query})
    assert page.status_code == 200
    assert names(page.text) == expected
    assert f"{len(expected)} thí sinh phù hợp." in text(page.text)


def test_participant_search_by_phone_cccd_and_area(client: TestClient, world: World, people: dict) -> None:  # type: ignore[type-arg]
    assert names(client.get("/organiser/participants", params={"q": people["binh"]["phone"]}).text) == ["Trần Thị Bình"]
    assert names(client.get("/organiser/participants", params={"q": people["an"]["cccd"]}).text) == ["Nguyễn Văn An"]
    in_area = client.get("/organiser/participants", params={"area": world.area_ids[1]}).text
    assert names(in_area) == ["Trần Thị Bình"]


@pytest.mark.parametrize("params", [{"contest": "abc"}, {"area": "-1"}, {"contest": "9" * 30}])
def test_participant_search_bad_filter_is_422(client: TestClient, people: dict, params: dict[str, str]) -> None:  # type: ignore[type-arg]
    assert client.get("/organiser/participants", params=params).status_code == 422


def test_participant_search_unknown_contest_is_404(client: TestClient, people: dict) -> None:  # type: ignore[type-arg]
    assert client.get("/organiser/participants", params={"contest": "999"}).status_code == 404


def test_participant_page_shows_personal_data_and_attempts(
    client: TestClient,
    world: World,
    settings: object,
    people: dict,  # type: ignore[type-arg]
) -> None:
    client.cookies.clear()
    form = {"csrf_token": csrf(client.get("/login").text), "login": people["an"]["phone"], "password": PASSWORD}
    client.post("/login", data=form)
    start_round(client, world.open_round)
    client.cookies.clear()
    sign_in_staff(client, world, username="btc2")
    an = user_id(world.services.settings.database_url, people["an"]["phone"])
    page = text(client.get(f"/organiser/participants/{an}").text)
    assert people["an"]["cccd"] in page and people["an"]["phone"] in page
    assert "Cuộc thi thử Thành phố Mỹ Tho Sở Tư pháp" in page
    assert "Vòng mở 1 27/11/2026 10:00 Đang làm" in page
    assert "Đang hoạt động" in page


def test_participant_page_of_staff_account_is_404(client: TestClient, world: World, people: dict) -> None:  # type: ignore[type-arg]
    staff_id = rows(world.services.settings.database_url, "SELECT id FROM users WHERE username = 'btc'")[0][0]
    assert client.get(f"/organiser/participants/{staff_id}").status_code == 404


def post(client: TestClient, path: str, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf(client.get("/organiser").text)
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def test_disable_participant_with_reason_ends_sign_in_and_is_logged(
    client: TestClient,
    world: World,
    people: dict,  # type: ignore[type-arg]
) -> None:
    url = world.services.settings.database_url
    an = user_id(url, people["an"]["phone"])
    response = post(client, f"/organiser/participants/{an}/disable", reason="Dùng CCCD của người khác")
    assert response.status_code == 303 and response.headers["location"] == f"/organiser/participants/{an}"
    assert "Đã khoá từ 27/11/2026 10:00" in text(client.get(f"/organiser/participants/{an}").text)
    action, subject, details = rows(url, "SELECT action, subject, details FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert (action, subject) == ("account.disable", f"user:{an}")
    assert json.loads(details) == {
        "name": "Nguyễn Văn An",
        "reason": "Dùng CCCD của người khác",
        "before": {"disabled": False},
        "after": {"disabled": True},
    }
    log = text(client.get("/organiser/log").text)
    assert "Nguyễn Ban Tổ Chức · Khoá tài khoản «Nguyễn Văn An»: Dùng CCCD của người khác" in log
    client.cookies.clear()
    form = {"csrf_token": csrf(client.get("/login").text), "login": people["an"]["phone"], "password": PASSWORD}
    assert client.post("/login", data=form).status_code != 200


def test_disable_without_reason_is_422_beside_the_field(client: TestClient, world: World, people: dict) -> None:  # type: ignore[type-arg]
    an = user_id(world.services.settings.database_url, people["an"]["phone"])
    response = post(client, f"/organiser/participants/{an}/disable", reason="  ")
    assert response.status_code == 422
    assert '<p class="field-error" id="reason-error">Hãy ghi lý do.</p>' in response.text
    url = world.services.settings.database_url
    assert rows(url, "SELECT COUNT(*) FROM audit_log WHERE action = 'account.disable'")[0][0] == 0


def test_enable_participant_is_logged_with_before_and_after(client: TestClient, world: World, people: dict) -> None:  # type: ignore[type-arg]
    url = world.services.settings.database_url
    an = user_id(url, people["an"]["phone"])
    post(client, f"/organiser/participants/{an}/disable", reason="Nhầm")
    assert post(client, f"/organiser/participants/{an}/enable").status_code == 303
    action, details = rows(url, "SELECT action, details FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert action == "account.enable"
    assert json.loads(details)["before"] == {"disabled": True} and json.loads(details)["after"] == {"disabled": False}
    assert "Đang hoạt động" in client.get(f"/organiser/participants/{an}").text


def test_mark_duplicate_names_the_kept_account_and_is_logged(client: TestClient, world: World, people: dict) -> None:  # type: ignore[type-arg]
    url = world.services.settings.database_url
    an, binh = user_id(url, people["an"]["phone"]), user_id(url, people["binh"]["phone"])
    response = post(
        client, f"/organiser/participants/{an}/duplicate", of_login=people["binh"]["phone"], note="Cùng người"
    )
    assert response.status_code == 303
    page = client.get(f"/organiser/participants/{an}").text
    assert f'<dd id="duplicate"><a href="/organiser/participants/{binh}">Trần Thị Bình</a></dd>' in page
    assert "Trùng tài khoản khác" in client.get("/organiser/participants", params={"q": "an"}).text
    details = json.loads(rows(url, "SELECT details FROM audit_log ORDER BY id DESC LIMIT 1")[0][0])
    assert details["before"] == {"duplicate_of": None} and details["after"] == {"duplicate_of": binh}
    assert "Đánh dấu tài khoản «Nguyễn Văn An» trùng với tài khoản «Trần Thị Bình»: Cùng người" in text(
        client.get("/organiser/log").text
    )
    assert post(client, f"/organiser/participants/{an}/unduplicate").status_code == 303
    assert 'id="duplicate"' not in client.get(f"/organiser/participants/{an}").text
    assert "Bỏ đánh dấu trùng của tài khoản «Nguyễn Văn An»" in text(client.get("/organiser/log").text)


@pytest.mark.parametrize(
    ("of_login", "status", "message"),
    [
        ("0999999999", 422, "Không có thí sinh nào có số điện thoại hoặc email này."),
        ("btc", 422, "Không có thí sinh nào có số điện thoại hoặc email này."),
        ("self", 409, "Một tài khoản không thể trùng với chính nó."),
    ],
)
def test_mark_duplicate_refuses_what_cannot_be_kept(
    client: TestClient,
    world: World,
    people: dict,
    of_login: str,
    status: int,
    message: str,  # type: ignore[type-arg]
) -> None:
    an = user_id(world.services.settings.database_url, people["an"]["phone"])
    login = people["an"]["phone"] if of_login == "self" else of_login
    response = post(client, f"/organiser/participants/{an}/duplicate", of_login=login)
    assert response.status_code == status
    assert f'<p class="field-error" id="of_login-error">{message}</p>' in response.text


def test_judge_never_sees_participants(client: TestClient, world: World, people: dict) -> None:  # type: ignore[type-arg]
    an = user_id(world.services.settings.database_url, people["an"]["phone"])
    client.cookies.clear()
    sign_in_staff(client, world, Role.JUDGE, "gk")
    for path in ("/organiser/participants", f"/organiser/participants/{an}"):
        response = client.get(path)
        assert response.status_code == 403 and people["an"]["phone"] not in response.text


def test_log_filters_by_kind_actor_and_day(client: TestClient, world: World, people: dict) -> None:  # type: ignore[type-arg]
    url = world.services.settings.database_url
    an = user_id(url, people["an"]["phone"])
    post(client, f"/organiser/participants/{an}/disable", reason="Thử")
    staff_id = rows(url, "SELECT id FROM users WHERE username = 'btc'")[0][0]
    accounts = client.get("/organiser/log", params={"kind": "account.", "actor": staff_id, "from": "27/11/2026"})
    assert "Khoá tài khoản «Nguyễn Văn An»: Thử" in text(accounts.text)
    for params in ({"kind": "bank."}, {"actor": staff_id + 1}, {"to": "26/11/2026"}, {"from": "2026-11-28"}):
        assert "Khoá tài khoản" not in client.get("/organiser/log", params=params).text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "31/02/2026"}, "from", "Từ ngày: nhập ngày dạng 31/12/2026."),
        ({"to": "hôm qua"}, "to", "Đến ngày: nhập ngày dạng 31/12/2026."),
        ({"kind": "xoá"}, "kind", "Chọn một loại thao tác trong danh sách."),
    ],
)
def test_log_bad_filter_is_422_beside_the_field(
    client: TestClient,
    people: dict,
    params: dict[str, str],
    field: str,
    message: str,  # type: ignore[type-arg]
) -> None:
    response = client.get("/organiser/log", params=params)
    assert response.status_code == 422
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in response.text


def test_participant_and_log_pages_in_english_have_no_vietnamese_but_data(client: TestClient, world: World) -> None:
    fields = register(client, world)
    client.cookies.clear()
    sign_in_staff(client, world)
    client.get("/lang/en?next=/", follow_redirects=False)
    an = user_id(world.services.settings.database_url, fields["phone"])
    pages = {path: client.get(path).text for path in ("/organiser/participants", f"/organiser/participants/{an}")}
    pages["disable (errors)"] = post(client, f"/organiser/participants/{an}/disable").text
    post(client, f"/organiser/participants/{an}/disable", reason="Thử")
    pages["disabled"] = client.get(f"/organiser/participants/{an}").text
    pages["log"] = client.get("/organiser/log").text
    pages["log (errors)"] = client.get("/organiser/log", params={"from": "x", "kind": "y"}).text
    data = [*data_strings(), fields["email"]]
    found = {path: texts for path, html in pages.items() if (texts := vietnamese_texts(html, data))}
    assert found == {}
    assert "1 participants match." in pages["/organiser/participants"]

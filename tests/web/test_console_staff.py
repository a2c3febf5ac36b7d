"""Staff accounts in the console (admins only): made with a password shown
once, disabled with a reason, re-enabled, a new role, a new password shown
once; each logged; staff sign-in limited per account and per address like
anyone's."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.conftest import World
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf


def admin(client: TestClient, world: World) -> TestClient:
    sign_in_staff(client, world, Role.ADMIN, "quantri")
    return client


def post(client: TestClient, path: str, **data: str) -> Any:
    token = csrf(client.get("/organiser/staff").text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def shown_password(html: str) -> str:
    found = re.search(r'<code class="whole" id="new-password">([^<]+)</code>', html)
    assert found, html
    return found.group(1)


def entries(client: TestClient, world: World, user_id: int) -> list[tuple[str, dict[str, Any]]]:
    log = client.portal.call(lambda: world.services.storage.audit.entries(subject=f"user:{user_id}"))  # type: ignore[union-attr]
    return [(e.action, e.details) for e in reversed(log)]


def make_organiser(client: TestClient) -> tuple[int, str]:
    response = post(client, "/organiser/staff", username="btc.tinh", full_name="Trần Thị Bình", role="organiser")
    assert (response.status_code, response.headers["location"]) == (303, "/organiser/staff"), response.text
    page = client.get("/organiser/staff")
    assert page.headers["cache-control"] == "no-store"
    user_id = int(re.findall(r'action="/organiser/staff/(\d+)/password"', page.text)[-1])
    return user_id, shown_password(page.text)


def sign_in(client: TestClient, login: str, password: str) -> int:
    client.cookies.clear()
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf(page.text), "login": login, "password": password}).status_code


def test_admin_makes_an_organiser_whose_password_is_shown_once(client: TestClient, world: World) -> None:
    admin(client, world)
    user_id, password = make_organiser(client)
    assert 'id="new-password"' not in client.get("/organiser/staff").text
    assert entries(client, world, user_id) == [
        ("account.create", {"name": "btc.tinh", "full_name": "Trần Thị Bình", "after": {"role": "organiser"}})
    ]
    assert sign_in(client, "btc.tinh", password) == 200
    assert client.get("/organiser/contests/new").status_code == 200


def test_new_staff_with_wrong_fields_is_refused_beside_each(client: TestClient, world: World) -> None:
    admin(client, world)
    response = post(client, "/organiser/staff", username="09 12", full_name="", role="participant")
    assert response.status_code == 422
    for name in ("username", "full_name", "role"):
        assert f'id="{name}-error"' in response.text
    taken = post(client, "/organiser/staff", username="quantri", full_name="Ai đó", role="judge")
    assert '<p class="field-error" id="username-error">Tên đăng nhập này đã có.</p>' in taken.text


def test_admin_disables_with_a_reason_and_the_account_cannot_sign_in(client: TestClient, world: World) -> None:
    admin(client, world)
    user_id, password = make_organiser(client)
    empty = post(client, f"/organiser/staff/{user_id}/disable", reason=" ")
    assert empty.status_code == 422
    assert f'id="reason-{user_id}-error">Vui lòng ghi lý do khoá tài khoản' in empty.text
    done = post(client, f"/organiser/staff/{user_id}/disable", reason="Chuyển công tác")
    assert (done.status_code, done.headers["location"]) == (303, "/organiser/staff?notice=disable")
    assert entries(client, world, user_id)[-1] == (
        "account.disable",
        {"name": "btc.tinh", "reason": "Chuyển công tác", "before": {"disabled": False}, "after": {"disabled": True}},
    )
    assert sign_in(client, "btc.tinh", password) == 401
    admin_again = sign_in(client, "quantri", "mật-khẩu-an-toàn")
    assert admin_again == 200
    assert post(client, f"/organiser/staff/{user_id}/enable").status_code == 303
    assert sign_in(client, "btc.tinh", password) == 200


def test_admin_changes_a_role_and_resets_a_password_shown_once(client: TestClient, world: World) -> None:
    admin(client, world)
    user_id, old = make_organiser(client)
    assert post(client, f"/organiser/staff/{user_id}/role", role="judge").status_code == 303
    reset = post(client, f"/organiser/staff/{user_id}/password")
    assert (reset.status_code, reset.headers["location"]) == (303, "/organiser/staff")
    new = shown_password(client.get("/organiser/staff").text)
    assert 'id="new-password"' not in client.get("/organiser/staff").text  # a refresh shows and sets nothing
    assert [action for action, _ in entries(client, world, user_id)] == [
        "account.create",
        "account.role",
        "account.password",
    ]
    assert sign_in(client, "btc.tinh", old) == 401
    assert sign_in(client, "btc.tinh", new) == 200
    assert client.get("/organiser/contests").status_code == 403  # a judge now


def test_admin_cannot_change_their_own_account(client: TestClient, world: World) -> None:
    admin(client, world)
    me = client.portal.call(lambda: world.services.storage.accounts.for_login("quantri"))  # type: ignore[union-attr]
    response = post(client, f"/organiser/staff/{me[0].id}/role", role="judge")
    assert response.status_code == 409
    assert "Bạn không thể khoá, đổi vai trò hay đặt mật khẩu cho chính tài khoản của mình ở đây." in response.text


def test_staff_pages_are_for_admins_only(client: TestClient, world: World) -> None:
    sign_in_staff(client, world, Role.ORGANISER, "btc")
    assert client.get("/organiser/staff").status_code == 403


def test_staff_sign_in_is_limited_per_account_and_address(client: TestClient, world: World) -> None:
    admin(client, world)
    make_organiser(client)
    statuses = [sign_in(client, "btc.tinh", "sai-mật-khẩu") for _ in range(6)]
    assert statuses == [401, 401, 401, 401, 401, 429]

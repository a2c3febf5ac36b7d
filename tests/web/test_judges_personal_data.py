"""Personal data in the judges' console: a judge never sees a participant's
phone, email, CCCD or birth year on the review ranking, on the participants
console, or on an attempt they open unless that attempt is flagged; an
admin (who may see personal data) sees it on any attempt."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.backends import rows
from tests.conftest import PASSWORD, World, registration
from tests.web.test_organiser import sign_in_staff
from tests.web.test_round_phases import move, staff_user


def take_part(client: TestClient, world: World, n: int) -> tuple[dict[str, Any], int]:
    """A participant (registered through the API) who submits the open round."""
    fields = registration(
        world,
        phone=f"0977{n:06d}",
        email=f"rieng{n}@example.vn",
        cccd=f"0820{80 + n:02d}977{n:03d}",
        birth_year=1980 + n,
    )
    assert client.post("/api/v1/register", json=fields).status_code == 201
    token = client.post("/api/v1/token", json={"login": fields["phone"], "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    attempt: int = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()["id"]
    assert client.post(f"/api/v1/attempts/{attempt}/submit", json={"prediction": 1}, headers=headers).status_code == 200
    return fields, attempt


def personal(fields: dict[str, Any]) -> list[str]:
    return [fields["phone"], fields["email"], fields["cccd"], f"<dd>{fields['birth_year']}</dd>"]


def test_judge_sees_personal_data_only_on_a_flagged_attempt(client: TestClient, world: World) -> None:
    alone, alone_attempt = take_part(client, world, 1)
    shared, shared_attempt = take_part(client, world, 2)
    take_part(client, world, 3)  # started from the same address as 2: both flagged
    rows(
        world.services.settings.database_url,
        "UPDATE attempts SET client_address = '203.0.113.9' WHERE id = ?",
        (alone_attempt,),
    )
    world.clock.advance(days=8)
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    move(client, world, judge, world.open_round, "under_review")

    ranking = client.get(f"/judging/rounds/{world.open_round}")
    assert ranking.status_code == 200
    assert f'href="/judging/attempts/{alone_attempt}"' in ranking.text
    for fields in (alone, shared):
        assert not any(value in ranking.text for value in personal(fields))

    plain = client.get(f"/judging/attempts/{alone_attempt}").text
    assert "Thông tin cá nhân của thí sinh chỉ hiện khi bài thi có cảnh báo." in plain
    assert not any(value in plain for value in personal(alone))
    flagged = client.get(f"/judging/attempts/{shared_attempt}").text
    assert "Cùng địa chỉ mạng với 1 tài khoản khác" in flagged
    assert all(value in flagged for value in personal(shared))
    client.get("/lang/en?next=/", follow_redirects=False)  # a flag reads in the page's language
    english = client.get(f"/judging/attempts/{shared_attempt}").text
    assert "Same network address as 1 other accounts within 10 minutes." in english
    assert "<h1>Attempt 1</h1>" in english
    client.get("/lang/vi?next=/", follow_redirects=False)
    assert client.get("/organiser/participants").status_code == 403

    client.cookies.clear()
    sign_in_staff(client, world, Role.ADMIN, "quantri")
    admin_view = client.get(f"/judging/attempts/{alone_attempt}").text
    assert all(value in admin_view for value in personal(alone))


def test_judge_attempt_page_of_no_attempt_is_404(client: TestClient, world: World) -> None:
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    assert client.get("/judging/attempts/999").status_code == 404

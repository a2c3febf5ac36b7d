"""A participant changes the area and unit they gave for a contest, on the
account page and through ``PATCH /api/v1/me/contests/{id}``, only while they
have no attempt in it (``Profiles.change_joined``): values checked against
the contest's lists, a contest not joined is 404, and a round kept to some
units follows the new unit."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import World, registration
from tests.web.test_account import post
from tests.web.test_eligibility import listed_contest
from tests.web.test_pages import register, start_round

LOCKED = "Bạn đã làm bài trong cuộc thi này nên không thể tự đổi nơi cư trú và đơn vị công tác"


def test_api_changes_area_and_unit_until_an_attempt_and_eligibility_follows(client: TestClient, world: World) -> None:
    contest, unit_round, _area_round = listed_contest(client, world)
    fields = registration(world, area=contest.areas[1].id, unit="Công an tỉnh")
    assert client.post("/api/v1/register", json=fields).status_code == 201
    token = client.post("/api/v1/token", json={"login": fields["phone"], "password": fields["password"]}).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    path = f"/api/v1/me/contests/{contest.id}"
    assert client.post(f"/api/v1/rounds/{unit_round}/attempts", headers=auth).status_code == 403

    wrong = client.patch(path, headers=auth, json={"area_id": 999_999, "unit_id": 999_999})
    assert (wrong.status_code, sorted(wrong.json()["errors"])) == (422, ["area_id", "unit_id"])
    unknown = client.patch(path, headers=auth, json={"unit": "Sở Tư Pháp tỉnh"})
    assert (unknown.status_code, list(unknown.json()["errors"])) == (422, ["unit"])
    other = client.patch(f"/api/v1/me/contests/{world.contest_id}", headers=auth, json={"area_id": 1})
    assert other.status_code == 404

    changed = client.patch(path, headers=auth, json={"unit_id": contest.units[0].id})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"contest_id": contest.id, "area_id": contest.areas[1].id, "unit": "Sở Tư pháp"}
    mine = client.get("/api/v1/me", headers=auth).json()["contests"]
    assert mine == [{"contest_id": contest.id, "area_id": contest.areas[1].id, "unit": "Sở Tư pháp"}]
    assert client.post(f"/api/v1/rounds/{unit_round}/attempts", headers=auth).status_code == 201

    refused = client.patch(path, headers=auth, json={"area": contest.areas[0].id})
    assert refused.status_code == 409 and LOCKED in refused.json()["message"]
    assert client.get("/api/v1/me", headers=auth).json()["contests"][0]["area_id"] == contest.areas[1].id


def test_account_page_changes_the_area_then_shows_it_read_only(client: TestClient, world: World) -> None:
    register(client, world)
    areas = [a["id"] for a in client.get(f"/api/v1/contests/{world.contest_id}/areas").json()]
    page = client.get("/me/account").text
    assert f'<label for="area-{world.contest_id}">' in page

    status, html = post(client, f"/me/account/contests/{world.contest_id}", area="999999")
    assert status == 422
    assert f'<p class="field-error" id="area-{world.contest_id}-error">Vui lòng chọn nơi cư trú' in html
    status, _html = post(client, f"/me/account/contests/{world.contest_id}", area=str(areas[-1]), unit="Trường THPT")
    assert status == 303
    page = client.get("/me/account?notice=joined").text
    assert "Đã lưu nơi cư trú và đơn vị công tác." in page
    assert f'<option value="{areas[-1]}" selected>' in page and 'value="Trường THPT"' in page

    start_round(client, world.open_round)
    status, html = post(client, f"/me/account/contests/{world.contest_id}", area=str(areas[0]))
    assert status == 409 and LOCKED in html
    page = client.get("/me/account").text
    assert LOCKED in page and f'id="area-{world.contest_id}" name="area"' not in page

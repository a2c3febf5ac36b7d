"""Who may enter a round, through the web layer: participants pick their
area and unit from the contest's lists (page and API); a round kept to some
units or areas, and a final open to those who qualified from an earlier
round's final results, refuse everyone else with the reason (the contest's
page, the no-JavaScript start, the API's 403); the console and the staff API
set the rule, refuse one that cannot work beside its field, and freeze it
once the round has attempts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from contest.domain.models import Contest, Eligibility, Role
from contest.services.contests import create_contest, create_round
from tests.conftest import PASSWORD, RULES, World, registration
from tests.web.test_leaderboards import take
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf
from tests.web.test_round_phases import move, staff_user
from tests.web.test_staff_api import log, staff_bearer

DAY = timedelta(days=1)
AREAS = ["Tỉnh Đồng Tháp > Xã Tân Phước", "Tỉnh Đồng Tháp > Phường Mỹ Tho", "Xã Mới"]
UNITS = [("Sở Tư pháp", 120), ("Công an tỉnh", None)]
OPEN = {"eligible_units": [], "eligible_areas": [], "qualify_from": [], "qualify_top": None, "qualify_min_score": None}


def listed_contest(client: TestClient, world: World) -> tuple[Contest, int, int]:
    """A contest with a two-level area list and a unit list (the current one:
    it started last), a round for the first unit and one for the second area."""
    storage, now = world.services.storage, world.clock.now()

    async def make() -> tuple[Contest, int, int]:
        contest = await create_contest(
            storage,
            slug="co-danh-sach",
            title="Cuộc thi có danh sách",
            starts_at=now - DAY,
            ends_at=now + 30 * DAY,
            areas=AREAS,
            units=UNITS,
            now=now,
        )

        async def round_(title: str, rule: Eligibility) -> int:
            rules = replace(RULES, eligibility=rule)
            return await create_round(
                storage,
                contest=contest,
                title=title,
                opens_at=now - DAY,
                closes_at=now + 20 * DAY,
                rules=rules,
                bank_id=world.bank_id,
            )

        units = await round_("Vòng khối sở", Eligibility(units=frozenset({contest.units[0].id})))
        areas = await round_("Vòng phường", Eligibility(areas=frozenset({contest.areas[1].id})))
        return contest, units, areas

    made: tuple[Contest, int, int] = client.portal.call(make)  # type: ignore[union-attr]
    return made


def test_registration_page_offers_the_lists_and_keeps_the_unit_picked(client: TestClient, world: World) -> None:
    contest, unit_round, area_round = listed_contest(client, world)
    page = client.get("/contests/co-danh-sach/register").text
    assert '<optgroup label="Tỉnh Đồng Tháp">' in page and ">Xã Tân Phước</option>" in page
    assert '<select id="unit_id" name="unit_id"' in page and ">Công an tỉnh</option>" in page
    fields = registration(world, area=contest.areas[0].id, unit="", unit_id=contest.units[0].id)
    form = {k: ("on" if v is True else str(v)) for k, v in fields.items()}
    sent = client.post("/contests/co-danh-sach/register", data={**form, "csrf_token": csrf(page)})
    assert (
        sent.status_code == 200
        and "Vòng này dành cho thí sinh cư trú tại: «Tỉnh Đồng Tháp &gt; Phường Mỹ Tho»." in sent.text
    )
    assert "Dành cho thí sinh thuộc các đơn vị: «Sở Tư pháp»." in sent.text  # each restricted round says for whom
    token = csrf(sent.text)
    started = client.post(f"/rounds/{unit_round}/start", data={"csrf_token": token}, follow_redirects=False)
    assert started.status_code == 303 and "/attempts/" in started.headers["location"]
    refused = client.post(f"/rounds/{area_round}/start", data={"csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 403
    assert "Vòng này dành cho thí sinh cư trú tại: «Tỉnh Đồng Tháp &gt; Phường Mỹ Tho»." in refused.text


def test_registration_page_refuses_a_unit_not_in_the_list(client: TestClient, world: World) -> None:
    contest, _, _ = listed_contest(client, world)
    page = client.get("/contests/co-danh-sach/register").text
    fields = registration(world, area=contest.areas[0].id, unit="", unit_id=999_999)
    form = {k: ("on" if v is True else str(v)) for k, v in fields.items()}
    sent = client.post("/contests/co-danh-sach/register", data={**form, "csrf_token": csrf(page)})
    assert sent.status_code == 422
    assert '<p class="field-error" id="unit_id-error">Vui lòng chọn đơn vị công tác trong danh sách.</p>' in sent.text


def test_api_registration_takes_the_unit_by_id_or_exact_name_and_start_says_why_not(
    client: TestClient, world: World
) -> None:
    contest, unit_round, area_round = listed_contest(client, world)
    units = client.get(f"/api/v1/contests/{contest.id}/units").json()
    assert units == [{"id": u.id, "name": u.name} for u in contest.units]
    area = contest.areas[1].id
    unknown = client.post("/api/v1/register", json=registration(world, area=area, unit="Sở Tư Pháp tỉnh"))
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {
        "unit": "Đơn vị công tác không có trong danh sách đơn vị của cuộc thi; vui lòng chọn trong danh sách."
    }
    wrong_id = client.post("/api/v1/register", json=registration(world, area=area, unit_id=contest.areas[0].id))
    assert wrong_id.status_code == 422 and set(wrong_id.json()["errors"]) == {"unit_id"}

    by_name = registration(world, area=area, unit="Công an tỉnh")
    assert client.post("/api/v1/register", json=by_name).status_code == 201
    token = client.post("/api/v1/token", json={"login": by_name["phone"], "password": by_name["password"]})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    listed = {r["id"]: r for r in client.get(f"/api/v1/contests/{contest.id}/rounds", headers=headers).json()}
    assert listed[unit_round]["eligibility"] == ["Dành cho thí sinh thuộc các đơn vị: «Sở Tư pháp»."]
    assert listed[unit_round]["refusal"] == {
        "code": "not_eligible_unit",
        "message": "Vòng này dành cho thí sinh thuộc các đơn vị: «Sở Tư pháp».",
    }
    assert listed[area_round]["refusal"] is None
    refused = client.post(f"/api/v1/rounds/{unit_round}/attempts", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_eligible_unit"
    assert refused.json()["message"] == "Vòng này dành cho thí sinh thuộc các đơn vị: «Sở Tư pháp»."
    assert client.post(f"/api/v1/rounds/{area_round}/attempts", headers=headers).status_code == 201


def test_a_contest_without_a_unit_list_keeps_the_typed_unit(client: TestClient, world: World) -> None:
    page = client.get("/register").text
    assert '<input id="unit" name="unit"' in page and "unit_id" not in page
    typed = registration(world, unit="Trường THCS Tân Phước")
    assert client.post("/api/v1/register", json=typed).status_code == 201


def final_body(world: World, **overrides: object) -> dict[str, object]:
    """A final of the seeded contest opening after its open round closes (in 7 days)."""
    now = world.clock.now()
    body: dict[str, object] = {
        "title": "Chung kết",
        "opens_at": (now + 7 * DAY + timedelta(hours=1)).isoformat(),
        "closes_at": (now + 13 * DAY).isoformat(),
        "duration_seconds": 600,
        "question_count": 5,
        "attempts_allowed": 1,
        "bank_id": world.bank_id,
        "qualify_from": [world.open_round],
        "qualify_top": 1,
    }
    body.update(overrides)
    return body


def test_final_admits_the_best_of_the_qualifying_round_once_its_results_are_final(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    an = api_user(full_name="Nguyễn Văn An")
    binh = api_user(full_name="Trần Thị Bình", phone="0987654321")
    take(client, world, an, right=5, prediction=1, seconds=100)
    take(client, world, binh, right=3, prediction=1, seconds=100)
    organiser = staff_bearer(client, world)
    made = client.post(f"/api/v1/staff/contests/{world.contest_id}/rounds", headers=organiser, json=final_body(world))
    assert made.status_code == 201, made.text
    final = made.json()["id"]

    world.clock.advance(days=7, hours=2)
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    client.cookies.clear()
    move(client, world, judge, world.open_round, "under_review")
    move(client, world, judge, world.open_round, "provisional", "Công bố")
    waiting = client.post(f"/api/v1/rounds/{final}/attempts", headers=an)
    assert (waiting.status_code, waiting.json()["error"]) == (403, "qualifying_not_final")
    assert waiting.json()["message"] == (
        "Vòng chung kết dành cho thí sinh đạt top 1 vòng «Vòng mở»; "
        "kết quả vòng «Vòng mở» chưa được công bố chính thức."
    )
    move(client, world, judge, world.open_round, "final", "Kết quả chính thức")
    refused = client.post(f"/api/v1/rounds/{final}/attempts", headers=binh)
    assert (refused.status_code, refused.json()["error"]) == (403, "not_qualified")
    assert refused.json()["message"] == "Bạn xếp hạng 2 ở vòng «Vòng mở»; cần xếp trong top 1."
    client.cookies.clear()
    login = client.get("/login").text
    client.post("/login", data={"csrf_token": csrf(login), "login": "0987654321", "password": PASSWORD})
    home = client.get("/").text  # the one contest open: its page, each round with why not
    assert "Bạn xếp hạng 2 ở vòng «Vòng mở»; cần xếp trong top 1." in home
    assert f'action="/rounds/{final}/start"' not in home
    page = client.post(f"/rounds/{final}/start", data={"csrf_token": csrf(home)}, follow_redirects=False)
    assert page.status_code == 403 and "Bạn xếp hạng 2 ở vòng «Vòng mở»; cần xếp trong top 1." in page.text
    assert client.post(f"/api/v1/rounds/{final}/attempts", headers=an).status_code == 201
    later = {"closes_at": (world.clock.now() + 6 * DAY).isoformat()}
    moved = client.patch(f"/api/v1/staff/rounds/{world.open_round}", headers=organiser, json=later)
    assert (moved.status_code, moved.json()["errors"]) == (
        422,
        {"closes_at": "Vòng «Chung kết» xét vào từ kết quả vòng này nên vòng này phải đóng trước khi chúng mở."},
    )

    client.cookies.clear()
    login = client.get("/login").text
    client.post("/login", data={"csrf_token": csrf(login), "login": "btc", "password": PASSWORD})
    page = client.get(f"/organiser/rounds/{final}").text
    assert "Vòng chung kết dành cho thí sinh đạt top 1 vòng «Vòng mở» (theo kết quả chính thức)." in page
    assert re.search(r'<dd id="qualified">1</dd>', page)


def test_final_by_score_tells_the_score_needed(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    chi = api_user(full_name="Lê Văn Chi")
    take(client, world, chi, right=3, prediction=1, seconds=100)
    organiser = staff_bearer(client, world)
    body = final_body(world, qualify_top=None, qualify_min_score=4)
    final = client.post(f"/api/v1/staff/contests/{world.contest_id}/rounds", headers=organiser, json=body).json()["id"]
    world.clock.advance(days=7, hours=2)
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    client.cookies.clear()
    for phase in ("under_review", "provisional", "final"):
        move(client, world, judge, world.open_round, phase, "Công bố")
    refused = client.post(f"/api/v1/rounds/{final}/attempts", headers=chi)
    assert refused.status_code == 403
    assert refused.json()["message"] == "Bạn đạt 3/5 điểm ở vòng «Vòng mở»; cần từ 4 điểm."


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"qualify_top": None},
            {"qualify_top": "Nhập số thí sinh đứng đầu mỗi vòng được vào (từ 1) hoặc điểm tối thiểu."},
        ),
        ({"qualify_top": 0}, {"qualify_top": "Số thí sinh đứng đầu mỗi vòng cần là một số nguyên từ 1 đến 1.000.000."}),
        (
            {"qualify_top": None, "qualify_min_score": 6},
            {"qualify_min_score": "Điểm tối thiểu từ 0 đến 5 (số câu của vòng xét vào)."},
        ),
        ("upcoming", {"qualify_from": "Vòng xét vào phải đóng trước khi vòng này mở: «Vòng sắp mở»."}),
        ({"eligible_units": [1]}, {"eligible_units": "Chọn đơn vị trong danh sách đơn vị của cuộc thi."}),
        (
            {"qualify_from": [], "eligible_areas": "Mỹ Tho"},
            {"eligible_areas": "Mục này cần là một danh sách […]."},
        ),
    ],
)
def test_staff_api_refuses_a_rule_that_cannot_work(
    client: TestClient, world: World, overrides: object, errors: dict[str, str]
) -> None:
    organiser = staff_bearer(client, world)
    body = final_body(world, qualify_from=[world.upcoming_round]) if overrides == "upcoming" else final_body(world)
    if isinstance(overrides, dict):
        body.update(overrides)
    refused = client.post(f"/api/v1/staff/contests/{world.contest_id}/rounds", headers=organiser, json=body)
    assert refused.status_code == 422
    assert refused.json()["errors"] == errors


def test_eligibility_is_fixed_once_the_round_has_attempts(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    take(client, world, api_user(), right=1, prediction=1, seconds=10)
    organiser = staff_bearer(client, world)
    change = {"eligible_areas": [world.area_ids[0]]}
    refused = client.patch(f"/api/v1/staff/rounds/{world.open_round}", headers=organiser, json=change)
    assert refused.status_code == 409
    assert "điều kiện tham gia" in refused.json()["message"]
    free = client.patch(f"/api/v1/staff/rounds/{world.upcoming_round}", headers=organiser, json=change)
    assert free.status_code == 200, free.text
    assert log(client, world, f"round:{world.upcoming_round}") == [
        (
            "round.update",
            {
                "before": {"eligibility": {**OPEN, "eligible_areas": []}},
                "after": {"eligibility": {**OPEN, "eligible_areas": [world.area_ids[0]]}},
            },
        )
    ]


def test_console_round_form_sets_who_may_enter_and_says_what_is_wrong(client: TestClient, world: World) -> None:
    sign_in_staff(client, world)
    url = f"/organiser/rounds/{world.upcoming_round}/edit"
    form = client.get(url).text
    assert 'name="open_to" value="everyone" checked' in form and 'name="qualify_from"' in form
    base = {"csrf_token": csrf(form), "title": "Vòng sắp mở"}
    refused = client.post(url, data={**base, "open_to": "areas", "qualify_by": "top", "qualify_top": "3"})
    assert refused.status_code == 422
    assert '<p class="field-error" id="eligible_areas-error">Chọn ít nhất một nơi cư trú.</p>' in refused.text
    assert '<p class="field-error" id="qualify_from-error">Chọn các vòng xét vào.</p>' in refused.text
    data = {
        **base,
        "open_to": "areas",
        "eligible_areas": [str(world.area_ids[1])],
        "qualify_by": "top",
        "qualify_from": [str(world.closed_round)],
        "qualify_top": "3",
    }
    saved = client.post(url, data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = client.get(f"/organiser/rounds/{world.upcoming_round}").text
    assert "Dành cho thí sinh cư trú tại: «Huyện Cái Bè»." in page
    assert "đạt top 3 vòng «Vòng đã đóng»" in page and '<dd id="qualified">0</dd>' in page
    again = client.get(url).text
    assert f'name="eligible_areas" value="{world.area_ids[1]}" checked' in again
    assert 'name="qualify_by" value="top" checked' in again


def test_joining_another_contest_picks_the_unit_from_its_list(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    headers = api_user()  # registered under the seeded contest, which lists no units
    contest, unit_round, _ = listed_contest(client, world)
    url = f"/api/v1/contests/{contest.id}/join"
    refused = client.post(url, headers=headers, json={"area": contest.areas[2].id, "unit_id": 999_999})
    assert (refused.status_code, refused.json()["errors"]) == (
        422,
        {"unit_id": "Vui lòng chọn đơn vị công tác trong danh sách."},
    )
    joined = client.post(url, headers=headers, json={"area": contest.areas[2].id, "unit_id": contest.units[0].id})
    assert (joined.status_code, joined.json()["unit"]) == (201, "Sở Tư pháp")
    assert client.post(f"/api/v1/rounds/{unit_round}/attempts", headers=headers).status_code == 201

"""Collective prizes: a contest chooses what they go by (the most
participants by default, or the participation rate where units have a
headcount); the public page and API answer 404 until the round's results are
published (the whole contest's: until every round's are); staff see them at
any time and organisers download them as xlsx."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
from starlette.testclient import TestClient

from contest.domain.models import CollectiveBy, Role
from tests.backends import rows
from tests.conftest import World
from tests.web.test_judges_pages import sign_in
from tests.web.test_leaderboards import take
from tests.web.test_organiser import sign_in_staff
from tests.web.test_round_phases import move, staff_user
from tests.web.test_staff_api import CONTEST, staff_bearer

Headers = dict[str, str]
JUSTICE = "Sở Tư pháp"
INFORMATION = "Sở Thông tin và Truyền thông"


def test_contest_chooses_what_collective_prizes_go_by(client: TestClient, world: World) -> None:
    bearer = staff_bearer(client, world)
    made = client.post("/api/v1/staff/contests", json={**CONTEST, "collective_by": "rate"}, headers=bearer)
    assert made.status_code == 201, made.text
    contest = client.portal.call(world.services.catalog.contest, made.json()["id"])
    assert contest.collective_by is CollectiveBy.RATE
    wrong = {**CONTEST, "slug": "khac", "collective_by": "nhieu-nhat"}
    refused = client.post("/api/v1/staff/contests", json=wrong, headers=bearer)
    assert refused.status_code == 422
    assert refused.json()["errors"]["collective_by"].startswith("Chọn một trong: participants (Nhiều thí sinh")
    sign_in(client, "btc")
    form = client.get(f"/organiser/contests/{world.contest_id}/edit")
    assert 'name="collective_by" value="participants" checked' in form.text


def test_collective_prizes_published_with_the_round_by_participants_then_by_rate(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    for unit in (JUSTICE, INFORMATION, INFORMATION):
        take(client, world, api_user(unit=unit), right=3, prediction=1, seconds=60)
    world.clock.advance(days=8)
    slug = client.portal.call(world.services.catalog.contest, world.contest_id).slug
    api = f"/api/v1/contests/{slug}/collective-prizes"
    assert client.get(api, params={"round": world.open_round}).status_code == 404
    assert client.get(f"/contests/{slug}/collective-prizes?round={world.open_round}").status_code == 404

    sign_in_staff(client, world, Role.ORGANISER, "btc")
    staff = f"/organiser/contests/{world.contest_id}/collective-prizes?round={world.open_round}"
    shown = client.get(staff)
    assert shown.status_code == 200 and "Nhiều thí sinh tham gia nhất" in shown.text
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    move(client, world, judge, world.open_round, "under_review")
    move(client, world, judge, world.open_round, "provisional")

    client.cookies.clear()
    published = client.get(api, params={"round": world.open_round})
    assert published.status_code == 200, published.text
    assert published.json() == {
        "contest_id": world.contest_id,
        "round_id": world.open_round,
        "by": "participants",
        "units": [
            {"rank": 1, "name": INFORMATION, "participants": 2, "headcount": None, "rate": None},
            {"rank": 2, "name": JUSTICE, "participants": 1, "headcount": None, "rate": None},
        ],
        "areas": [{"rank": 1, "name": "Thành phố Mỹ Tho", "participants": 3, "headcount": None, "rate": None}],
    }
    page = client.get(f"/contests/{slug}/collective-prizes?round={world.open_round}")
    assert page.status_code == 200 and page.text.index(INFORMATION) < page.text.index(JUSTICE)
    assert (
        f'href="/contests/{slug}/collective-prizes?round={world.open_round}"'
        in client.get(f"/rounds/{world.open_round}/leaderboard").text
    )
    assert client.get(api).status_code == 404  # the whole contest: not every round is published
    assert client.get(api, params={"round": 999_999}).status_code == 404

    units = "INSERT INTO units (contest_id, name, headcount, position) VALUES (?, ?, ?, ?)"
    rows(settings.database_url, units, (world.contest_id, JUSTICE, 2, 0))
    rows(settings.database_url, units, (world.contest_id, INFORMATION, 10, 1))
    rows(settings.database_url, "UPDATE contests SET collective_by = 'rate' WHERE id = ?", (world.contest_id,))
    by_rate = client.get(api, params={"round": world.open_round}).json()
    assert by_rate["by"] == "rate"
    assert by_rate["units"] == [
        {"rank": 1, "name": JUSTICE, "participants": 1, "headcount": 2, "rate": 50.0},
        {"rank": 2, "name": INFORMATION, "participants": 2, "headcount": 10, "rate": 20.0},
    ]
    sign_in(client, "btc")
    book = openpyxl.load_workbook(io.BytesIO(client.get(staff.replace("prizes?", "prizes.xlsx?")).content))
    assert [[c.value for c in r] for r in book.active.iter_rows()] == [
        ["Xét theo", "Hạng", "Tên", "Thí sinh", "Số người của đơn vị", "Tỉ lệ tham gia (%)"],
        ["Đơn vị: Tỉ lệ tham gia cao nhất", 1, JUSTICE, 1, 2, 50],
        ["Đơn vị: Tỉ lệ tham gia cao nhất", 2, INFORMATION, 2, 10, 20],
        ["Nơi cư trú", 1, "Thành phố Mỹ Tho", 3, None, None],
    ]

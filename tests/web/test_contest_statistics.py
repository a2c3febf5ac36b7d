"""A contest's statistics over all its rounds: each participant counted once
a day, once in their area and unit, however many rounds they took; units
with a headcount get a participation rate; the console page charts each
figure beside its table, linked from the contest's console page; the staff
API gives the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from contest.domain.models import Role
from contest.services.contests import create_contest, create_round
from tests.conftest import RULES, World
from tests.web.test_organiser import sign_in_staff
from tests.web.test_statistics import staff_bearer


def two_round_contest(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> tuple[int, dict[str, str]]:
    """A contest of two open rounds: participant 1 takes both, 2 the first, 3 the second."""
    now = world.clock.now()
    storage = world.services.storage

    async def make() -> tuple[int, list[int], list[int]]:
        contest = await create_contest(
            storage,
            slug="ca-cuoc-thi",
            title="Cuộc thi hai vòng",
            privacy_notice="Thông báo.",
            starts_at=now - timedelta(days=2),
            ends_at=now + timedelta(days=5),
            areas=["Xã Tân Mỹ Chánh", "Phường 1"],
            units=[("Sở Tư pháp", 4), ("Sở Y tế", None)],
            now=now,
        )
        rounds = [
            await create_round(
                storage,
                contest=contest,
                title=title,
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=2),
                rules=RULES,
                bank_id=world.bank_id,
            )
            for title in ("Vòng 1", "Vòng 2")
        ]
        return contest.id, [a.id for a in contest.areas], rounds

    contest_id, areas, rounds = client.portal.call(make)
    world.clock.advance(seconds=5)  # the catalog sees the new contest
    people = [
        (api_user(unit="Sở Tư pháp", phone="0914000001", area=areas[0]), rounds),
        (api_user(unit="Sở Tư pháp", phone="0914000002", area=areas[0]), rounds[:1]),
        (api_user(unit="Sở Y tế", phone="0914000003", area=areas[1]), rounds[1:]),
    ]
    for bearer, taken in people:
        for round_id in taken:
            assert client.post(f"/api/v1/rounds/{round_id}/attempts", headers=bearer).status_code == 201
    return contest_id, staff_bearer(client, world, Role.ORGANISER, "btc")


def test_staff_contest_stats_count_each_participant_once_over_all_rounds(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    contest_id, staff = two_round_contest(client, world, api_user)
    response = client.get(f"/api/v1/staff/contests/{contest_id}/stats", headers=staff)
    assert response.status_code == 200, response.text
    body = response.json()
    today = world.clock.now().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    assert (body["contest_id"], body["title"], body["participants"]) == (contest_id, "Cuộc thi hai vòng", 3)
    assert body["participation"] == {
        "by_day": [{"date": today, "participants": 3}],
        "by_area": [{"name": "Xã Tân Mỹ Chánh", "participants": 2}, {"name": "Phường 1", "participants": 1}],
        "by_unit": [
            {"name": "Sở Tư pháp", "participants": 2, "headcount": 4, "rate": 0.5},
            {"name": "Sở Y tế", "participants": 1, "headcount": None, "rate": None},
        ],
    }
    assert client.get("/api/v1/staff/contests/999/stats", headers=staff).status_code == 404


def test_console_contest_stats_chart_each_figure_beside_its_table(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    contest_id, _ = two_round_contest(client, world, api_user)  # the client is signed in as the organiser
    assert f'href="/organiser/contests/{contest_id}/stats"' in client.get(f"/organiser/contests/{contest_id}").text
    page = client.get(f"/organiser/contests/{contest_id}/stats")
    assert page.status_code == 200, page.text
    html = page.text
    assert html.count('<svg class="chart"') == 3  # days, areas, units
    assert '<dd id="participants">3</dd>' in html
    assert '<td data-label="Tỉ lệ tham gia">50,0 %</td>' in html
    assert "/participants/xlsx" in html  # organisers may download the participants
    client.cookies.clear()
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    judged = client.get(f"/organiser/contests/{contest_id}/stats").text
    assert '<dd id="participants">3</dd>' in judged and "/participants/xlsx" not in judged

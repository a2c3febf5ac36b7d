"""Many contests on one site: the home page, each contest's page, registering
under a contest, joining another one (pages without JavaScript, and the API),
and past contests that stay readable with their rounds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from contest.domain.models import Contest, Participation
from contest.services.contests import create_contest, create_round
from tests.conftest import RULES, World, registration
from tests.web.test_pages import csrf

DAY = timedelta(days=1)
OTHER_AREAS = ["Phường Một (cuộc thi thứ hai)", "Xã Tân Mỹ Chánh (cuộc thi thứ hai)"]


@dataclass(frozen=True)
class Added:
    contest: Contest
    round_id: int

    @property
    def area_ids(self) -> list[int]:
        return [a.id for a in self.contest.areas]


def add_contest(
    client: TestClient,
    world: World,
    slug: str,
    *,
    starts: timedelta = -DAY,
    ends: timedelta = 30 * DAY,
    rules: str | None = None,
) -> Added:
    """Another contest on the site, from ``now + starts`` to ``now + ends``,
    with its own areas, ``rules`` (else a sentence naming it) and one round
    as long as the contest."""
    storage, now = world.services.storage, world.clock.now()

    async def make() -> Added:
        contest = await create_contest(
            storage,
            slug=slug,
            title=f"Cuộc thi {slug}",
            rules=f"Thể lệ riêng của cuộc thi {slug}." if rules is None else rules,
            privacy_notice="Dữ liệu được xóa sau 06 tháng.",
            starts_at=now + starts,
            ends_at=now + ends,
            areas=OTHER_AREAS,
            now=now,
        )
        round_id = await create_round(
            storage,
            contest=contest,
            title=f"Vòng một của {slug}",
            opens_at=contest.starts_at,
            closes_at=contest.ends_at,
            rules=RULES,
            bank_id=world.bank_id,
        )
        return Added(contest, round_id)

    added: Added = client.portal.call(make)  # type: ignore[union-attr]
    return added


def participations(client: TestClient, world: World, phone: str) -> dict[int, Participation]:
    async def read() -> dict[int, Participation]:
        found = await world.services.storage.accounts.for_login(phone)
        assert found is not None
        return {p.contest_id: p for p in await world.services.storage.participations.of_user(found[0].id)}

    result: dict[int, Participation] = client.portal.call(read)  # type: ignore[union-attr]
    return result


def register_under(client: TestClient, world: World, slug: str, **overrides: object) -> dict[str, object]:
    fields = registration(world, **overrides)
    form = {k: ("on" if v is True else str(v)) for k, v in fields.items()}
    token = csrf(client.get(f"/contests/{slug}/register").text)
    response = client.post(f"/contests/{slug}/register", data={**form, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/contests/{slug}?registered=1"
    return fields


def test_home_lists_open_and_upcoming_contests_and_links_past_ones(client: TestClient, world: World) -> None:
    add_contest(client, world, "thu-hai")
    add_contest(client, world, "sap-toi", starts=10 * DAY, ends=40 * DAY)
    add_contest(client, world, "nam-ngoai", starts=-400 * DAY, ends=-300 * DAY)
    html = client.get("/").text
    assert "<h1>Các cuộc thi</h1>" in html
    open_part, others = html.split("Các cuộc thi khác")
    assert open_part.index('href="/contests/thu-hai"') < open_part.index('href="/contests/thu"')  # latest first
    assert 'href="/contests/sap-toi"' in others and "Sắp diễn ra" in others
    past = others.split("Các cuộc thi đã kết thúc")[1]
    assert '<a href="/contests/nam-ngoai">Cuộc thi nam-ngoai</a>' in past
    assert "Vòng mở" not in html  # rounds are on each contest's page


def test_home_with_one_open_contest_is_that_contest_and_links_the_others(client: TestClient, world: World) -> None:
    add_contest(client, world, "nam-ngoai", starts=-400 * DAY, ends=-300 * DAY)
    html = client.get("/").text
    assert "Cuộc thi thử" in html and "Thể lệ cuộc thi." in html and "Vòng mở" in html
    assert '<a href="/contests/nam-ngoai">Cuộc thi nam-ngoai</a>' in html.split("Các cuộc thi khác")[1]


def test_past_contest_stays_readable_with_its_rounds(client: TestClient, world: World) -> None:
    past = add_contest(client, world, "nam-ngoai", starts=-400 * DAY, ends=-300 * DAY)
    page = client.get("/contests/nam-ngoai")
    assert page.status_code == 200
    html = page.text
    assert "Vòng một của nam-ngoai" in html and "Thể lệ riêng của cuộc thi nam-ngoai." in html
    assert '<span class="badge closed">Đã kết thúc</span>' in html
    assert "/contests/nam-ngoai/register" not in html  # no registration for a contest that is over
    assert "23/10/2025 – 31/01/2026" in html  # its dates, dd/mm/yyyy in Vietnam time
    rounds = client.get(f"/api/v1/contests/{past.contest.id}/rounds").json()
    assert [(r["id"], r["status"]) for r in rounds] == [(past.round_id, "closed")]


def test_contest_without_rules_shows_no_empty_rules_heading(client: TestClient, world: World) -> None:
    add_contest(client, world, "chua-co-the-le", rules="")
    html = client.get("/contests/chua-co-the-le").text
    assert "<h2>Thể lệ</h2>" not in html and 'href="/contests/chua-co-the-le/privacy"' in html
    assert "<h2>Thể lệ</h2>" in client.get("/contests/thu").text


def test_unknown_contest_page_is_404(client: TestClient, world: World) -> None:
    assert client.get("/contests/khong-co").status_code == 404
    assert client.get("/contests/Khong_Co").status_code == 404  # not an address a contest can have


def test_one_account_joins_two_contests_with_areas_per_contest(client: TestClient, world: World) -> None:
    second = add_contest(client, world, "thu-hai")
    fields = register_under(client, world, "thu", area=world.area_ids[1], unit="Sở Tư pháp")
    page = client.get("/contests/thu-hai").text
    assert "chưa tham gia cuộc thi này" in page and 'href="/contests/thu-hai/join"' in page
    # Starting a round of the contest not joined leads to its "Tham gia cuộc thi" form.
    token = csrf(page)
    start = client.post(f"/rounds/{second.round_id}/start", data={"csrf_token": token}, follow_redirects=False)
    assert start.headers["location"] == "/contests/thu-hai/join"
    form = client.get("/contests/thu-hai/join").text
    assert "<h1>Tham gia cuộc thi</h1>" in form and OTHER_AREAS[0] in form and "Huyện Cái Bè" not in form
    # An area of the other contest is not one of this contest's.
    refused = client.post(
        "/contests/thu-hai/join", data={"area": str(world.area_ids[1]), "unit": "", "csrf_token": token}
    )
    assert refused.status_code == 422
    assert "Vui lòng chọn nơi cư trú trong danh sách." in refused.text and "autofocus" in refused.text
    joined = client.post(
        "/contests/thu-hai/join",
        data={"area": str(second.area_ids[1]), "unit": "UBND xã Tân Mỹ Chánh", "csrf_token": token},
        follow_redirects=False,
    )
    assert joined.headers["location"] == "/contests/thu-hai?joined=1"
    assert "Bạn đã tham gia cuộc thi và có thể vào thi." in client.get("/contests/thu-hai?joined=1").text
    assert client.get("/contests/thu-hai/join", follow_redirects=False).headers["location"] == "/contests/thu-hai"
    start = client.post(f"/rounds/{second.round_id}/start", data={"csrf_token": token}, follow_redirects=False)
    assert start.headers["location"].startswith("/attempts/")
    mine = participations(client, world, str(fields["phone"]))
    assert {c: (p.area_id, p.unit) for c, p in mine.items()} == {
        world.contest_id: (world.area_ids[1], "Sở Tư pháp"),
        second.contest.id: (second.area_ids[1], "UBND xã Tân Mỹ Chánh"),
    }


def test_registering_under_a_contest_takes_that_contests_areas(client: TestClient, world: World) -> None:
    second = add_contest(client, world, "thu-hai")
    form = client.get("/contests/thu-hai/register").text
    assert "Cuộc thi thu-hai" in form and 'action="/contests/thu-hai/register"' in form
    assert 'href="/contests/thu-hai/privacy"' in form and "Huyện Cái Bè" not in form
    typed = {k: ("on" if v is True else str(v)) for k, v in registration(world).items()}  # an area of "thu"
    refused = client.post("/contests/thu-hai/register", data={**typed, "csrf_token": csrf(form)})
    assert refused.status_code == 422 and "Vui lòng chọn nơi cư trú trong danh sách." in refused.text
    fields = register_under(client, world, "thu-hai", area=second.area_ids[0])
    assert list(participations(client, world, str(fields["phone"]))) == [second.contest.id]


def test_register_and_privacy_without_a_contest_mean_the_one_that_started_last(
    client: TestClient, world: World
) -> None:
    add_contest(client, world, "thu-hai")  # open, and started after "thu"
    assert "Cuộc thi thu-hai" in client.get("/register").text
    assert "Cuộc thi thu-hai" in client.get("/privacy").text
    assert [a["name"] for a in client.get("/api/v1/areas").json()] == OTHER_AREAS


def test_api_registers_under_the_contest_in_the_address(client: TestClient, world: World) -> None:
    second = add_contest(client, world, "thu-hai")  # now the one POST /api/v1/register means
    past = add_contest(client, world, "nam-ngoai", starts=-400 * DAY, ends=-300 * DAY)
    url = f"/api/v1/contests/{world.contest_id}/register"
    refused = client.post(url, json=registration(world, area=second.area_ids[0]))  # another contest's area
    assert (refused.status_code, set(refused.json()["errors"])) == (422, {"area"})
    fields = registration(world, area=world.area_ids[1])
    created = client.post(url, json=fields)
    assert created.status_code == 201, created.text
    assert list(participations(client, world, str(fields["phone"]))) == [world.contest_id]
    over = client.post(f"/api/v1/contests/{past.contest.id}/register", json=registration(world, area=past.area_ids[0]))
    assert (over.status_code, over.json()["error"]) == (409, "contest_over")
    assert client.post("/api/v1/contests/999/register", json=fields).status_code == 404


def test_api_lists_contests_with_their_status(client: TestClient, world: World) -> None:
    second = add_contest(client, world, "thu-hai")
    upcoming = add_contest(client, world, "sap-toi", starts=10 * DAY, ends=40 * DAY)
    past = add_contest(client, world, "nam-ngoai", starts=-400 * DAY, ends=-300 * DAY)
    listed = client.get("/api/v1/contests").json()
    assert [(c["id"], c["slug"], c["status"]) for c in listed] == [
        (second.contest.id, "thu-hai", "open"),
        (world.contest_id, "thu", "open"),
        (upcoming.contest.id, "sap-toi", "upcoming"),
        (past.contest.id, "nam-ngoai", "past"),
    ]
    assert listed[1] == {
        "id": world.contest_id,
        "slug": "thu",
        "title": "Cuộc thi thử",
        "starts_at": "2026-11-13T10:00:00+07:00",
        "ends_at": "2026-12-11T10:00:00+07:00",
        "status": "open",
    }


def test_api_rounds_are_those_of_the_contests_open_now(client: TestClient, world: World) -> None:
    second = add_contest(client, world, "thu-hai")
    upcoming = add_contest(client, world, "sap-toi", starts=10 * DAY, ends=40 * DAY)
    past = add_contest(client, world, "nam-ngoai", starts=-400 * DAY, ends=-300 * DAY)
    ids = {r["id"] for r in client.get("/api/v1/rounds").json()}
    assert ids == {world.open_round, world.upcoming_round, world.closed_round, second.round_id}
    by_contest = client.get(f"/api/v1/contests/{world.contest_id}/rounds").json()
    assert [r["id"] for r in by_contest] == [world.closed_round, world.open_round, world.upcoming_round]
    assert {r["contest_id"] for r in by_contest} == {world.contest_id}
    for added in (upcoming, past):
        assert [r["id"] for r in client.get(f"/api/v1/contests/{added.contest.id}/rounds").json()] == [added.round_id]
    assert client.get("/api/v1/contests/999/rounds").status_code == 404


def test_api_join_another_contest(client: TestClient, world: World, api_user: Callable[..., dict[str, str]]) -> None:
    headers = api_user()  # registered under "thu"
    second = add_contest(client, world, "thu-hai")
    areas = client.get(f"/api/v1/contests/{second.contest.id}/areas").json()
    assert [a["name"] for a in areas] == OTHER_AREAS
    start = client.post(f"/api/v1/rounds/{second.round_id}/attempts", headers=headers)
    assert start.status_code == 409
    assert start.json() == {
        "error": "not_joined",
        "message": "Bạn chưa tham gia cuộc thi «Cuộc thi thu-hai». Vui lòng chọn «Tham gia cuộc thi» và khai báo "
        "nơi cư trú, đơn vị công tác cho cuộc thi này trước khi vào thi.",
    }
    url = f"/api/v1/contests/{second.contest.id}/join"
    refused = client.post(url, headers=headers, json={"area": world.area_ids[0], "unit": "\u200bSở"})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"area", "unit"}
    joined = client.post(url, headers=headers, json={"area": second.area_ids[1], "unit": " Sở  Tư pháp "})
    assert (joined.status_code, joined.json()) == (
        201,
        {"contest_id": second.contest.id, "area": second.area_ids[1], "unit": "Sở Tư pháp"},
    )
    again = client.post(url, headers=headers, json={"area": second.area_ids[0]})
    assert (again.status_code, again.json()["error"]) == (409, "already_joined")
    assert client.post(f"/api/v1/rounds/{second.round_id}/attempts", headers=headers).status_code == 201
    assert client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).status_code == 201


def test_api_join_errors(client: TestClient, world: World, api_user: Callable[..., dict[str, str]]) -> None:
    headers = api_user()
    past = add_contest(client, world, "nam-ngoai", starts=-400 * DAY, ends=-300 * DAY)
    body = {"area": past.area_ids[0]}
    assert client.post(f"/api/v1/contests/{past.contest.id}/join", json=body).status_code == 401
    over = client.post(f"/api/v1/contests/{past.contest.id}/join", headers=headers, json=body)
    assert (over.status_code, over.json()["error"]) == (409, "contest_over")
    assert client.post("/api/v1/contests/999/join", headers=headers, json=body).status_code == 404
    assert client.post(f"/api/v1/contests/{world.contest_id}/join", headers=headers, content=b"[1]").status_code == 400


def test_my_attempts_names_each_rounds_contest_once_there_are_several(client: TestClient, world: World) -> None:
    register_under(client, world, "thu")
    assert "Cuộc thi:" not in client.get("/me/attempts").text
    second = add_contest(client, world, "thu-hai")
    add_contest(client, world, "khong-tham-gia")
    token = csrf(client.get("/contests/thu-hai/join").text)
    client.post("/contests/thu-hai/join", data={"area": str(second.area_ids[0]), "csrf_token": token})
    html = client.get("/me/attempts").text
    assert 'Cuộc thi: <a href="/contests/thu-hai">Cuộc thi thu-hai</a>' in html
    assert 'Cuộc thi: <a href="/contests/thu">Cuộc thi thử</a>' in html
    assert "khong-tham-gia" not in html  # rounds of contests not joined are not listed


def test_a_past_contest_takes_no_new_participants(client: TestClient, world: World) -> None:
    past = add_contest(client, world, "nam-ngoai", starts=-400 * DAY, ends=-300 * DAY)
    fields = {k: ("on" if v is True else str(v)) for k, v in registration(world, area=past.area_ids[0]).items()}
    token = csrf(client.get("/contests/nam-ngoai/register").text)
    refused = client.post("/contests/nam-ngoai/register", data={**fields, "csrf_token": token})
    assert refused.status_code == 409
    assert "Cuộc thi đã kết thúc, không nhận thêm người tham gia." in refused.text
    assert participations_count(client, world, past.contest.id) == 0


def participations_count(client: TestClient, world: World, contest_id: int) -> int:
    async def count() -> int:
        def fn(conn: Any) -> int:
            return int(
                conn.execute("SELECT COUNT(*) FROM participations WHERE contest_id = ?", (contest_id,)).fetchone()[0]
            )

        return await world.services.storage.db.read(fn)

    result: int = client.portal.call(count)  # type: ignore[union-attr]
    return result

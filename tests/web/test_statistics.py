"""Statistics and exports through the web layer: the staff API's figures and
spreadsheets (with a staff bearer token), the console's page and downloads,
each checked cell by cell, formulas neutralised, personal data only for
those who may see it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

import openpyxl
from starlette.testclient import TestClient

from contest.domain.models import Role
from contest.services.contests import create_contest, create_round
from tests.conftest import PASSWORD, RULES, World
from tests.web.test_organiser import sign_in_staff

_VN = ZoneInfo("Asia/Ho_Chi_Minh")
FORMULA_UNIT = '=HYPERLINK("http://x.example","Bấm")'


def staff_bearer(client: TestClient, world: World, role: Role, username: str) -> dict[str, str]:
    sign_in_staff(client, world, role, username)
    token = client.post("/api/v1/token", json={"login": username, "password": PASSWORD})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def take(client: TestClient, world: World, bearer: dict[str, str], *, right: int) -> int:
    """Start the open round, answer its first ``right`` questions right and
    the rest wrong, submit; returns the attempt id."""
    attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=bearer).json()
    _, keys = client.portal.call(world.services.storage.attempts.keys, attempt["id"])
    for n, key in enumerate(keys):
        wrong = next(i for i in range(1, key.option_count + 1) if i not in key.correct)
        options = sorted(key.correct) if n < right else [wrong]
        saved = client.put(
            f"/api/v1/attempts/{attempt['id']}/answers/{key.id}", json={"options": options}, headers=bearer
        )
        assert saved.status_code == 200, saved.text
    submitted = client.post(f"/api/v1/attempts/{attempt['id']}/submit", json={"prediction": 3}, headers=bearer)
    assert submitted.status_code == 200, submitted.text
    return int(attempt["id"])


def two_participants(client: TestClient, world: World, api_user: Callable[..., dict[str, str]]) -> tuple[int, int]:
    first = api_user(full_name="Trần Thị Bình", unit=FORMULA_UNIT, phone="0912000001", area=world.area_ids[0])
    second = api_user(full_name="Lê Văn Cường", unit="Sở Tư pháp", phone="0912000002", area=world.area_ids[1])
    return take(client, world, first, right=5), take(client, world, second, right=2)


def test_staff_stats_api_gives_live_figures_and_participation(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    two_participants(client, world, api_user)
    api_user(phone="0912000003")  # registered, never started: not a participant of the round
    bearer = staff_bearer(client, world, Role.ORGANISER, "btc")
    response = client.get(f"/api/v1/staff/rounds/{world.open_round}/stats", headers=bearer)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["attempts"] == {"started": 2, "in_progress": 0, "submitted": 2, "expired": 0}
    assert body["participants"] == 2
    assert body["seconds_left"] == 7 * 86400
    participation = body["participation"]
    assert participation["by_day"] == [
        {"date": world.clock.now().astimezone(_VN).date().isoformat(), "participants": 2}
    ]
    assert participation["by_area"] == [
        {"name": "Huyện Cái Bè", "participants": 1},
        {"name": "Thành phố Mỹ Tho", "participants": 1},
    ]
    assert [u["name"] for u in participation["by_unit"]] == [FORMULA_UNIT, "Sở Tư pháp"]  # one each: by name


def test_staff_stats_api_refuses_participants_and_strangers(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    url = f"/api/v1/staff/rounds/{world.open_round}/stats"
    assert client.get(url).status_code == 401
    refused = client.get(url, headers=api_user())
    assert refused.status_code == 403
    assert refused.json()["error"] == "staff_only"
    bearer = staff_bearer(client, world, Role.JUDGE, "gk")
    assert client.get(url, headers=bearer).status_code == 200
    assert client.get("/api/v1/staff/rounds/999/stats", headers=bearer).status_code == 404


def test_staff_export_csv_cell_by_cell_with_formulas_neutralised(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    first, second = two_participants(client, world, api_user)
    bearer = staff_bearer(client, world, Role.ORGANISER, "btc")
    response = client.get(f"/api/v1/staff/rounds/{world.open_round}/export?format=csv", headers=bearer)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="bai-thi-vong-mo.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [
        "Mã bài", "Họ và tên", "Số điện thoại", "Số định danh cá nhân", "Email", "Năm sinh",
        "Nơi cư trú", "Đơn vị công tác",
        "Lượt", "Trạng thái", "Bắt đầu", "Nộp bài", "Số câu đúng", "Số câu", "Điểm", "Thời gian làm (giây)", "Dự đoán",
    ]  # fmt: skip
    started = world.clock.now().astimezone(_VN).strftime("%d/%m/%Y %H:%M:%S")
    assert rows[1][:2] == [str(first), "Trần Thị Bình"]
    assert rows[1][2] == "0912000001"
    assert rows[1][5:] == [
        "1990", "Thành phố Mỹ Tho", "'" + FORMULA_UNIT, "1", "Đã nộp", started, started, "5", "5", "5", "0", "3"
    ]  # fmt: skip
    assert rows[2][0] == str(second)
    assert rows[2][6:8] == ["Huyện Cái Bè", "Sở Tư pháp"]
    assert rows[2][12:15] == ["2", "5", "2"]
    assert len(rows) == 3


def test_staff_export_xlsx_writes_formulas_as_text(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    first, _ = two_participants(client, world, api_user)
    bearer = staff_bearer(client, world, Role.ORGANISER, "btc")
    response = client.get(f"/api/v1/staff/rounds/{world.open_round}/export?format=xlsx", headers=bearer)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="bai-thi-vong-mo.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Bài thi"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == [
        "Mã bài",
        "Họ và tên",
        "Số điện thoại",
        "Số định danh cá nhân",
        "Email",
        "Năm sinh",
        "Nơi cư trú",
        "Đơn vị công tác",
    ]
    row = list(sheet[2])
    assert [c.value for c in row[:3]] == [first, "Trần Thị Bình", "0912000001"]
    unit = row[header.index("Đơn vị công tác")]
    assert (unit.value, unit.data_type) == (FORMULA_UNIT, "s")
    started = row[header.index("Bắt đầu")].value
    assert started == world.clock.now().astimezone(_VN).replace(tzinfo=None, microsecond=started.microsecond)
    assert [row[header.index(t)].value for t in ("Trạng thái", "Số câu đúng", "Điểm")] == ["Đã nộp", 5, 5]
    assert sheet.max_row == 3


def test_staff_export_for_a_judge_has_no_personal_data(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    two_participants(client, world, api_user)
    bearer = staff_bearer(client, world, Role.JUDGE, "gk")
    response = client.get(f"/api/v1/staff/rounds/{world.open_round}/export?format=csv", headers=bearer)
    header = next(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    assert header[:4] == ["Mã bài", "Họ và tên", "Nơi cư trú", "Đơn vị công tác"]
    assert not {"Số điện thoại", "Số định danh cá nhân", "Email", "Năm sinh"} & set(header)
    assert "0912000001" not in response.text


def test_staff_export_unknown_format_is_400(client: TestClient, world: World) -> None:
    bearer = staff_bearer(client, world, Role.ORGANISER, "btc")
    response = client.get(f"/api/v1/staff/rounds/{world.open_round}/export?format=pdf", headers=bearer)
    assert response.status_code == 400
    assert response.json()["error"] == "unknown_format"


def test_console_stats_page_charts_each_figure_beside_its_table(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    attempts = two_participants(client, world, api_user)
    codes = {k.code for a in attempts for k in client.portal.call(world.services.storage.attempts.keys, a)[1]}
    sign_in_staff(client, world, Role.ORGANISER, "btc")
    page = client.get(f"/organiser/rounds/{world.open_round}/stats")
    assert page.status_code == 200, page.text
    html = page.text
    assert html.count('<svg class="chart"') == 8  # days, areas, units for the round and the contest; scores; times
    assert '<title id="round-areas-t">' in html
    assert '<dd id="participants">2</dd>' in html
    assert '<dd id="submitted">2</dd>' in html
    assert '<dd id="time-left">7 ngày</dd>' in html  # the round closes 7 days after now
    assert "HYPERLINK(&#34;http://x.example&#34;" in html  # the unit shown as text, escaped
    items = html[html.index('id="items"') : html.index("</table>", html.index('id="items"'))]
    assert items.count("<tr>") == 1 + len(codes)  # the header, then each question drawn once


def test_console_downloads_participants_for_organisers_only(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    two_participants(client, world, api_user)
    sign_in_staff(client, world, Role.ORGANISER, "btc")
    response = client.get(f"/organiser/contests/{world.contest_id}/participants/csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="thi-sinh-thu.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    assert rows[0] == [
        "Mã thí sinh", "Họ và tên", "Số điện thoại", "Số định danh cá nhân", "Email", "Năm sinh",
        "Nơi cư trú", "Đơn vị công tác",
        "Ngày tham gia", "Số lượt thi",
    ]  # fmt: skip
    assert [r[1] for r in rows[1:]] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert rows[1][7] == "'" + FORMULA_UNIT
    assert rows[1][9] == "1"
    client.cookies.clear()
    sign_in_staff(client, world, Role.JUDGE, "gk")
    assert client.get(f"/organiser/contests/{world.contest_id}/participants/csv").status_code == 403
    assert client.get(f"/organiser/rounds/{world.open_round}/attempts/xlsx").status_code == 200


def test_console_results_export_follows_the_stored_standings(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    first, second = two_participants(client, world, api_user)
    judge = staff_bearer(client, world, Role.ADMIN, "qtv")
    client.cookies.clear()
    sign_in_staff(client, world, Role.ORGANISER, "btc")
    url = f"/organiser/rounds/{world.open_round}/results/csv"
    refused = client.get(url)
    assert refused.status_code == 409  # not ranked before the judges move the round on
    assert "Tải kết quả" not in client.get(f"/organiser/rounds/{world.open_round}/stats").text
    world.clock.advance(days=8)
    for phase in ("under_review", "provisional"):
        moved = client.post(f"/api/v1/staff/rounds/{world.open_round}/phase", json={"phase": phase}, headers=judge)
        assert moved.status_code == 200, moved.text
    assert "Tải kết quả (CSV)" in client.get(f"/organiser/rounds/{world.open_round}/stats").text
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="ket-qua-vong-mo.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    assert rows[0] == [
        "Hạng", "Họ và tên", "Số điện thoại", "Số định danh cá nhân", "Email", "Năm sinh",
        "Nơi cư trú", "Đơn vị công tác",
        "Điểm", "Số câu đúng", "Số câu", "Thời gian làm (giây)", "Nộp bài", "Dự đoán", "Sai lệch dự đoán", "Mã bài",
    ]  # fmt: skip
    assert [(r[0], r[1], r[2], r[7], r[8], r[15]) for r in rows[1:]] == [
        ("1", "Trần Thị Bình", "0912000001", "'" + FORMULA_UNIT, "5", str(first)),
        ("2", "Lê Văn Cường", "0912000002", "Sở Tư pháp", "2", str(second)),
    ]
    workbook = client.get(f"/organiser/rounds/{world.open_round}/results/xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["Kết quả"]
    assert [c.value for c in sheet[2]][:3] == [1, "Trần Thị Bình", "0912000001"]
    assert (sheet.cell(2, 8).value, sheet.cell(2, 8).data_type) == (FORMULA_UNIT, "s")


def test_staff_stats_api_gives_a_units_participation_rate_from_its_headcount(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    now = world.clock.now()
    storage = world.services.storage

    async def make() -> tuple[int, int]:
        contest = await create_contest(
            storage,
            slug="don-vi",
            title="Cuộc thi theo đơn vị",
            description="",
            rules="",
            privacy_notice="Thông báo.",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=3),
            areas=["Xã Tân Mỹ Chánh"],
            units=[("Sở Tư pháp", 4), ("Sở Y tế", None)],
            now=now,
        )
        round_id = await create_round(
            storage,
            contest=contest,
            title="Vòng đơn vị",
            opens_at=now - timedelta(minutes=30),
            closes_at=now + timedelta(days=2),
            rules=RULES,
            bank_id=world.bank_id,
        )
        return contest.areas[0].id, round_id

    area, round_id = client.portal.call(make)
    world.clock.advance(seconds=5)  # the catalog sees the new contest
    for unit, phone in (("Sở Tư pháp", "0913000001"), ("Sở Tư pháp", "0913000002"), ("Sở Y tế", "0913000003")):
        bearer = api_user(unit=unit, phone=phone, area=area)
        assert client.post(f"/api/v1/rounds/{round_id}/attempts", headers=bearer).status_code == 201
    staff = staff_bearer(client, world, Role.ORGANISER, "btc")
    units = client.get(f"/api/v1/staff/rounds/{round_id}/stats", headers=staff).json()["participation"]["by_unit"]
    assert units == [
        {"name": "Sở Tư pháp", "participants": 2, "headcount": 4, "rate": 0.5},
        {"name": "Sở Y tế", "participants": 1, "headcount": None, "rate": None},
    ]

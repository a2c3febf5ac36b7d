"""The console's contests and rounds through the web layer: a contest made
with its lists typed in or imported from xlsx/CSV, rounds made and changed
in Vietnam time with each refusal beside its field, a round's live figures."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
from starlette.testclient import TestClient

from contest.domain.models import Counting, Prizes
from tests.conftest import World
from tests.web.test_organiser import staff
from tests.web.test_pages import csrf

__all__ = ["staff"]

CONTEST_FORM = {
    "title": "Tìm hiểu pháp luật 2027",
    "slug": "phap-luat-2027",
    "starts_at": "2026-12-01T00:00",
    "ends_at": "2027-01-31T23:59",
    "rules": "Thể lệ",
    "areas": "Tỉnh Đồng Tháp > Xã Tân Phước\nTỉnh Đồng Tháp > Phường Mỹ Tho",
    "units": "Sở Tư pháp | 120\nCông an tỉnh",
}


def post_contest(client: TestClient, files: dict[str, Any] | None = None, **changes: str) -> Any:
    token = csrf(client.get("/organiser/contests/new").text)
    data = {"csrf_token": token, **CONTEST_FORM, **changes}
    return client.post("/organiser/contests/new", data=data, files=files or {"none": ("", b"")}, follow_redirects=False)


def contest_of(client: TestClient, world: World, response: Any) -> Any:
    contest_id = int(response.headers["location"].rsplit("/", 1)[1])
    return client.portal.call(world.services.catalog.contest, contest_id)  # type: ignore[union-attr]


def test_console_contest_is_made_from_the_lists_typed_in(staff: TestClient, world: World) -> None:
    response = post_contest(staff)
    assert response.status_code == 303, response.text
    contest = contest_of(staff, world, response)
    assert contest.starts_at.isoformat() == "2026-11-30T17:00:00+00:00"
    assert [a.name for a in contest.areas] == ["Tỉnh Đồng Tháp > Xã Tân Phước", "Tỉnh Đồng Tháp > Phường Mỹ Tho"]
    assert [(u.name, u.headcount) for u in contest.units] == [("Sở Tư pháp", 120), ("Công an tỉnh", None)]
    page = staff.get(response.headers["location"])
    assert "Tỉnh Đồng Tháp &gt; Xã Tân Phước" in page.text and "120 người" in page.text


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_console_contest_imports_a_two_level_area_list_from_xlsx(staff: TestClient, world: World) -> None:
    data = _xlsx(
        [["Tên", "Thuộc"], ["Xã Tân Phước", "Tỉnh Đồng Tháp"], ["Phường 1", "Tỉnh Đồng Tháp"], ["Xã Mới", None]]
    )
    response = post_contest(staff, files={"areas_file": ("dia-ban.xlsx", data)}, areas="")
    assert response.status_code == 303, response.text
    assert [a.name for a in contest_of(staff, world, response).areas] == [
        "Tỉnh Đồng Tháp > Xã Tân Phước",
        "Tỉnh Đồng Tháp > Phường 1",
        "Xã Mới",
    ]


def test_console_contest_imports_units_with_headcounts_from_csv(staff: TestClient, world: World) -> None:
    data = "Tên đơn vị;Số người\nSở Tư pháp;120\nCông an tỉnh;\n".encode("utf-8-sig")
    response = post_contest(staff, files={"units_file": ("don-vi.csv", data)})
    assert response.status_code == 303, response.text
    units = contest_of(staff, world, response).units
    assert [(u.name, u.headcount) for u in units] == [("Sở Tư pháp", 120), ("Công an tỉnh", None)]


def test_console_contest_refuses_a_file_of_another_kind_beside_its_field(staff: TestClient) -> None:
    response = post_contest(staff, files={"areas_file": ("dia-ban.pdf", b"%PDF-1.4")})
    assert response.status_code == 422
    assert 'id="areas_file-error">Tệp «dia-ban.pdf»: Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).' in response.text


def test_console_contest_with_wrong_fields_shows_each_beside_it(staff: TestClient) -> None:
    response = post_contest(staff, slug="Có Dấu", ends_at="2026-11-01T00:00", areas="")
    assert response.status_code == 422
    for name in ("slug", "ends_at", "areas"):
        assert f'id="{name}-error"' in response.text
    assert 'value="Tìm hiểu pháp luật 2027"' in response.text


def test_console_contest_address_of_digits_only_is_refused_beside_it(staff: TestClient) -> None:
    response = post_contest(staff, slug="2027")
    assert response.status_code == 422
    assert 'id="slug-error">Địa chỉ cuộc thi không được chỉ gồm chữ số: hãy thêm chữ' in response.text


ROUND_FORM = {
    "title": "Tuần 1",
    "opens_at": "2026-11-30T10:00",
    "closes_at": "2026-12-07T09:00",
    "question_count": "10",
    "topic_quota": "Chủ đề A: 4",
    "duration_minutes": "15",
    "attempts_allowed": "2",
    "counting": "last",
    "show_score": "after_publication",
    "prediction_question": "Bao nhiêu người đúng hết?",
    "complaint_window_hours": "24",
    "prize_first": "1",
    "prize_second": "2",
    "prize_third": "3",
    "prize_consolation": "5",
}


def post_round(client: TestClient, world: World, **changes: str) -> Any:
    path = f"/organiser/contests/{world.contest_id}/rounds/new"
    data = {"csrf_token": csrf(client.get(path).text), **ROUND_FORM, "bank_id": str(world.bank_id), **changes}
    return client.post(path, data=data, follow_redirects=False)


def test_console_round_is_made_in_vietnam_time_with_every_setting(staff: TestClient, world: World) -> None:
    response = post_round(staff, world)
    assert response.status_code == 303, response.text
    round_id = int(response.headers["location"].rsplit("/", 1)[1])
    round_ = staff.portal.call(world.services.catalog.round, round_id)  # type: ignore[union-attr]
    assert (round_.opens_at.isoformat(), round_.closes_at.isoformat()) == (
        "2026-11-30T03:00:00+00:00",
        "2026-12-07T02:00:00+00:00",
    )
    rules = round_.rules
    assert (rules.question_count, rules.duration_seconds, rules.attempts_allowed) == (10, 900, 2)
    assert rules.topic_quota == (("Chủ đề A", 4),)
    assert (rules.counting, rules.complaint_window_hours) == (Counting.LAST, 24)
    assert rules.prizes == Prizes(first=1, second=2, third=3, consolation=5)
    edit = staff.get(f"/organiser/rounds/{round_id}/edit")
    assert 'value="2026-11-30T10:00"' in edit.text and 'value="15"' in edit.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"question_count": "41"}, "question_count", "Vòng thi cần 41 câu nhưng ngân hàng chỉ có 40 câu."),
        (
            {"topic_quota": "Chủ đề B: 21", "question_count": "30"},
            "topic_quota",
            "Chủ đề «Chủ đề B» cần 21 câu nhưng ngân hàng chỉ có 20 câu.",
        ),
        ({"closes_at": "2026-11-30T09:00"}, "closes_at", "Thời điểm đóng vòng thi phải sau thời điểm mở."),
        ({"closes_at": "2027-01-30T09:00"}, "opens_at", "Vòng thi phải nằm trong thời gian diễn ra cuộc thi."),
        ({"duration_minutes": ""}, "duration_minutes", "Vui lòng nhập mục này."),
    ],
)
def test_console_round_that_cannot_work_is_refused_beside_the_field(
    staff: TestClient, world: World, changes: dict[str, str], field: str, message: str
) -> None:
    response = post_round(staff, world, **changes)
    assert response.status_code == 422
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in response.text


def test_console_round_with_attempts_keeps_what_could_change_a_result(
    staff: TestClient, world: World, api_user: Any
) -> None:
    bearer = api_user()
    staff.cookies.clear()
    assert staff.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=bearer).status_code == 201
    from tests.web.test_organiser import sign_in_staff

    sign_in_staff(staff, world, username="btc2")
    path = f"/organiser/rounds/{world.open_round}/edit"
    page = staff.get(path)
    assert "Vòng thi đã có bài thi: chỉ sửa được tên, mô tả và dời giờ đóng muộn hơn." in page.text
    # What could change a result is read-only; the title, description and close stay editable.
    editable, *locked = re.split(r'<fieldset disabled class="locked"', page.text)
    assert len(locked) == 2 and 'name="title"' in editable and 'name="closes_at"' in locked[0]
    assert 'name="opens_at"' in locked[0].split("</fieldset>")[0] and 'name="attempts_allowed"' in locked[1]
    sent = {"csrf_token": csrf(page.text), "title": "Vòng mở (sửa)", "description": "", "closes_at": "2026-12-04T10:00"}
    renamed = staff.post(path, data=sent, follow_redirects=False)  # what a browser sends: the enabled fields
    assert renamed.status_code == 303, renamed.text
    page = staff.get(path)
    values = dict(re.findall(r'name="(\w+)" type="\w+-?\w*" value="([^"]*)"', page.text))
    refused = staff.post(path, data={"csrf_token": csrf(page.text), **values, "attempts_allowed": "3"})
    assert refused.status_code == 409
    assert "không thể đổi số lượt thi." in refused.text
    later = staff.post(
        path, data={"csrf_token": csrf(page.text), **values, "closes_at": "2026-12-05T10:00"}, follow_redirects=False
    )
    assert later.status_code == 303
    entries = staff.portal.call(  # type: ignore[union-attr]
        lambda: world.services.storage.audit.entries(subject=f"round:{world.open_round}")
    )
    assert sorted((e.action, str(e.details)) for e in entries) == sorted(
        [
            (
                "round.update",
                str(
                    {
                        "before": {"closes_at": "2026-12-04T03:00:00+00:00"},
                        "after": {"closes_at": "2026-12-05T03:00:00+00:00"},
                    }
                ),
            ),
            ("round.update", str({"before": {"title": "Vòng mở"}, "after": {"title": "Vòng mở (sửa)"}})),
        ]
    )


def test_console_round_page_shows_live_figures(staff: TestClient, world: World, api_user: Any) -> None:
    first, second = api_user(), api_user()
    staff_cookies = dict(staff.cookies)
    staff.cookies.clear()
    attempt = staff.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=first).json()
    staff.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=first, json={"prediction": 3})
    staff.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=second)
    staff.cookies.update(staff_cookies)
    page = staff.get(f"/organiser/rounds/{world.open_round}")
    assert page.status_code == 200
    figures = dict(re.findall(r'<dd id="figure-([\w-]+)">([^<]*)</dd>', page.text))
    figures.pop("left")
    assert figures == {"started": "2", "in-progress": "1", "submitted": "1", "expired": "0", "participants": "2"}
    assert re.search(r'id="figure-left">7 ngày<', page.text)


def test_contest_rules_are_markdown_rendered_safely(staff: TestClient, world: World) -> None:
    rules = "**Thể lệ** vòng 1\n\n- Mỗi tuần một vòng\n\n<script>alert(1)</script> [xem](javascript:alert(1))"
    response = post_contest(staff, rules=rules)
    assert response.status_code == 303, response.text
    page = staff.get("/contests/phap-luat-2027").text
    assert "<p><strong>Thể lệ</strong> vòng 1</p>" in page
    assert "<li>Mỗi tuần một vòng</li>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page


def test_console_contest_edit_changes_texts_and_dates_adds_to_lists_and_logs(staff: TestClient, world: World) -> None:
    path = f"/organiser/contests/{world.contest_id}/edit"
    page = staff.get(path)
    assert page.status_code == 200 and 'value="Cuộc thi thử"' in page.text
    data = {
        "csrf_token": csrf(page.text),
        "title": "Cuộc thi thử (sửa)",
        "starts_at": "2026-11-13T10:00",
        "ends_at": "2026-12-31T23:00",
        "rules": "Thể lệ mới",
        "min_age": "14",
        "areas": "Xã Mới",
        "units": "Sở Tư pháp | 50",
    }
    done = staff.post(path, data=data, files={"none": ("", b"")}, follow_redirects=False)
    assert done.status_code == 303, done.text
    contest = staff.portal.call(world.services.catalog.contest, world.contest_id)  # type: ignore[union-attr]
    assert (contest.title, contest.rules, contest.min_age) == ("Cuộc thi thử (sửa)", "Thể lệ mới", 14)
    assert [a.name for a in contest.areas] == ["Thành phố Mỹ Tho", "Huyện Cái Bè", "Xã Mới"]
    assert [(u.name, u.headcount) for u in contest.units] == [("Sở Tư pháp", 50)]
    entries = staff.portal.call(  # type: ignore[union-attr]
        lambda: world.services.storage.audit.entries(subject=f"contest:{world.contest_id}")
    )
    assert entries[0].action == "contest.update"
    assert entries[0].details["before"]["title"] == "Cuộc thi thử"
    assert entries[0].details["after"]["min_age"] == 14
    assert entries[0].details["areas"] == ["Xã Mới"]


def test_console_contest_edit_refuses_dates_that_leave_a_round_out(staff: TestClient, world: World) -> None:
    path = f"/organiser/contests/{world.contest_id}/edit"
    page = staff.get(path)
    data = {
        "csrf_token": csrf(page.text),
        "title": "Cuộc thi thử",
        "starts_at": "2026-11-27T00:00",
        "ends_at": "2026-12-31T23:00",
    }
    refused = staff.post(path, data=data, files={"none": ("", b"")})
    assert refused.status_code == 422
    assert "Các vòng thi «Vòng đã đóng» sẽ nằm ngoài thời gian mới của cuộc thi." in refused.text

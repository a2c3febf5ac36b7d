"""Rolling a bank back to an earlier version: saved again as the next
version, logged, refused for the current version, a missing one, or one an
open round could not draw from."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from datetime import date

import pytest
from starlette.testclient import TestClient

from contest.domain import draw
from contest.domain.models import Source
from tests.backends import rows
from tests.conftest import World, make_bank
from tests.web.test_console_participants import text
from tests.web.test_organiser import current, edit, staff  # noqa: F401 - staff is a fixture
from tests.web.test_pages import csrf


def restore(client: TestClient, world: World, version: str):  # type: ignore[no-untyped-def]
    token = csrf(client.get(f"/organiser/banks/{world.bank_id}").text)
    return client.post(
        f"/organiser/banks/{world.bank_id}/restore",
        data={"csrf_token": token, "version": version},
        follow_redirects=False,
    )


def test_restore_saves_the_old_questions_as_the_next_version(staff: TestClient, world: World) -> None:  # noqa: F811
    edit(staff, world, "T-001", text="Câu đã sửa?")
    assert current(staff, world)["T-001"].text == "Câu đã sửa?"
    response = restore(staff, world, "1")
    assert response.status_code == 303 and response.headers["location"] == f"/organiser/banks/{world.bank_id}"
    assert current(staff, world)["T-001"].text == "Câu hỏi thử số 1?"
    url = world.services.settings.database_url
    assert rows(url, "SELECT number, note FROM bank_versions ORDER BY number DESC LIMIT 1")[0] == (
        3,
        "Khôi phục phiên bản 1",
    )
    log = text(staff.get("/organiser/log", params={"kind": "bank."}).text)
    assert "Khôi phục phiên bản 1 của ngân hàng «Ngân hàng thử» thành phiên bản 3 (40 câu)" in log
    page = staff.get(f"/organiser/banks/{world.bank_id}").text
    assert len(re.findall(r'action="/organiser/banks/\d+/restore"', page)) == 2  # every version but the current


@pytest.mark.parametrize(
    ("version", "status", "message"),
    [
        ("2", 409, "Phiên bản 2 đang là phiên bản hiện tại."),
        ("9", 404, "phiên bản 9"),
        ("x", 422, "Phiên bản"),
    ],
)
def test_restore_refused_says_why(staff: TestClient, world: World, version: str, status: int, message: str) -> None:  # noqa: F811
    edit(staff, world, "T-001", text="Câu đã sửa?")
    response = restore(staff, world, version)
    assert response.status_code == status
    assert message in response.text
    assert current(staff, world)["T-001"].text == "Câu đã sửa?"


def test_restore_refused_when_an_open_round_could_not_draw(staff: TestClient, world: World) -> None:  # noqa: F811
    url = world.services.settings.database_url
    for size in (3, 40):  # a short version 2 straight into storage, then a full version 3
        staff.portal.call(  # type: ignore[union-attr]
            lambda size=size: world.services.storage.banks.add_version(
                world.bank_id, make_bank(size), now=world.clock.now(), note="", created_by=None
            )
        )
    response = restore(staff, world, "2")
    assert response.status_code == 409
    assert "Khôi phục phiên bản 2: không thực hiện được vì vòng «Vòng mở» sẽ không đủ câu hỏi." in text(response.text)
    assert rows(url, "SELECT MAX(number) FROM bank_versions")[0][0] == 3


def post(client: TestClient, path: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf(client.get("/organiser").text)}, follow_redirects=False)


def test_archive_a_bank_no_round_uses_and_bring_it_back(staff: TestClient, world: World) -> None:  # noqa: F811
    bank_id, _ = staff.portal.call(  # type: ignore[union-attr]
        lambda: world.services.storage.banks.create(name="Ngân hàng cũ", questions=make_bank(5), now=world.clock.now())
    )
    assert post(staff, f"/organiser/banks/{bank_id}/archive").status_code == 303
    page = text(staff.get(f"/organiser/banks/{bank_id}").text)
    assert "Đã lưu trữ 27/11/2026" in page and "Đưa trở lại sử dụng" in page
    assert "Ngân hàng cũ Đã lưu trữ" in text(staff.get("/organiser").text)
    url = world.services.settings.database_url
    details = json.loads(rows(url, "SELECT details FROM audit_log WHERE action = 'bank.archive'")[0][0])
    assert details == {"before": {"archived": False}, "after": {"archived": True}}
    assert post(staff, f"/organiser/banks/{bank_id}/unarchive").status_code == 303
    assert staff.get(f"/organiser/banks/{bank_id}").text.count("Lưu trữ ngân hàng</button>") == 1
    log = text(staff.get("/organiser/log", params={"kind": "bank."}).text)
    assert "Lưu trữ ngân hàng «Ngân hàng cũ»" in log and "Đưa ngân hàng «Ngân hàng cũ» trở lại sử dụng" in log


def test_archive_refused_while_a_round_uses_the_bank(staff: TestClient, world: World) -> None:  # noqa: F811
    response = post(staff, f"/organiser/banks/{world.bank_id}/archive")
    assert response.status_code == 409
    assert "Vòng «Vòng đã đóng» dùng ngân hàng này: chỉ lưu trữ được ngân hàng không vòng thi nào dùng." in text(
        response.text
    )
    url = world.services.settings.database_url
    assert rows(url, "SELECT archived_at FROM banks WHERE id = ?", (world.bank_id,))[0][0] is None
    assert rows(url, "SELECT COUNT(*) FROM audit_log WHERE action = 'bank.archive'")[0][0] == 0


def outdated_bank(client: TestClient, world: World) -> None:
    """T-003 cites a decree out of force since 15/08/2022, saved as the bank's next version."""
    old = Source(citation="Nghị định 43/2011/NĐ-CP", document="43/2011/NĐ-CP", expired=date(2022, 8, 15))
    bank = [replace(q, source=old) if q.code == "T-003" else q for q in make_bank()]
    client.portal.call(  # type: ignore[union-attr]
        lambda: world.services.storage.banks.add_version(
            world.bank_id, bank, now=world.clock.now(), note="", created_by=None
        )
    )


def test_exclude_outdated_questions_from_a_round_in_one_action(staff: TestClient, world: World) -> None:  # noqa: F811
    outdated_bank(staff, world)
    assert re.findall(r"/organiser/rounds/(\d+)/exclude-outdated", staff.get("/organiser").text) == [
        str(world.open_round),
        str(world.upcoming_round),
    ]
    response = post(staff, f"/organiser/rounds/{world.open_round}/exclude-outdated")
    assert response.status_code == 303
    assert re.findall(r"/organiser/rounds/(\d+)/exclude-outdated", staff.get("/organiser").text) == [
        str(world.upcoming_round)
    ]
    url = world.services.settings.database_url
    assert rows(url, "SELECT excluded_codes FROM rounds WHERE id = ?", (world.open_round,))[0][0] == '["T-003"]'
    details = json.loads(rows(url, "SELECT details FROM audit_log WHERE action = 'round.exclude'")[0][0])
    assert details == {"added": ["T-003"], "before": {"excluded": []}, "after": {"excluded": ["T-003"]}}
    log = text(staff.get("/organiser/log", params={"kind": "round."}).text)
    assert "Loại khỏi vòng «Vòng mở» 1 câu trích dẫn văn bản đã hết hiệu lực: T-003" in log
    round_ = staff.portal.call(world.services.catalog.round, world.open_round)  # type: ignore[union-attr]
    _, questions = staff.portal.call(world.services.catalog.bank, world.bank_id)  # type: ignore[union-attr]
    rules = replace(round_.rules, question_count=39)
    for seed in range(20):  # every draw of all the others leaves T-003 out
        assert "T-003" not in {q.code for q in draw.draw(questions, rules, rng=random.Random(seed))}
    again = post(staff, f"/organiser/rounds/{world.open_round}/exclude-outdated")
    assert again.status_code == 409 and "không có câu nào trích dẫn văn bản đã hết hiệu lực" in again.text


def test_exclude_refused_when_the_round_could_not_draw_without_them(staff: TestClient, world: World) -> None:  # noqa: F811
    old = Source(citation="Nghị định 43/2011/NĐ-CP", document="43/2011/NĐ-CP", expired=date(2022, 8, 15))
    bank = [replace(q, source=old) for q in make_bank()]
    staff.portal.call(  # type: ignore[union-attr]
        lambda: world.services.storage.banks.add_version(
            world.bank_id, bank, now=world.clock.now(), note="", created_by=None
        )
    )
    response = post(staff, f"/organiser/rounds/{world.open_round}/exclude-outdated")
    assert response.status_code == 409
    assert "Không loại được các câu T-001" in text(response.text)
    url = world.services.settings.database_url
    assert rows(url, "SELECT excluded_codes FROM rounds WHERE id = ?", (world.open_round,))[0][0] == "[]"


def test_every_version_saved_logs_the_version_and_size_before_and_after(staff: TestClient, world: World) -> None:  # noqa: F811
    edit(staff, world, "T-001", text="Câu đã sửa?")
    restore(staff, world, "1")
    url = world.services.settings.database_url
    logged = [
        json.loads(d) for (d,) in rows(url, "SELECT details FROM audit_log WHERE action = 'bank.version' ORDER BY id")
    ]
    assert [(d["before"], d["after"]) for d in logged] == [
        ({"number": 1, "questions": 40}, {"number": 2, "questions": 40}),
        ({"number": 2, "questions": 40}, {"number": 3, "questions": 40}),
    ]

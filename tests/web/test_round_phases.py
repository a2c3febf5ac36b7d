"""Round phases through the app: judges move a closed round on, the API and
the console show the phase, and every move is recorded."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from contest.domain.models import Phase, Role, User
from contest.domain.phases import PhaseRefused
from contest.errors import Forbidden, Invalid
from contest.services.rounds import MOVED_MEANWHILE
from contest.services.staff import OPERATOR
from tests.conftest import World
from tests.web.test_organiser import sign_in_staff


def staff_user(client: TestClient, world: World, role: Role, username: str) -> User:
    sign_in_staff(client, world, role, username)
    return client.portal.call(world.services.staff.account, OPERATOR, username)  # type: ignore[no-any-return]


def move(client: TestClient, world: World, user: User, round_id: int, to: str, note: str = "") -> Phase:
    return client.portal.call(world.services.rounds.move_phase, user, round_id, to, note)  # type: ignore[no-any-return]


def phases_by_api(client: TestClient) -> dict[str, str]:
    return {r["title"]: r["phase"] for r in client.get("/api/v1/rounds").json()}


def test_rounds_api_gives_each_round_its_phase(client: TestClient, world: World) -> None:
    assert phases_by_api(client) == {"Vòng mở": "open", "Vòng sắp mở": "scheduled", "Vòng đã đóng": "closed"}


def test_judge_moves_a_closed_round_to_final_and_every_move_is_recorded(client: TestClient, world: World) -> None:
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    assert move(client, world, judge, world.closed_round, "under_review", "  Bắt đầu chấm  ") is Phase.UNDER_REVIEW
    assert phases_by_api(client)["Vòng đã đóng"] == "under_review"
    move(client, world, judge, world.closed_round, "provisional", "Công bố kết quả tạm thời")
    move(client, world, judge, world.closed_round, "under_review", "Phúc khảo câu 3")
    move(client, world, judge, world.closed_round, "provisional")
    move(client, world, judge, world.closed_round, "final", "Kết quả chính thức")
    assert phases_by_api(client)["Vòng đã đóng"] == "final"
    changes = client.portal.call(world.services.rounds.phase_changes, judge, world.closed_round)
    assert [(c.from_phase.value, c.to_phase.value, c.actor, c.note) for c in changes] == [
        ("closed", "under_review", "Nguyễn Ban Tổ Chức", "Bắt đầu chấm"),
        ("under_review", "provisional", "Nguyễn Ban Tổ Chức", "Công bố kết quả tạm thời"),
        ("provisional", "under_review", "Nguyễn Ban Tổ Chức", "Phúc khảo câu 3"),
        ("under_review", "provisional", "Nguyễn Ban Tổ Chức", ""),
        ("provisional", "final", "Nguyễn Ban Tổ Chức", "Kết quả chính thức"),
    ]
    assert {c.changed_at for c in changes} == {world.clock.now()}
    with pytest.raises(PhaseRefused, match="Kết quả vòng thi đã chính thức"):
        move(client, world, judge, world.closed_round, "under_review")


def test_console_shows_the_decided_phase_in_vietnamese(client: TestClient, world: World) -> None:
    admin = staff_user(client, world, Role.ADMIN, "quantri")
    move(client, world, admin, world.closed_round, "under_review")
    page = client.get("/organiser").text
    assert '<span class="badge closed">Đang chấm</span>' in page
    assert '<span class="badge open">Đang mở</span>' in page
    assert "Chuyển vòng «Vòng đã đóng» từ «Đã kết thúc» sang «Đang chấm»" in page  # the console's log
    client.cookies.set("lang", "en")
    assert '<span class="badge closed">Under review</span>' in client.get("/organiser").text


def test_move_phase_refuses_a_round_still_open(client: TestClient, world: World) -> None:
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    with pytest.raises(PhaseRefused, match="Vòng thi chưa kết thúc"):
        move(client, world, judge, world.open_round, "under_review")
    with pytest.raises(Invalid) as clocked:  # the clock's phases are no judge's choice
        move(client, world, judge, world.closed_round, "open")
    assert clocked.value.errors["phase"].startswith("Chọn một trong: under_review (Đang chấm), ")
    assert phases_by_api(client)["Vòng mở"] == "open"


def test_move_phase_needs_judge_round(client: TestClient, world: World) -> None:
    organiser = staff_user(client, world, Role.ORGANISER, "btc")
    with pytest.raises(Forbidden, match="Chỉ Ban Giám khảo"):
        move(client, world, organiser, world.closed_round, "under_review")


def test_move_phase_reads_its_input(client: TestClient, world: World) -> None:
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    with pytest.raises(Invalid) as unknown:
        move(client, world, judge, world.closed_round, "chấm xong")
    assert unknown.value.errors == {
        "phase": "Chọn một trong: under_review (Đang chấm), provisional (Kết quả tạm thời), final (Kết quả chính thức)."
    }
    with pytest.raises(Invalid) as long_note:
        move(client, world, judge, world.closed_round, "under_review", "x" * 2001)
    assert long_note.value.errors == {"note": "Ghi chú dài tối đa 2000 ký tự."}


def test_phase_store_moves_only_from_the_phase_read(client: TestClient, world: World) -> None:
    """Two judges deciding at once: the second, based on what it read before
    the first moved the round, changes nothing (the service says so)."""
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    move(client, world, judge, world.closed_round, "under_review")
    phases = world.services.storage.phases

    async def late() -> bool:
        return await phases.move(
            round_id=world.closed_round,
            stored=Phase.SCHEDULED,
            from_phase=Phase.CLOSED,
            to=Phase.UNDER_REVIEW,
            user_id=judge.id,
            note="",
            now=world.clock.now(),
        )

    assert client.portal.call(late) is False
    assert len(client.portal.call(world.services.rounds.phase_changes, judge, world.closed_round)) == 1
    assert MOVED_MEANWHILE.startswith("Vòng thi vừa được người khác chuyển giai đoạn")

"""Once judges have taken a round up (under review, provisional or final
results) its open and close times, and everything that decides who may take
it or how it is scored, stay as they are: through the staff API and the
console's round form alike (``services/contests.change_round``), and no
attempt starts in it whatever its close says (``services/attempts.start``).
A tester reopened a final round with a later close; the attempt it took was
scored and shown but in no standings."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.domain.models import Phase, Role
from contest.services.contests import RoundJudged, reschedule_round
from tests.conftest import World
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf
from tests.web.test_staff_api import staff_bearer

Headers = dict[str, str]
JUDGED_TIMES = "Vòng thi đã được ban giám khảo chấm, không thể đổi thời gian mở/đóng."
JUDGED_START = "Vòng thi đã kết thúc và được ban giám khảo chấm, không thể bắt đầu bài thi mới."
PATH_TO = {
    "under_review": ["under_review"],
    "provisional": ["under_review", "provisional"],
    "final": ["under_review", "provisional", "final"],
}


def judge_to(client: TestClient, world: World, round_id: int, phase: str) -> None:
    """Move ``round_id`` through the judges' phases up to ``phase``."""
    judge = staff_bearer(client, world, Role.JUDGE, "giamkhao")
    for to in PATH_TO[phase]:
        moved = client.post(f"/api/v1/staff/rounds/{round_id}/phase", json={"phase": to}, headers=judge)
        assert moved.status_code == 200, moved.text


def updates(client: TestClient, world: World, round_id: int) -> list[dict[str, Any]]:
    entries = client.portal.call(lambda: world.services.storage.audit.entries(subject=f"round:{round_id}"))  # type: ignore[union-attr]
    return [e.details for e in entries if e.action == "round.update"]


def closes_at(client: TestClient, world: World, round_id: int) -> str:
    client.portal.call(world.services.catalog.up_to_date)  # type: ignore[union-attr]
    return client.portal.call(world.services.catalog.round, round_id).closes_at.isoformat()  # type: ignore[union-attr]


@pytest.mark.parametrize("phase", list(PATH_TO))
def test_judged_round_refuses_a_new_close_and_logs_nothing(
    client: TestClient, world: World, api_user: Any, phase: str
) -> None:
    participant = api_user()
    judge_to(client, world, world.closed_round, phase)
    organiser = staff_bearer(client, world)
    path = f"/api/v1/staff/rounds/{world.closed_round}"
    before = closes_at(client, world, world.closed_round)
    later = (world.clock.now() + timedelta(hours=2)).isoformat()
    refused = client.patch(path, json={"closes_at": later}, headers=organiser)
    assert refused.status_code == 409, refused.text
    assert refused.json() == {
        "error": "round_judged",
        "message": "Vòng thi đã được ban giám khảo chấm nên chỉ được sửa tên và mô tả; không thể đổi giờ đóng.",
        "errors": {"closes_at": JUDGED_TIMES},
    }
    earlier = (world.clock.now() - timedelta(days=13)).isoformat()
    rules = client.patch(path, json={"opens_at": earlier, "attempts_allowed": 5}, headers=organiser)
    assert rules.status_code == 409
    assert rules.json()["errors"] == {
        "opens_at": JUDGED_TIMES,
        "attempts_allowed": "Vòng thi đã được ban giám khảo chấm, không thể đổi mục này.",
    }
    assert closes_at(client, world, world.closed_round) == before and updates(client, world, world.closed_round) == []
    started = client.post(f"/api/v1/rounds/{world.closed_round}/attempts", headers=participant)
    assert (started.status_code, started.json()["message"]) == (409, JUDGED_START)
    renamed = client.patch(path, json={"title": "Vòng đã đóng (đã chấm)"}, headers=organiser)
    assert renamed.status_code == 200, renamed.text
    assert updates(client, world, world.closed_round) == [
        {"before": {"title": "Vòng đã đóng"}, "after": {"title": "Vòng đã đóng (đã chấm)"}}
    ]


def test_closed_round_not_yet_judged_may_reopen_with_a_later_close(
    client: TestClient, world: World, api_user: Any
) -> None:
    participant = api_user()
    organiser = staff_bearer(client, world)
    later = world.clock.now() + timedelta(hours=2)
    moved = client.patch(
        f"/api/v1/staff/rounds/{world.closed_round}", json={"closes_at": later.isoformat()}, headers=organiser
    )
    assert moved.status_code == 200, moved.text
    assert closes_at(client, world, world.closed_round) == later.isoformat()
    assert client.post(f"/api/v1/rounds/{world.closed_round}/attempts", headers=participant).status_code == 201


def test_attempt_never_starts_in_a_judged_round_whatever_its_close_says(
    client: TestClient, world: World, api_user: Any
) -> None:
    participant = api_user()
    judge_to(client, world, world.closed_round, "final")
    round_ = client.portal.call(world.services.catalog.round, world.closed_round)  # type: ignore[union-attr]
    later = world.clock.now() + timedelta(days=1)
    # A final round reopened before the rule existed: its close is tomorrow.
    client.portal.call(  # type: ignore[union-attr]
        lambda: world.services.storage.contests.reschedule_round(
            round_.id, phase=Phase.FINAL, opens_at=round_.opens_at, closes_at=later, deadline=lambda s: later
        )
    )
    assert closes_at(client, world, world.closed_round) == later.isoformat()
    started = client.post(f"/api/v1/rounds/{world.closed_round}/attempts", headers=participant)
    assert started.status_code == 409
    assert started.json() == {"error": "round_not_open", "message": JUDGED_START}


def test_reschedule_refuses_a_judged_round_and_a_phase_moved_meanwhile(client: TestClient, world: World) -> None:
    judge_to(client, world, world.closed_round, "under_review")
    storage = world.services.storage
    round_ = client.portal.call(world.services.catalog.round, world.closed_round)  # type: ignore[union-attr]
    contest = client.portal.call(world.services.catalog.contest, world.contest_id)  # type: ignore[union-attr]
    later = world.clock.now() + timedelta(days=1)
    with pytest.raises(RoundJudged) as refused:
        client.portal.call(  # type: ignore[union-attr]
            lambda: reschedule_round(storage, contest=contest, round_=round_, opens_at=round_.opens_at, closes_at=later)
        )
    assert refused.value.errors == {"closes_at": JUDGED_TIMES}
    # Checked against "closed" a moment before the judges moved it: nothing is written.
    stale = client.portal.call(  # type: ignore[union-attr]
        lambda: storage.contests.reschedule_round(
            round_.id, phase=Phase.CLOSED, opens_at=round_.opens_at, closes_at=later, deadline=lambda s: later
        )
    )
    assert stale is None and closes_at(client, world, world.closed_round) == round_.closes_at.isoformat()


def test_console_round_form_of_a_judged_round_refuses_a_new_close_beside_it(client: TestClient, world: World) -> None:
    judge_to(client, world, world.closed_round, "final")
    client.cookies.clear()
    sign_in_staff(client, world, username="btc")
    path = f"/organiser/rounds/{world.closed_round}/edit"
    page = client.get(path)
    assert "Vòng thi đã được ban giám khảo chấm: chỉ sửa được tên và mô tả." in page.text
    editable, locked = re.split(r'<fieldset disabled class="locked"', page.text)
    assert 'name="title"' in editable and 'name="closes_at"' in locked and 'name="attempts_allowed"' in locked
    before = closes_at(client, world, world.closed_round)
    values = dict(re.findall(r'name="(\w+)" type="\w+-?\w*" value="([^"]*)"', page.text))
    # A form opened before the judges took the round up still sends its times.
    refused = client.post(path, data={"csrf_token": csrf(page.text), **values, "closes_at": "2026-12-01T10:00"})
    assert refused.status_code == 409
    assert f'<p class="field-error" id="closes_at-error">{JUDGED_TIMES}</p>' in refused.text
    assert 'value="2026-12-01T10:00"' in refused.text  # what was typed stays, to correct
    assert closes_at(client, world, world.closed_round) == before and updates(client, world, world.closed_round) == []
    sent = {"csrf_token": csrf(page.text), "title": "Vòng đã đóng (sửa)", "description": ""}
    renamed = client.post(path, data=sent, follow_redirects=False)  # what a browser sends: the enabled fields
    assert renamed.status_code == 303, renamed.text
    assert [list(d["after"]) for d in updates(client, world, world.closed_round)] == [["title"]]

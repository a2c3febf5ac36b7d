"""The judges' review through the API: phase moves, complaints and their
answers, disqualifications and reinstatements, each logged."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from contest.domain.models import Role
from contest.services.journal import describe
from contest.web import review_api
from tests.backends import rows
from tests.conftest import PASSWORD, World
from tests.web.test_leaderboards import take
from tests.web.test_organiser import sign_in_staff

Headers = dict[str, str]


@pytest.fixture
def judge(client: TestClient, world: World) -> Headers:
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    client.cookies.clear()
    token = client.post("/api/v1/token", json={"login": "giamkhao", "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def take_part(client: TestClient, world: World, participant: Headers) -> dict[str, Any]:
    """Start and submit an attempt in the open round; returns the attempt."""
    attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=participant).json()
    submitted = client.post(f"/api/v1/attempts/{attempt['id']}/submit", json={"prediction": 3}, headers=participant)
    assert submitted.status_code == 200, submitted.text
    return attempt  # type: ignore[no-any-return]


def phase(client: TestClient, judge: Headers, round_id: int, to: str, note: str = "") -> Any:
    return client.post(f"/api/v1/staff/rounds/{round_id}/phase", json={"phase": to, "note": note}, headers=judge)


def standing(client: TestClient, world: World) -> list[tuple[int, int]]:
    """The open round's stored standings: (participant, counting attempt)."""
    entries = client.portal.call(lambda: world.services.storage.leaderboards.entries(world.open_round))
    return [(e.user_id, e.attempt_id) for e in entries]


@pytest.fixture
def closed(client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any) -> tuple[Headers, int]:
    """A participant with one submitted attempt in the open round, which has
    since closed with a complaint window of 24 hours; returns their headers
    and the attempt's id."""
    participant = api_user()
    attempt = take_part(client, world, participant)
    rows(settings.database_url, "UPDATE rounds SET complaint_window_hours = 24 WHERE id = ?", (world.open_round,))
    world.clock.advance(days=8)
    return participant, attempt["id"]


def test_complaint_answered_then_final_results(
    client: TestClient, world: World, judge: Headers, closed: tuple[Headers, int], settings: Any
) -> None:
    participant, attempt_id = closed
    complain = f"/api/v1/attempts/{attempt_id}/complaints"
    early = client.post(complain, json={"text": "Câu 3 sai đáp án."}, headers=participant)
    assert (early.status_code, early.json()["error"]) == (409, "complaints_closed")

    assert phase(client, judge, world.open_round, "under_review").json() == {
        "round_id": world.open_round,
        "phase": "under_review",
    }
    assert phase(client, judge, world.open_round, "provisional", "Công bố tạm thời").status_code == 200
    filed = client.post(complain, json={"question_id": 3, "text": " Câu 3 có hai đáp án đúng. "}, headers=participant)
    assert filed.status_code == 201, filed.text
    complaint = filed.json()
    assert (complaint["question_id"], complaint["text"], complaint["answer"]) == (3, "Câu 3 có hai đáp án đúng.", None)
    assert "participant" not in complaint

    refused = phase(client, judge, world.open_round, "final")
    assert (refused.status_code, refused.json()["error"]) == (409, "complaint_window_open")
    world.clock.advance(hours=25)
    refused = phase(client, judge, world.open_round, "final")
    assert (refused.status_code, refused.json()["error"]) == (409, "complaints_unanswered")
    late = client.post(complain, json={"text": "Còn nữa."}, headers=participant)
    assert (late.status_code, late.json()["message"]) == (409, "Đã hết thời hạn gửi khiếu nại của vòng thi này.")

    queue = client.get(f"/api/v1/staff/rounds/{world.open_round}/complaints", headers=judge).json()
    assert [(c["id"], c["participant"], c["answer"]) for c in queue] == [(complaint["id"], "Nguyễn Văn An", None)]
    answer = f"/api/v1/staff/complaints/{complaint['id']}/answer"
    answered = client.post(answer, json={"text": "Đáp án B đúng theo Điều 3; giữ nguyên kết quả."}, headers=judge)
    assert answered.status_code == 200, answered.text
    assert answered.json()["answered_by"] == "Nguyễn Ban Tổ Chức"
    again = client.post(answer, json={"text": "Lần hai."}, headers=judge)
    assert (again.status_code, again.json()["error"]) == (409, "already_answered")
    mine = client.get(complain, headers=participant).json()
    assert [c["answer"] for c in mine] == ["Đáp án B đúng theo Điều 3; giữ nguyên kết quả."]

    assert phase(client, judge, world.open_round, "final").json()["phase"] == "final"
    logged = rows(
        settings.database_url,
        "SELECT action FROM audit_log WHERE subject = ? ORDER BY id",
        (f"round:{world.open_round}",),
    )
    assert [a for (a,) in logged] == ["round.phase", "round.phase", "round.answer", "round.phase", "round.republish"]


def test_complaint_refuses_bad_input_and_others_attempts(
    client: TestClient, world: World, judge: Headers, closed: tuple[Headers, int], api_user: Callable[..., Headers]
) -> None:
    participant, attempt_id = closed
    phase(client, judge, world.open_round, "under_review")
    phase(client, judge, world.open_round, "provisional")
    complain = f"/api/v1/attempts/{attempt_id}/complaints"
    empty = client.post(complain, json={"text": "  "}, headers=participant)
    assert (empty.status_code, empty.json()["errors"]) == (422, {"text": "Hãy viết nội dung khiếu nại."})
    beyond = client.post(complain, json={"question_id": 99, "text": "Câu 99"}, headers=participant)
    assert beyond.status_code == 422
    assert beyond.json()["errors"] == {"question_id": "Câu hỏi cần là một số nguyên từ 1 đến 5."}
    other = client.post(complain, json={"text": "Không phải bài của tôi."}, headers=api_user())
    assert other.status_code == 404
    assert client.post(complain, json={"text": "Giám khảo"}, headers=judge).status_code == 403


def test_disqualify_an_attempt_then_reinstate_it(
    client: TestClient, world: World, judge: Headers, closed: tuple[Headers, int], settings: Any
) -> None:
    participant, attempt_id = closed
    disqualify = f"/api/v1/staff/rounds/{world.open_round}/disqualifications"
    early = client.post(disqualify, json={"attempt_id": attempt_id, "reason": "Làm quá nhanh"}, headers=judge)
    assert (early.status_code, early.json()["error"]) == (409, "not_under_review")
    phase(client, judge, world.open_round, "under_review")

    neither = client.post(disqualify, json={"reason": "Không rõ"}, headers=judge)
    assert neither.status_code == 422
    both = client.post(disqualify, json={"attempt_id": attempt_id, "user_id": 1, "reason": "x"}, headers=judge)
    assert both.status_code == 422
    elsewhere = f"/api/v1/staff/rounds/{world.closed_round}/disqualifications"
    assert client.post(elsewhere, json={"attempt_id": attempt_id, "reason": "x"}, headers=judge).status_code == 422
    no_reason = client.post(disqualify, json={"attempt_id": attempt_id}, headers=judge)
    assert (no_reason.status_code, no_reason.json()["errors"]) == (422, {"reason": "Hãy ghi lý do loại."})

    made = client.post(
        disqualify, json={"attempt_id": attempt_id, "reason": "Trùng đáp án với tài khoản khác"}, headers=judge
    )
    assert made.status_code == 201, made.text
    found = made.json()
    assert (found["attempt_id"], found["participant"], found["active"]) == (attempt_id, "Nguyễn Văn An", True)
    assert standing(client, world) == []  # the review ranking leaves the attempt out at once
    twice = client.post(disqualify, json={"attempt_id": attempt_id, "reason": "Lần hai"}, headers=judge)
    assert (twice.status_code, twice.json()["error"]) == (409, "already_disqualified")
    whole = client.post(disqualify, json={"user_id": found["user_id"], "reason": "Hai tài khoản"}, headers=judge)
    assert whole.status_code == 201
    excluded = client.portal.call(world.services.storage.judging.excluded, world.open_round)
    assert excluded == (frozenset({found["user_id"]}), frozenset({attempt_id}))

    reinstate = f"/api/v1/staff/disqualifications/{found['id']}/reinstate"
    lifted = client.post(reinstate, json={"reason": "Đã xác minh: làm bài độc lập"}, headers=judge)
    assert lifted.status_code == 200, lifted.text
    assert (lifted.json()["active"], lifted.json()["reinstate_reason"]) == (False, "Đã xác minh: làm bài độc lập")
    again = client.post(reinstate, json={"reason": "Lần hai"}, headers=judge)
    assert (again.status_code, again.json()["error"]) == (409, "already_reinstated")
    assert standing(client, world) == []  # the participant's whole round is still out
    listed = client.get(disqualify, headers=judge).json()
    assert [(d["attempt_id"], d["active"]) for d in listed] == [(attempt_id, False), (None, True)]
    excluded = client.portal.call(world.services.storage.judging.excluded, world.open_round)
    assert excluded == (frozenset({found["user_id"]}), frozenset())
    whole = client.get(disqualify, headers=judge).json()[1]
    client.post(f"/api/v1/staff/disqualifications/{whole['id']}/reinstate", json={"reason": "Một người"}, headers=judge)
    assert standing(client, world) == [(found["user_id"], attempt_id)]
    logged = rows(
        settings.database_url,
        "SELECT action FROM audit_log WHERE subject = ? AND action <> 'round.phase' ORDER BY id",
        (f"round:{world.open_round}",),
    )
    assert [a for (a,) in logged] == ["round.disqualify", "round.disqualify", "round.reinstate", "round.reinstate"]
    assert client.get(disqualify, headers=participant).status_code == 403


def test_review_log_reads_as_sentences(
    client: TestClient, world: World, judge: Headers, closed: tuple[Headers, int]
) -> None:
    participant, attempt_id = closed
    phase(client, judge, world.open_round, "under_review")
    disqualify = f"/api/v1/staff/rounds/{world.open_round}/disqualifications"
    made = client.post(disqualify, json={"attempt_id": attempt_id, "reason": "Làm quá nhanh"}, headers=judge).json()
    client.post(
        f"/api/v1/staff/disqualifications/{made['id']}/reinstate", json={"reason": "Đã xác minh"}, headers=judge
    )
    client.post(disqualify, json={"user_id": made["user_id"], "reason": "Hai tài khoản"}, headers=judge)
    phase(client, judge, world.open_round, "provisional")
    filed = client.post(f"/api/v1/attempts/{attempt_id}/complaints", json={"text": "Câu 2"}, headers=participant)
    answer = f"/api/v1/staff/complaints/{filed.json()['id']}/answer"
    client.post(answer, json={"text": "Giữ nguyên đáp án."}, headers=judge)
    entries = client.portal.call(lambda: world.services.storage.audit.entries(subject=f"round:{world.open_round}"))
    names = {world.open_round: "Vòng mở"}
    lines = [describe(e, banks={}, rounds=names).text for e in reversed(entries) if e.action != "round.phase"]
    assert lines == [
        "Loại lần làm bài thứ 1 của «Nguyễn Văn An» ở vòng «Vòng mở»: Làm quá nhanh",
        "Khôi phục lần làm bài thứ 1 của «Nguyễn Văn An» ở vòng «Vòng mở»: Đã xác minh",
        "Loại thí sinh «Nguyễn Văn An» ở vòng «Vòng mở»: Hai tài khoản",
        "Trả lời khiếu nại của «Nguyễn Văn An» ở vòng «Vòng mở»: Giữ nguyên đáp án.",
    ]


def test_every_review_route_is_documented(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for route in review_api.routes:
        assert isinstance(route, Route)
        path = "/api" + re.sub(r":\w+}", "}", route.path)
        assert {m.lower() for m in route.methods or ()} - {"head"} <= set(paths[path]), path


def test_review_ranking_flags_and_searches(
    client: TestClient, world: World, judge: Headers, api_user: Callable[..., Headers], settings: Any
) -> None:
    first, twin = api_user(), api_user()  # the same name and year of birth, two phones
    binh = api_user(full_name="Trần Thị Bình")
    fast = take(client, world, first, right=5, prediction=1, seconds=4)
    take(client, world, twin, right=3, prediction=1, seconds=200)
    slow = take(client, world, binh, right=4, prediction=1, seconds=300)
    again = take(client, world, binh, right=2, prediction=1, seconds=100)
    ranking = f"/api/v1/staff/rounds/{world.open_round}/ranking"
    assert client.get(ranking, headers=judge).status_code == 404  # not ranked before review
    world.clock.advance(days=8)
    phase(client, judge, world.open_round, "under_review")

    body = client.get(ranking, headers=judge).json()
    assert (body["phase"], body["found"], body["page"], body["pages"]) == ("under_review", 3, 1, 1)
    flags = [(e["name"], e["score"], [f["kind"] for f in e["flags"]]) for e in body["entries"]]
    assert flags == [
        ("Nguyễn Văn An", 5, ["fast", "shared_address", "same_person"]),
        ("Trần Thị Bình", 4, ["shared_address"]),  # the test client is one address for everyone
        ("Nguyễn Văn An", 3, ["shared_address", "same_person"]),
    ]
    top = body["entries"][0]
    assert top["attempt_id"] == fast and top["phone"].startswith("09xx xxx ")
    assert top["flags"][0]["reason"] == "5 câu đúng trong 4 giây: dưới 3 giây mỗi câu đúng."
    assert top["flags"][1]["reason"] == "Cùng địa chỉ mạng với 2 tài khoản khác trong vòng 10 phút."
    assert top["flags"][2]["reason"] == "Trùng họ tên và năm sinh với 1 tài khoản khác trong vòng thi."
    assert [(a["id"], a["counting"], a["score"]) for a in body["entries"][1]["attempts"]] == [
        (slow, True, 4),
        (again, False, 2),
    ]
    found = client.get(ranking, params={"q": "tran thi"}, headers=judge).json()
    assert [e["name"] for e in found["entries"]] == ["Trần Thị Bình"] and found["found"] == 1
    assert client.get(ranking, params={"page": "0"}, headers=judge).status_code == 422

    flagged = client.get(f"/api/v1/staff/attempts/{fast}", headers=judge).json()
    assert [f["kind"] for f in flagged["flags"]] == ["fast", "shared_address", "same_person"]
    assert (flagged["address"], flagged["browser"]) == ("testclient", "testclient")
    assert flagged["account"]["cccd"].startswith("082090") and flagged["result"]["score"] == 5
    first_question = flagged["questions"][0]
    assert first_question["chosen"] == first_question["correct"] and first_question["saved_at"] is not None
    home = "UPDATE attempts SET client_address = '203.0.113.9' WHERE id = ?"
    rows(settings.database_url, home, (again,))  # started from home, alone there
    plain = client.get(f"/api/v1/staff/attempts/{again}", headers=judge).json()
    assert plain["flags"] == [] and plain["account"] is None  # personal data only on a flagged attempt
    assert [q["saved_at"] is None for q in plain["questions"]] == [False, False, True, True, True]
    assert client.get(ranking, headers=api_user()).status_code == 403


def test_republication_logs_who_moved(
    client: TestClient, world: World, judge: Headers, api_user: Callable[..., Headers]
) -> None:
    first = take(client, world, api_user(full_name="Nguyễn Văn An"), right=5, prediction=1, seconds=100)
    take(client, world, api_user(full_name="Trần Thị Bình"), right=4, prediction=1, seconds=100)
    take(client, world, api_user(full_name="Lê Văn Chi"), right=3, prediction=1, seconds=100)
    world.clock.advance(days=8)
    phase(client, judge, world.open_round, "under_review")
    phase(client, judge, world.open_round, "provisional")
    phase(client, judge, world.open_round, "under_review", "Khiếu nại câu 2")
    disqualify = f"/api/v1/staff/rounds/{world.open_round}/disqualifications"
    client.post(disqualify, json={"attempt_id": first, "reason": "Nhờ người làm hộ"}, headers=judge)
    phase(client, judge, world.open_round, "provisional", "Công bố lại")
    phase(client, judge, world.open_round, "final")
    entries = client.portal.call(lambda: world.services.storage.audit.entries(subject=f"round:{world.open_round}"))
    names = {world.open_round: "Vòng mở"}
    lines = [describe(e, banks={}, rounds=names).text for e in reversed(entries) if e.action == "round.republish"]
    assert lines == [
        "Công bố lại kết quả vòng «Vòng mở»: 3 thí sinh đổi hạng (Trần Thị Bình: 2 → 1; Lê Văn Chi: 3 → 2;"
        " Nguyễn Văn An: 1 → không còn xếp hạng)",
        "Công bố lại kết quả vòng «Vòng mở»: không thí sinh nào đổi hạng",
    ]

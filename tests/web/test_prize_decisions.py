"""The judges' decision on a tie across a prize boundary, through the page
(no JavaScript) and the API: refused input, the 409 on final results while
the tie is undecided, the log entries with before and after, and the decision
in the winners list, its xlsx, the certificates and the biên bản."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import openpyxl
from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.backends import rows
from tests.conftest import PASSWORD, World
from tests.web.test_judges_pages import post, sign_in
from tests.web.test_organiser import sign_in_staff
from tests.web.test_ranking_rules import publish, take
from tests.web.test_review_api import phase

Headers = dict[str, str]


def tied_round(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> tuple[list[int], list[Headers]]:
    """Two participants exactly tied for the one first prize of the open
    round; the round closed. Returns their ids and their tokens."""
    prizes = '{"first": 1, "second": 0, "third": 0, "consolation": 0}'
    rows(settings.database_url, "UPDATE rounds SET prizes = ? WHERE id = ?", (prizes, world.open_round))
    people = [
        api_user(full_name="Nguyễn Văn An", phone="0912345123"),
        api_user(full_name="Trần Thị Bình", phone="0987654321"),
    ]
    started = [client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=h).json()["id"] for h in people]
    for headers, attempt in zip(people, started, strict=True):  # one right answer each: a prize needs one
        first = client.portal.call(world.services.storage.attempts.get, attempt).questions[0]
        path = f"/api/v1/attempts/{attempt}/answers/{first.id}"
        assert client.put(path, headers=headers, json={"options": sorted(first.correct)}).status_code == 200
    world.clock.advance(seconds=120)  # both submit at the same moment after the same time: an exact tie
    for headers, attempt in zip(people, started, strict=True):
        client.post(f"/api/v1/attempts/{attempt}/submit", headers=headers, json={"prediction": 1})
    world.clock.advance(days=8)
    ids = [client.portal.call(world.services.storage.attempts.summary, a).user_id for a in started]
    return ids, people


def test_tie_decided_on_the_page_then_by_the_api_and_shown_everywhere(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    (an, binh), people = tied_round(client, world, api_user, settings)
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    page = f"/judging/rounds/{world.open_round}"
    decisions = f"/api/v1/staff/rounds/{world.open_round}/prize-decisions"
    post(client, f"{page}/phase", page, phase="under_review")
    shown = client.get(page).text
    assert 'id="prize-ties"' in shown and "Chưa quyết định: chưa công bố được kết quả chính thức." in shown
    assert f'name="user_id" value="{an}"' in shown and 'name="prize" value="first"' in shown

    refused = post(client, f"{page}/prize-decisions", page, prize="first", user_id=str(an), reason=" ")
    assert refused.status_code == 422 and "Hãy ghi lý do quyết định." in refused.text
    assert post(client, f"{page}/phase", page, phase="provisional").status_code == 303
    final = post(client, f"{page}/phase", page, phase="final")
    assert final.status_code == 409 and "chưa được Ban Giám khảo quyết định (hạng 1)" in final.text

    made = post(client, f"{page}/prize-decisions", page, prize="first", user_id=str(an), reason="Bốc thăm công khai")
    assert made.headers["location"] == f"{page}?notice=decided"
    shown = client.get(page).text
    assert "Đã quyết định (Nguyễn Ban Tổ Chức," in shown and "Giải Nhất cho Nguyễn Văn An. Bốc thăm công khai" in shown

    client.cookies.clear()
    token = client.post("/api/v1/token", json={"login": "giamkhao", "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    for body, field in (
        ({"prize": "second", "user_ids": [an], "reason": "x"}, "prize"),
        ({"prize": "first", "user_ids": [an, 999_999], "reason": "x"}, "user_ids"),
        ({"prize": "first", "user_ids": [], "reason": "x"}, "user_ids"),
        ({"prize": "first", "user_ids": [an]}, "reason"),
    ):
        bad = client.post(decisions, json=body, headers=bearer)
        assert (bad.status_code, list(bad.json()["errors"])) == (422, [field]), body
    listed = client.get(decisions, headers=bearer).json()
    assert listed["stale"] == [] and len(listed["ties"]) == 1
    tie = listed["ties"][0]
    assert {k: tie[k] for k in ("rank", "user_ids", "names", "places", "prizes")} == {
        "rank": 1,
        "user_ids": [an, binh],
        "names": ["Nguyễn Văn An", "Trần Thị Bình"],
        "places": "1 Giải Nhất, 1 không giải",
        "prizes": ["first"],
    }
    assert (tie["decision"]["user_ids"], tie["decision"]["reason"]) == ([an], "Bốc thăm công khai")
    both = client.post(
        decisions, json={"prize": "first", "user_ids": [binh, an], "reason": "Trao cả hai, vượt cơ cấu"}, headers=bearer
    )
    assert both.status_code == 201, both.text
    assert {k: both.json()[k] for k in ("rank", "tied", "prize", "user_ids")} == {
        "rank": 1,
        "tied": [an, binh],
        "prize": "first",
        "user_ids": [an, binh],
    }
    logged = rows(
        settings.database_url,
        "SELECT details FROM audit_log WHERE action = 'round.prize_decision' AND subject = ? ORDER BY id",
        (f"round:{world.open_round}",),
    )
    first, second = (json.loads(d) for (d,) in logged)
    assert first == {
        "rank": 1,
        "tied": ["Nguyễn Văn An", "Trần Thị Bình"],
        "before": None,
        "after": {"prize": "Giải Nhất", "winners": ["Nguyễn Văn An"], "reason": "Bốc thăm công khai"},
    }
    assert second["before"] == first["after"]
    assert second["after"] == {
        "prize": "Giải Nhất",
        "winners": ["Nguyễn Văn An", "Trần Thị Bình"],
        "reason": "Trao cả hai, vượt cơ cấu",
    }

    assert phase(client, bearer, world.open_round, "final").json()["phase"] == "final"
    for headers in people:
        assert [r["prize"] for r in client.get("/api/v1/me/results", headers=headers).json()["results"]] == ["first"]
    late = client.post(decisions, json={"prize": "first", "user_ids": [an], "reason": "x"}, headers=bearer)
    assert (late.status_code, late.json()["error"]) == (409, "not_deciding")
    sign_in(client, "giamkhao")
    record = client.get(f"/judging/rounds/{world.open_round}/record").text
    assert "Giải Nhất: Nguyễn Văn An" in record and "Giải Nhất: Trần Thị Bình" in record
    assert re.search(r"Ban Giám khảo quyết định trao Giải Nhất cho Nguyễn Văn An, Trần Thị Bình: Trao cả hai", record)

    sign_in_staff(client, world, Role.ORGANISER, "btc")
    winners = f"/organiser/rounds/{world.open_round}/winners"
    assert "Trao cả hai, vượt cơ cấu" in client.get(winners).text
    book = openpyxl.load_workbook(io.BytesIO(client.get(winners + ".xlsx").content))
    table = [[c.value for c in r] for r in book.active.iter_rows()]
    assert table[0][-1] == "Quyết định của Ban Giám khảo"
    assert [(r[0], r[2], r[-1]) for r in table[1:]] == [
        ("Giải Nhất", "Nguyễn Văn An", "Trao cả hai, vượt cơ cấu"),
        ("Giải Nhất", "Trần Thị Bình", "Trao cả hai, vượt cơ cấu"),
    ]
    sign_in(client, "0987654321")
    assert client.get(f"/rounds/{world.open_round}/certificate.pdf").status_code == 200


def test_no_prize_for_no_correct_answer_and_the_quota_left_is_shown(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    prizes = '{"first": 1, "second": 1, "third": 0, "consolation": 0}'
    rows(settings.database_url, "UPDATE rounds SET prizes = ? WHERE id = ?", (prizes, world.open_round))
    an, binh = api_user(full_name="Nguyễn Văn An"), api_user(full_name="Trần Thị Bình")
    take(client, world, world.open_round, an, right=2, prediction=1, seconds=60)
    take(client, world, world.open_round, binh, right=0, prediction=1, seconds=60)
    world.clock.advance(days=8)
    publish(client, world, world.open_round, "final")
    assert [client.get("/api/v1/me/results", headers=h).json()["results"][0]["prize"] for h in (an, binh)] == [
        "first",
        None,
    ]
    record = client.get(f"/judging/rounds/{world.open_round}/record").text
    assert "Giải Nhất: Nguyễn Văn An" in record and "Giải Nhì: Trần Thị Bình" not in record
    left = "Không trao Giải Nhì (1 giải): không còn thí sinh trả lời đúng ít nhất một câu."
    assert left in record
    assert left in client.get(f"/judging/rounds/{world.open_round}").text
    client.cookies.set("lang", "en")
    english = client.get(f"/judging/rounds/{world.open_round}").text
    assert "Not awarded: Second prize (1), as no participant with at least one correct answer is left." in english
    assert "Không trao" not in english

"""The identical-answers flag on the judges' review: two accounts that drew
the same questions and saved the same options in the same order, one of
them wrong, are flagged with each other's names; the same answers saved in
another order are not; nor are sheets a key correction made all right."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from contest.domain.models import Role
from contest.services.staff import OPERATOR
from tests.backends import rows
from tests.conftest import PASSWORD, World
from tests.web.test_organiser import sign_in_staff

Headers = dict[str, str]


def test_same_answers_in_the_same_order_are_flagged_with_the_other_names(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    people = [
        (api_user(full_name="Nguyễn Văn An"), False),
        (api_user(full_name="Trần Thị Bình"), False),
        (api_user(full_name="Lê Văn Chi"), True),  # the same answers, saved in the other order
    ]
    attempts: list[int] = []
    for headers, reverse in people:
        attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()["id"]
        if attempts:  # the same draw as the first: the same questions, options shown in the same order
            same = "UPDATE attempts SET questions = (SELECT questions FROM attempts WHERE id = ?) WHERE id = ?"
            rows(settings.database_url, same, (attempts[0], attempt))
        stored = client.portal.call(world.services.storage.attempts.get, attempt)
        order = list(reversed(stored.questions)) if reverse else list(stored.questions)
        for i, q in enumerate(order):  # saved as the API saves them (it holds the draw it started with)
            chosen = sorted(q.correct) if i else [next(o.id for o in q.options if o.id not in q.correct)]
            saved_at = int(world.clock.now().timestamp() * 1000)
            insert = "INSERT INTO answers (attempt_id, question_id, options, saved_at, revision) VALUES (?, ?, ?, ?, 1)"
            rows(settings.database_url, insert, (attempt, q.id, json.dumps(chosen), saved_at))
            world.clock.advance(seconds=30)
        submitted = client.post(f"/api/v1/attempts/{attempt}/submit", headers=headers, json={"prediction": 1})
        assert submitted.status_code == 200, submitted.text
        attempts.append(attempt)
    world.clock.advance(days=8)

    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    client.cookies.clear()
    token = client.post("/api/v1/token", json={"login": "giamkhao", "password": PASSWORD}).json()["access_token"]
    judge = {"Authorization": f"Bearer {token}"}
    moved = client.post(f"/api/v1/staff/rounds/{world.open_round}/phase", json={"phase": "under_review"}, headers=judge)
    assert moved.status_code == 200, moved.text
    ranking = client.get(f"/api/v1/staff/rounds/{world.open_round}/ranking", headers=judge).json()
    flagged = {
        e["name"]: [f["reason"] for f in e["flags"] if f["kind"] == "identical_answers"] for e in ranking["entries"]
    }
    assert flagged == {
        "Nguyễn Văn An": ["Trả lời giống hệt, cùng thứ tự (kể cả câu sai) với: Trần Thị Bình."],
        "Trần Thị Bình": ["Trả lời giống hệt, cùng thứ tự (kể cả câu sai) với: Nguyễn Văn An."],
        "Lê Văn Chi": [],
    }
    opened = client.get(f"/api/v1/staff/attempts/{attempts[1]}", headers=judge).json()
    assert [f["kind"] for f in opened["flags"] if f["kind"] == "identical_answers"] == ["identical_answers"]

    # The judges correct the key of the question both got wrong the same way: their sheets are now all
    # right, which anyone who knew the answers sends, so the flag goes.
    first = client.portal.call(world.services.storage.attempts.get, attempts[0]).questions[0]
    letter = next(o.letter for o in first.options if o.id not in first.correct)
    judge_user = client.portal.call(world.services.staff.account, OPERATOR, "giamkhao")
    client.portal.call(lambda: world.services.keys.apply(judge_user, world.open_round, first.code, [letter], "Sai"))
    ranking = client.get(f"/api/v1/staff/rounds/{world.open_round}/ranking", headers=judge).json()
    assert [f["kind"] for e in ranking["entries"] for f in e["flags"] if f["kind"] == "identical_answers"] == []

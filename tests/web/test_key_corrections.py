"""Judges correct a question's key from the attempt drill-down, without
JavaScript: a preview of who moves from which score and rank to which, then
confirmed with a reason, the round re-scored and logged; published
provisional results change only when the judges publish again, which lists
the rank moves; under review the standings change at once."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.testclient import TestClient

from contest.domain.models import Question, Role
from tests.backends import rows
from tests.conftest import World
from tests.web.test_judges_pages import post
from tests.web.test_organiser import sign_in_staff

Headers = dict[str, str]


def ranks(client: TestClient, world: World) -> dict[str, tuple[int, int]]:
    entries = client.portal.call(lambda: world.services.storage.leaderboards.entries(world.open_round))
    return {e.name: (e.rank, e.score) for e in entries}


def two_tied(client: TestClient, world: World, api_user: Callable[..., Headers]) -> tuple[Question, str, int]:
    """Nguyễn Văn An and Trần Thị Bình each answer 3 questions right, An the
    faster; the round then closes. Returns a single-answer question An
    answered right and Bình did not, a wrong letter of it (correcting its
    key to that letter takes a point from An alone) and An's attempt. Which
    questions each answers is chosen, not left to the draw."""
    chosen: list[Question] = []

    def for_an(drawn: tuple[Question, ...]) -> list[Question]:
        single = next(q for q in drawn if not q.multiple)
        chosen.append(single)
        return [single, *[q for q in drawn if q is not single][:2]]

    def for_binh(drawn: tuple[Question, ...]) -> list[Question]:
        return [q for q in drawn if q.code != chosen[0].code][:3]

    an = answered(client, world, api_user(full_name="Nguyễn Văn An"), for_an, seconds=60)
    answered(client, world, api_user(full_name="Trần Thị Bình"), for_binh, seconds=90)
    world.clock.advance(days=8)
    question = chosen[0]
    return question, next(o.letter for o in question.options if o.id not in question.correct), an


def answered(
    client: TestClient,
    world: World,
    headers: Headers,
    choose: Callable[[tuple[Question, ...]], list[Question]],
    *,
    seconds: int,
) -> int:
    """An attempt in the open round with the questions ``choose`` picks from
    the draw answered right (the rest left), ``seconds`` long, submitted
    with the prediction 1; its id."""
    body = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()
    stored = client.portal.call(world.services.storage.attempts.get, body["id"])
    right = choose(stored.questions)
    assert len(right) == 3
    for q in right:
        saved = client.put(
            f"/api/v1/attempts/{body['id']}/answers/{q.id}", headers=headers, json={"options": sorted(q.correct)}
        )
        assert saved.status_code == 200, saved.text
    world.clock.advance(seconds=seconds)
    done = client.post(f"/api/v1/attempts/{body['id']}/submit", headers=headers, json={"prediction": 1})
    assert done.status_code == 200, done.text
    return int(body["id"])


def test_judge_corrects_a_key_with_a_preview_and_republishes(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    question, wrong, an = two_tied(client, world, api_user)

    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    page = f"/judging/rounds/{world.open_round}"
    post(client, f"{page}/phase", page, phase="under_review")
    post(client, f"{page}/phase", page, phase="provisional")
    assert ranks(client, world) == {"Nguyễn Văn An": (1, 3), "Trần Thị Bình": (2, 3)}

    drill = client.get(f"/judging/attempts/{an}").text
    keys = f"{page}/keys/{quote(question.code)}"
    assert f'action="{keys}"' in drill and 'name="answer" value="A"' in drill
    preview = client.get(keys, params={"answer": wrong})
    assert preview.status_code == 200, preview.text
    shown = re.sub(r"\s+", " ", preview.text)
    assert f'<dd id="after">{wrong}</dd>' in shown and '<dd id="changed">1</dd>' in shown
    assert 'Nguyễn Văn An</td> <td data-label="Điểm">3 → 2</td> <td data-label="Hạng">1 → 2</td>' in shown
    assert 'Trần Thị Bình</td> <td data-label="Điểm">3 → 3</td> <td data-label="Hạng">2 → 1</td>' in shown
    assert client.get(keys, params={"answer": "Z"}).status_code == 422
    assert ranks(client, world) == {"Nguyễn Văn An": (1, 3), "Trần Thị Bình": (2, 3)}  # a preview changes nothing

    refused = post(client, keys, keys + f"?answer={wrong}", answer=wrong, reason=" ")
    assert refused.status_code == 422 and "Hãy ghi lý do sửa đáp án." in refused.text
    done = post(client, keys, keys + f"?answer={wrong}", answer=wrong, reason="Khiếu nại đúng: đáp án theo Điều 5")
    assert done.headers["location"] == f"{page}?notice=key"
    assert client.portal.call(world.services.storage.attempts.get, an).result.score == 2
    assert ranks(client, world) == {"Nguyễn Văn An": (1, 3), "Trần Thị Bình": (2, 3)}  # published: unchanged
    logged = rows(
        settings.database_url,
        "SELECT details FROM audit_log WHERE action = 'round.rescore' AND subject = ?",
        (f"round:{world.open_round}",),
    )
    assert json.loads(logged[0][0])["key"] == {
        "code": question.code,
        "before": question.options[min(question.correct) - 1].letter,
        "after": wrong,
        "reason": "Khiếu nại đúng: đáp án theo Điều 5",
    }

    post(client, f"{page}/phase", page, phase="under_review")
    assert ranks(client, world) == {"Trần Thị Bình": (1, 3), "Nguyễn Văn An": (2, 2)}
    post(client, f"{page}/phase", page, phase="provisional")
    moves = rows(
        settings.database_url,
        "SELECT details FROM audit_log WHERE action = 'round.republish' AND subject = ?",
        (f"round:{world.open_round}",),
    )
    assert json.loads(moves[-1][0])["moves"] == [["Trần Thị Bình", 2, 1], ["Nguyễn Văn An", 1, 2]]

    post(client, f"{page}/phase", page, phase="under_review")
    back = next(o.letter for o in question.options if o.id in question.correct)
    assert post(client, keys, keys + f"?answer={back}", answer=back, reason="Sửa lại").status_code == 303
    assert ranks(client, world) == {"Nguyễn Văn An": (1, 3), "Trần Thị Bình": (2, 3)}  # under review: at once


def test_key_preview_page_reads_every_letter(client: TestClient, world: World) -> None:
    """The drill-down's ticked boxes (``answer`` repeated) and typed letters
    are read as one key, as in the API; a letter the question has not is named."""
    world.clock.advance(days=8)
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    page = f"/judging/rounds/{world.open_round}"
    post(client, f"{page}/phase", page, phase="under_review")
    keys = f"{page}/keys/T-005"  # several right answers: A, C of A to D
    for answer in (["C", "D"], "CD", "c, d"):
        shown = client.get(keys, params={"answer": answer})
        assert shown.status_code == 200, shown.text
        assert '<dd id="before">A, C</dd>' in shown.text and '<dd id="after">C, D</dd>' in shown.text, answer
        assert shown.text.count('name="answer"') == 2
    refused = client.get(keys, params={"answer": ["C", "E"]})
    assert refused.status_code == 422
    assert "Câu hỏi này không có phương án E: chọn đáp án đúng trong các phương án A, B, C, D." in refused.text

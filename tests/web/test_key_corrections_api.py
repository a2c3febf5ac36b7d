"""Judges correct a question's key through the JSON API, as on their pages
(``test_key_corrections.py``): a preview of who moves from which score and
rank to which, then, with a reason, the round re-scored and logged; and each
refusal with its status."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from contest.domain.models import Attempt, Role
from contest.domain.rescoring import held_key, letters_of
from contest.services.key_corrections import NOT_CORRECTING, NOT_IN_ROUND
from tests.backends import rows
from tests.conftest import World
from tests.web.test_account import bearer
from tests.web.test_key_corrections import ranks, two_tied
from tests.web.test_leaderboards import take
from tests.web.test_organiser import sign_in_staff

Headers = dict[str, str]


def judge_headers(client: TestClient, world: World) -> Headers:
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    client.cookies.clear()
    return bearer(client, "giamkhao")


def test_judge_previews_and_corrects_a_key_through_the_api(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    question, wrong, an = two_tied(client, world, api_user)
    judge = judge_headers(client, world)
    for to in ("under_review", "provisional"):
        moved = client.post(f"/api/v1/staff/rounds/{world.open_round}/phase", json={"phase": to}, headers=judge)
        assert moved.status_code == 200, moved.text
    keys = f"/api/v1/staff/rounds/{world.open_round}/keys/{question.code}"
    before = question.options[min(question.correct) - 1].letter
    expected = {
        "round_id": world.open_round,
        "code": question.code,
        "before": before,
        "after": wrong,
        "results_changed": 1,
        "skipped": [],
        "changes": [
            {"name": "Trần Thị Bình", "score_before": 3, "score_after": 3, "rank_before": 2, "rank_after": 1},
            {"name": "Nguyễn Văn An", "score_before": 3, "score_after": 2, "rank_before": 1, "rank_after": 2},
        ],
    }

    preview = client.get(keys, params={"answer": wrong.lower()}, headers=judge)
    assert preview.status_code == 200, preview.text
    shown = preview.json()
    assert shown["attempts_rekeyed"] >= 1
    assert {k: v for k, v in shown.items() if k != "attempts_rekeyed"} == expected
    assert ranks(client, world) == {"Nguyễn Văn An": (1, 3), "Trần Thị Bình": (2, 3)}  # a preview changes nothing

    no_reason = client.post(keys, json={"answer": wrong, "reason": "  "}, headers=judge)
    assert (no_reason.status_code, no_reason.json()["errors"]) == (422, {"reason": "Hãy ghi lý do sửa đáp án."})
    done = client.post(keys, json={"answer": [wrong], "reason": "Khiếu nại đúng: đáp án theo Điều 5"}, headers=judge)
    assert done.status_code == 200, done.text
    assert done.json() == shown
    assert client.portal.call(world.services.storage.attempts.get, an).result.score == 2
    assert ranks(client, world) == {"Nguyễn Văn An": (1, 3), "Trần Thị Bình": (2, 3)}  # published: until republished
    logged = rows(
        settings.database_url,
        "SELECT details, actor_id FROM audit_log WHERE action = 'round.rescore' AND subject = ?",
        (f"round:{world.open_round}",),
    )
    found = client.portal.call(world.services.storage.accounts.for_login, "giamkhao")
    assert found is not None
    key = {"code": question.code, "before": before, "after": wrong, "reason": "Khiếu nại đúng: đáp án theo Điều 5"}
    assert [(json.loads(details)["key"], actor) for details, actor in logged] == [(key, found[0].id)]
    again = client.get(keys, params={"answer": wrong}, headers=judge)
    assert (again.status_code, again.json()["errors"]) == (
        422,
        {"answer": f"Các bài thi của vòng này đang chấm theo đáp án {wrong} rồi."},
    )


def test_key_correction_api_refuses_each_wrong_request(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    question, wrong, _an = two_tied(client, world, api_user)
    participant = api_user()
    judge = judge_headers(client, world)
    keys = f"/api/v1/staff/rounds/{world.open_round}/keys/{question.code}"
    reason = {"answer": wrong, "reason": "Sửa đáp án"}

    early = (client.get(keys, params={"answer": wrong}, headers=judge), client.post(keys, json=reason, headers=judge))
    for refused in early:
        assert (refused.status_code, refused.json()["error"]) == (409, "not_correcting")  # closed, not under review
        assert refused.json()["message"] == NOT_CORRECTING
    moved = client.post(f"/api/v1/staff/rounds/{world.open_round}/phase", json={"phase": "under_review"}, headers=judge)
    assert moved.status_code == 200

    letters = ", ".join("ABCDEF"[: len(question.options)])
    for answer in ("Z", "", "A,B", "1"):
        bad = client.get(keys, params={"answer": answer}, headers=judge)
        assert bad.status_code == 422, answer
    assert client.get(keys, params={"answer": "Z"}, headers=judge).json()["errors"] == {
        "answer": f"Câu hỏi này không có phương án Z: chọn đáp án đúng trong các phương án {letters}."
    }
    one_only = f"Câu hỏi này chỉ có một đáp án đúng (thí sinh chỉ chọn được một phương án): chọn một trong {letters}."
    for several in ("A,B", "AB", "BC", "CD", "c, d"):
        refused = client.get(keys, params={"answer": several}, headers=judge)
        assert (refused.status_code, refused.json()["errors"]) == (422, {"answer": one_only}), several
    refused = client.post(keys, json={"answer": "CD", "reason": "Sửa"}, headers=judge)
    assert (refused.status_code, refused.json()["errors"]) == (422, {"answer": one_only})
    assert client.get(keys, headers=judge).status_code == 422  # no answer at all
    missing = client.post(keys, json={"answer": wrong}, headers=judge)
    assert (missing.status_code, missing.json()["errors"]) == (422, {"reason": "Hãy ghi lý do sửa đáp án."})
    bad_key = client.post(keys, json={"answer": {"B": True}, "reason": "Sửa"}, headers=judge)
    assert bad_key.status_code == 422 and "answer" in bad_key.json()["errors"]

    elsewhere = f"/api/v1/staff/rounds/{world.open_round}/keys/KHONG-CO"
    absent_both = (
        client.get(elsewhere, params={"answer": "A"}, headers=judge),
        client.post(elsewhere, json=reason, headers=judge),
    )
    for absent in absent_both:
        assert (absent.status_code, absent.json()["message"]) == (404, NOT_IN_ROUND)
    no_round = client.get("/api/v1/staff/rounds/999999/keys/T-001", params={"answer": "A"}, headers=judge)
    assert no_round.status_code == 404

    assert client.get(keys, params={"answer": wrong}).status_code == 401
    assert client.get(keys, params={"answer": wrong}, headers=participant).status_code == 403
    assert client.post(keys, json={"answer": wrong}, headers=participant).status_code == 403  # before the reason
    stays = client.portal.call(world.services.storage.leaderboards.entries, world.open_round)
    assert {e.name: e.score for e in stays} == {"Nguyễn Văn An": 3, "Trần Thị Bình": 3}


def test_key_of_several_letters_is_read_whole(
    client: TestClient, world: World, api_user: Callable[..., Headers]
) -> None:
    """The key ``"CD"``, ``"C, D"``, ``"c,d"`` or ``["C", "D"]`` is {C, D},
    never C alone; a letter the question has not is named."""
    world.clock.advance(days=8)
    judge = judge_headers(client, world)
    moved = client.post(f"/api/v1/staff/rounds/{world.open_round}/phase", json={"phase": "under_review"}, headers=judge)
    assert moved.status_code == 200
    several = client.portal.call(world.services.storage.banks.questions, version(client, world))
    code = next(q.code for q in several if q.multiple)  # key A, C; options A to D
    keys = f"/api/v1/staff/rounds/{world.open_round}/keys/{code}"
    for answer in ("CD", "C, D", "c,d", "DC", ["C", "D"]):
        shown = client.get(keys, params={"answer": answer}, headers=judge)
        assert shown.status_code == 200, shown.text
        assert (shown.json()["before"], shown.json()["after"]) == ("A, C", "C, D"), answer
    for answer, bad in (("AE", "E"), ("CDX", "X"), ("C, D, 9", "9"), ("A1, C", "A1")):
        refused = client.get(keys, params={"answer": answer}, headers=judge)
        assert (refused.status_code, refused.json()["errors"]) == (
            422,
            {"answer": f"Câu hỏi này không có phương án {bad}: chọn đáp án đúng trong các phương án A, B, C, D."},
        ), answer
    empty = client.post(keys, json={"answer": " , ", "reason": "Sửa"}, headers=judge)
    assert (empty.status_code, empty.json()["errors"]) == (
        422,
        {"answer": "Chọn đáp án đúng trong các phương án A, B, C, D."},
    )

    done = client.post(keys, json={"answer": "CD", "reason": "Hai phương án đúng"}, headers=judge)
    assert (done.status_code, done.json()["before"], done.json()["after"]) == (200, "A, C", "C, D"), done.text
    now = client.portal.call(world.services.storage.banks.questions, version(client, world))
    assert next(q.correct for q in now if q.code == code) == frozenset({2, 3})


def version(client: TestClient, world: World) -> int:
    return int(client.portal.call(world.services.storage.banks.current_version, world.bank_id))


async def taken_again(world: World, attempt: Attempt, round_id: int) -> int:
    """``attempt``'s questions drawn in the round ``round_id`` (of the same
    bank) by the same participant, answered the same way and submitted;
    the new attempt's id."""
    storage, now = world.services.storage, world.clock.now()
    again, _ = await storage.attempts.start(
        round_=await world.services.catalog.round(round_id),
        user_id=attempt.user_id,
        version_id=await storage.banks.current_version(world.bank_id),
        questions=attempt.questions,
        now=now,
        deadline=now + timedelta(minutes=30),
        expired_before=now,
    )
    for question_id, options in attempt.answers.items():
        await storage.attempts.save_answer(
            attempt_id=again.id, question_id=question_id, options=options, base=None, now=now
        )
    await storage.attempts.submit(attempt_id=again.id, prediction=1, now=now, expired_before=now)
    return again.id


def test_key_corrected_in_one_round_is_corrected_again_in_another_of_the_same_bank(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    """The round's attempts, not the bank, say what the key is before: a
    correction in one round leaves the other round's attempts as they are,
    and that round's judges can still make it there, with its own log entry
    and no new bank version."""
    an = take(client, world, api_user(full_name="Nguyễn Văn An"), right=3, prediction=1, seconds=60)
    world.clock.advance(days=8)
    mine = client.portal.call(world.services.storage.attempts.get, an)
    question = mine.questions[0]  # answered right
    right = letters_of(held_key(question))
    wrong = next(o.letter for o in question.options if o.id not in question.correct)
    other = client.portal.call(taken_again, world, mine, world.closed_round)
    assert client.portal.call(world.services.storage.attempts.get, other).result.score == 3
    judge = judge_headers(client, world)
    for round_id in (world.open_round, world.closed_round):
        moved = client.post(f"/api/v1/staff/rounds/{round_id}/phase", json={"phase": "under_review"}, headers=judge)
        assert moved.status_code == 200, moved.text
    first = client.post(
        f"/api/v1/staff/rounds/{world.open_round}/keys/{question.code}",
        json={"answer": wrong, "reason": "Khiếu nại đúng"},
        headers=judge,
    )
    assert (first.status_code, first.json()["before"]) == (200, right), first.text
    versions = version(client, world)

    keys = f"/api/v1/staff/rounds/{world.closed_round}/keys/{question.code}"
    shown = client.get(keys, params={"answer": wrong}, headers=judge)
    assert shown.status_code == 200, shown.text
    assert {k: shown.json()[k] for k in ("before", "after", "attempts_rekeyed", "results_changed")} == {
        "before": right,
        "after": wrong,
        "attempts_rekeyed": 1,
        "results_changed": 1,
    }
    assert client.portal.call(world.services.storage.attempts.get, other).result.score == 3  # until applied
    same = client.get(keys, params={"answer": right}, headers=judge)
    assert (same.status_code, same.json()["errors"]) == (
        422,
        {"answer": f"Các bài thi của vòng này đang chấm theo đáp án {right} rồi."},
    )

    done = client.post(keys, json={"answer": wrong, "reason": "Như vòng trước"}, headers=judge)
    assert done.status_code == 200, done.text
    assert done.json() == shown.json()
    assert client.portal.call(world.services.storage.attempts.get, other).result.score == 2
    assert version(client, world) == versions  # the bank had the key already
    logged = rows(
        settings.database_url,
        "SELECT details FROM audit_log WHERE action = 'round.rescore' AND subject = ?",
        (f"round:{world.closed_round}",),
    )
    key = {"code": question.code, "before": right, "after": wrong, "reason": "Như vòng trước"}
    assert [json.loads(details)["key"] for (details,) in logged] == [key]
    again = client.get(keys, params={"answer": wrong}, headers=judge)
    assert (again.status_code, again.json()["errors"]) == (
        422,
        {"answer": f"Các bài thi của vòng này đang chấm theo đáp án {wrong} rồi."},
    )

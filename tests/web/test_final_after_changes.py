"""Final results are never other than the provisional ones last published:
after a key correction (or the organisers' re-scoring) while results are
provisional, the public leaderboard stays as published and final results are
refused (``Rounds._refusal``: the API's ``GET`` and ``POST .../phase`` and the
judges' round page in the same words) until the judges go back under review
and publish provisional results again, which opens a new complaint window.
Disqualifications and reinstatements wait for "under review", so they never
leave published standings stale."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from contest.domain.models import Question, Role
from contest.services.rounds import RESULTS_CHANGED
from tests.backends import rows
from tests.conftest import World
from tests.web.test_account import bearer
from tests.web.test_key_corrections import ranks, two_tied
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf
from tests.web.test_phase_moves_api import ALLOWED, move, moves, refused_final

Headers = dict[str, str]
ENGLISH = (
    "The results have changed since provisional results were published (a key corrected or attempts re-scored):"
    " move the round back to «Under review» and publish provisional results"
)


def public(client: TestClient, round_id: int) -> list[tuple[str, int, int]]:
    board = client.get(f"/api/v1/rounds/{round_id}/leaderboard")
    assert board.status_code == 200, board.text
    return [(e["name"], e["rank"], e["score"]) for e in board.json()["entries"]]


def judge_headers(client: TestClient, world: World) -> Headers:
    """A judge signed in (the pages) with a bearer token (the API)."""
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    return bearer(client, "giamkhao")


def provisional(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> tuple[Question, str, int, Headers]:
    """An and Bình tied (``two_tied``: the question, the wrong letter, An's
    attempt), the round then under review and provisional with a complaint
    window of 24 hours; with the judge's headers."""
    question, wrong, an = two_tied(client, world, api_user)
    judge = judge_headers(client, world)
    rows(settings.database_url, "UPDATE rounds SET complaint_window_hours = 24 WHERE id = ?", (world.open_round,))
    for to in ("under_review", "provisional"):
        moved = move(client, judge, world.open_round, to)
        assert moved.status_code == 200, moved.text
    return question, wrong, an, judge


def test_a_key_corrected_while_provisional_holds_final_results_until_published_again(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    question, wrong, _an, judge = provisional(client, world, api_user, settings)
    published = [("Nguyễn Văn An", 1, 3), ("Trần Thị Bình", 2, 3)]
    assert public(client, world.open_round) == published
    keys = f"/api/v1/staff/rounds/{world.open_round}/keys/{question.code}"
    fixed = client.post(keys, json={"answer": wrong, "reason": "Khiếu nại đúng: đáp án theo Điều 5"}, headers=judge)
    assert fixed.status_code == 200, fixed.text
    assert public(client, world.open_round) == published  # provisional: as published
    world.clock.advance(hours=25)  # the complaint window is over: only the change holds final results

    assert refused_final(client, judge, world.open_round) == RESULTS_CHANGED
    refused = move(client, judge, world.open_round, "final")
    assert refused.json()["error"] == "results_changed"
    assert public(client, world.open_round) == published  # nothing changed by the refusal
    round_page = f"/judging/rounds/{world.open_round}"
    page = client.get(round_page).text
    assert 'value="final" disabled' in page and f'<p class="hint" id="refused-final">{RESULTS_CHANGED}</p>' in page
    client.cookies.set("lang", "en")
    assert ENGLISH in client.get(round_page).text
    client.cookies.delete("lang")

    assert move(client, judge, world.open_round, "under_review").status_code == 200
    assert move(client, judge, world.open_round, "provisional").status_code == 200
    corrected = [("Trần Thị Bình", 1, 3), ("Nguyễn Văn An", 2, 2)]
    assert public(client, world.open_round) == corrected  # published provisional: who moved can complain
    final = moves(client, judge, world.open_round)["moves"][1]
    assert final["phase"] == "final" and final["reason"].startswith("Thời hạn khiếu nại chưa hết")  # a new window
    world.clock.advance(hours=25)
    assert moves(client, judge, world.open_round)["moves"][1] == {"phase": "final", **ALLOWED}
    assert move(client, judge, world.open_round, "final").status_code == 200
    board = client.get(f"/api/v1/rounds/{world.open_round}/leaderboard").json()
    assert board["phase"] == "final" and public(client, world.open_round) == corrected
    assert ranks(client, world) == {"Trần Thị Bình": (1, 3), "Nguyễn Văn An": (2, 2)}


def test_the_organisers_rescoring_while_provisional_holds_final_results_too(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    *_, judge = provisional(client, world, api_user, settings)
    world.clock.advance(hours=25)
    assert moves(client, judge, world.open_round)["moves"][1] == {"phase": "final", **ALLOWED}
    sign_in_staff(client, world)
    dry = client.get(f"/organiser/rounds/{world.open_round}/rescore").text
    applied = client.post(f"/organiser/rounds/{world.open_round}/rescore", data={"csrf_token": csrf(dry)})
    assert applied.status_code == 200 and re.search(r'id="changed">0<', applied.text)
    assert refused_final(client, judge, world.open_round) == RESULTS_CHANGED


def test_disqualifications_wait_for_review_so_published_standings_stay_current(
    client: TestClient, world: World, api_user: Callable[..., Headers], settings: Any
) -> None:
    _question, _wrong, an, judge = provisional(client, world, api_user, settings)
    world.clock.advance(hours=25)
    out = f"/api/v1/staff/rounds/{world.open_round}/disqualifications"
    refused = client.post(out, json={"attempt_id": an, "reason": "Làm hộ"}, headers=judge)
    assert refused.status_code == 409, refused.text
    assert moves(client, judge, world.open_round)["moves"][1] == {"phase": "final", **ALLOWED}

    assert move(client, judge, world.open_round, "under_review").status_code == 200
    assert client.post(out, json={"attempt_id": an, "reason": "Làm hộ"}, headers=judge).status_code == 201
    assert move(client, judge, world.open_round, "provisional").status_code == 200
    assert public(client, world.open_round) == [("Trần Thị Bình", 1, 3)]
    world.clock.advance(hours=25)
    assert move(client, judge, world.open_round, "final").status_code == 200
    assert public(client, world.open_round) == [("Trần Thị Bình", 1, 3)]

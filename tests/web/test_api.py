"""The JSON API for the citizen app, through the ASGI app on a real SQLite file."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import PASSWORD, World, registration


def start(client: TestClient, headers: dict[str, str], round_id: int) -> dict:
    response = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_areas_lists_contest_localities(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/areas")
    assert response.status_code == 200
    assert response.json() == [
        {"id": world.area_ids[0], "name": "Thành phố Mỹ Tho"},
        {"id": world.area_ids[1], "name": "Huyện Cái Bè"},
    ]


def test_register_returns_201_and_normalises_phone(client: TestClient, world: World) -> None:
    fields = registration(world, phone="+84 912 000 111")
    response = client.post("/api/v1/register", json=fields)
    assert response.status_code == 201
    assert response.json()["phone"] == "0912000111"


def test_register_invalid_fields_give_422_with_messages(client: TestClient, world: World) -> None:
    fields = registration(world, phone="12345", cccd="123", consent=False, area=99999, birth_year=2020)
    response = client.post("/api/v1/register", json=fields)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"phone", "cccd", "consent", "area", "birth_year"}
    assert errors["birth_year"] == "Cuộc thi dành cho người từ 12 tuổi trở lên."


def test_register_taken_phone_or_cccd_gives_409(client: TestClient, world: World) -> None:
    first = registration(world)
    assert client.post("/api/v1/register", json=first).status_code == 201
    same_phone = registration(world, phone=first["phone"])
    response = client.post("/api/v1/register", json=same_phone)
    assert response.status_code == 409
    assert set(response.json()["errors"]) == {"phone"}
    same_cccd = registration(world, cccd=first["cccd"])
    response = client.post("/api/v1/register", json=same_cccd)
    assert response.status_code == 409
    assert set(response.json()["errors"]) == {"cccd"}


def test_token_with_bad_password_is_401(client: TestClient, world: World) -> None:
    fields = registration(world)
    client.post("/api/v1/register", json=fields)
    response = client.post("/api/v1/token", json={"login": fields["phone"], "password": "sai-mat-khau"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"


def test_token_by_email_works(client: TestClient, world: World) -> None:
    fields = registration(world)
    client.post("/api/v1/register", json=fields)
    response = client.post("/api/v1/token", json={"login": fields["email"].upper(), "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86400


def test_rounds_report_status_and_attempts_used(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    start(client, headers, world.open_round)
    anonymous = {r["id"]: r for r in client.get("/api/v1/rounds").json()}
    assert anonymous[world.open_round]["status"] == "open"
    assert anonymous[world.upcoming_round]["status"] == "upcoming"
    assert anonymous[world.closed_round]["status"] == "closed"
    assert "attempts_used" not in anonymous[world.open_round]
    assert anonymous[world.open_round]["opens_at"] == "2026-11-27T09:00:00+07:00"
    mine = {r["id"]: r for r in client.get("/api/v1/rounds", headers=headers).json()}
    assert mine[world.open_round]["attempts_used"] == 1
    assert mine[world.upcoming_round]["attempts_used"] == 0


def test_start_draws_questions_without_revealing_keys(client: TestClient, world: World, api_user) -> None:
    attempt = start(client, api_user(), world.open_round)
    assert len(attempt["questions"]) == 5
    assert attempt["deadline"] == "2026-11-27T10:10:00+07:00"
    assert attempt["prediction_question"] == "Có bao nhiêu người trả lời đúng tất cả?"
    for question in attempt["questions"]:
        assert set(question) == {"id", "text", "multiple", "options"}
        for option in question["options"]:
            assert set(option) == {"id", "text"}


def test_start_twice_returns_attempt_in_progress(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    first = start(client, headers, world.open_round)
    again = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["questions"] == first["questions"]


def test_start_in_round_not_open_is_409(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    for round_id in (world.upcoming_round, world.closed_round):
        response = client.post(f"/api/v1/rounds/{round_id}/attempts", headers=headers)
        assert response.status_code == 409
        assert response.json()["error"] == "round_not_open"


def test_start_after_last_attempt_is_409(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    for _ in range(2):
        attempt = start(client, headers, world.open_round)
        client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 3})
    response = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers)
    assert response.status_code == 409
    assert response.json()["error"] == "no_attempts_left"


def test_answers_are_saved_and_returned(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = start(client, headers, world.open_round)
    question = attempt["questions"][0]
    option = question["options"][1]["id"]
    response = client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", headers=headers, json={"options": [option]}
    )
    assert response.status_code == 200
    state = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json()
    assert state["status"] == "in_progress"
    assert state["answers"] == {str(question["id"]): [option]}


def test_answer_with_foreign_option_is_422(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = start(client, headers, world.open_round)
    question = attempt["questions"][0]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
    assert client.put(url, headers=headers, json={"options": [99]}).status_code == 422
    assert client.put(url, headers=headers, json={"options": "1"}).status_code == 422
    assert client.put(url, headers=headers, json={"options": [True]}).status_code == 422
    single = next(q for q in attempt["questions"] if not q["multiple"])
    both = [o["id"] for o in single["options"][:2]]
    response = client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{single['id']}", headers=headers, json={"options": both}
    )
    assert response.status_code == 422
    assert (
        client.put(f"/api/v1/attempts/{attempt['id']}/answers/99", headers=headers, json={"options": []}).status_code
        == 404
    )


def test_answer_after_deadline_is_409_and_grace_is_honoured(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = start(client, headers, world.open_round)
    question = attempt["questions"][0]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
    body = {"options": [question["options"][0]["id"]]}
    world.clock.advance(seconds=600 + 9)  # within the 10 s grace
    assert client.put(url, headers=headers, json=body).status_code == 200
    world.clock.advance(seconds=2)
    response = client.put(url, headers=headers, json=body)
    assert response.status_code == 409
    assert response.json()["error"] == "time_up"


def test_submit_scores_and_second_submit_changes_nothing(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = start(client, headers, world.open_round)
    world.clock.advance(seconds=90)
    response = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 12})
    assert response.status_code == 200
    assert response.json() == {
        "id": attempt["id"],
        "status": "submitted",
        "submitted_at": "2026-11-27T10:01:30+07:00",
        "score_shown": True,
        "correct": 0,
        "total": 5,
        "score": 0,
        "duration_seconds": 90.0,
    }
    world.clock.advance(seconds=30)
    again = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 99})
    assert again.json() == response.json()
    for carried in (-1, 10**12, None):  # a second submission returns the stored result whatever number it carries
        repeated = client.post(
            f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": carried}
        )
        assert (repeated.status_code, repeated.json()) == (200, response.json()), carried
    question = attempt["questions"][0]
    late = client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", headers=headers, json={"options": []}
    )
    assert late.status_code == 409
    assert late.json()["error"] == "attempt_closed"


def test_submit_without_prediction_is_422(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = start(client, headers, world.open_round)
    response = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers)
    assert response.status_code == 422
    assert "prediction" in response.json()["errors"]


def test_another_participants_attempt_is_404(client: TestClient, world: World, api_user) -> None:
    owner, stranger = api_user(), api_user()
    attempt = start(client, owner, world.open_round)
    question = attempt["questions"][0]
    assert client.get(f"/api/v1/attempts/{attempt['id']}", headers=stranger).status_code == 404
    assert (
        client.put(
            f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", headers=stranger, json={"options": []}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=stranger, json={"prediction": 1}).status_code
        == 404
    )


def test_missing_forged_or_expired_token_is_401(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    url = f"/api/v1/rounds/{world.open_round}/attempts"
    assert client.post(url).status_code == 401
    assert client.post(url, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    token = headers["Authorization"].removeprefix("Bearer ")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert client.post(url, headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    assert client.post(url, headers={"Authorization": token}).status_code == 401


def test_malformed_json_is_400_never_500(client: TestClient, world: World, api_user) -> None:
    headers = {**api_user(), "Content-Type": "application/json"}
    for body in (b"{", b"[1, 2]", b"\xff\xfe", b"[" * 10000, b'"text"'):
        response = client.post("/api/v1/register", content=body, headers=headers)
        assert response.status_code == 400, body[:10]
        assert response.json()["message"]


def test_oversized_body_is_413(client: TestClient, world: World) -> None:
    response = client.post("/api/v1/register", content=b"x" * (65 * 1024), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_unknown_path_and_huge_ids_are_404(client: TestClient, api_user) -> None:
    headers = api_user()
    assert client.get("/api/v1/nothing").status_code == 404
    assert client.get("/api/v1/attempts/99999999999999999999999", headers=headers).status_code == 404
    assert client.get("/api/v1/attempts/123456", headers=headers).status_code == 404


def test_expired_attempt_is_finalised_with_saved_answers(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = start(client, headers, world.open_round)
    for question in attempt["questions"]:
        client.put(
            f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
            headers=headers,
            json={"options": [question["options"][0]["id"]]},
        )
    world.clock.advance(seconds=3600)
    state = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json()
    assert state["status"] == "expired"
    assert state["result"]["total"] == 5
    assert state["result"]["duration_seconds"] == 600.0
    submit = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 1})
    assert submit.json()["status"] == "expired"
    new = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers)
    assert new.status_code == 201


def test_staff_cannot_start_attempts(client: TestClient, world: World) -> None:
    from contest.domain.models import Role

    services = world.services
    password_hash = client.portal.call(services.passwords.hash, PASSWORD)
    client.portal.call(
        lambda: services.storage.accounts.create_staff(
            username="btc",
            full_name="Ban Tổ chức",
            role=Role.ORGANISER,
            password_hash=password_hash,
            now=world.clock.now(),
        )
    )
    token = client.post("/api/v1/token", json={"login": "btc", "password": PASSWORD}).json()["access_token"]
    response = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_deadline_never_passes_round_close(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    world.clock.advance(days=7, minutes=-5)
    attempt = start(client, headers, world.open_round)
    assert attempt["deadline"] == "2026-12-04T10:00:00+07:00"  # the round's close, 5 minutes away


def test_answer_revisions_refuse_stale_saves_and_accept_repeats(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = start(client, headers, world.open_round)
    assert attempt["revisions"] == {} and attempt["flagged"] == []
    url = f"/api/v1/attempts/{attempt['id']}/answers/1"
    first = client.put(url, headers=headers, json={"options": [1], "base_revision": 0})
    assert first.json() == {"question_id": 1, "options": [1], "revision": 1, "saved": True}
    # A retry of the same save (its answer was lost on the way back) changes nothing and succeeds.
    again = client.put(url, headers=headers, json={"options": [1], "base_revision": 0})
    assert again.json() == {"question_id": 1, "options": [1], "revision": 1, "saved": True}
    second = client.put(url, headers=headers, json={"options": [2], "base_revision": 1})
    assert second.json()["revision"] == 2
    stale = client.put(url, headers=headers, json={"options": [3], "base_revision": 1})
    assert stale.status_code == 409
    assert (stale.json()["error"], stale.json()["options"], stale.json()["revision"]) == ("stale_answer", [2], 2)
    cleared = client.put(url, headers=headers, json={"options": [], "base_revision": 2})
    assert cleared.json() == {"question_id": 1, "options": [], "revision": 3, "saved": True}
    state = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json()
    assert (state["answers"], state["revisions"]) == ({}, {"1": 3})


def test_bad_base_revision_or_flag_is_422(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = start(client, headers, world.open_round)
    answer = f"/api/v1/attempts/{attempt['id']}/answers/1"
    for base in (-1, "một", 1.5, True, 10**30):
        response = client.put(answer, headers=headers, json={"options": [1], "base_revision": base})
        assert response.status_code == 422, base
        assert "base_revision" in response.json()["errors"]
    flag = f"/api/v1/attempts/{attempt['id']}/flags/1"
    for value in (None, "true", 1):
        assert client.put(flag, headers=headers, json={"flagged": value}).status_code == 422
    missing = client.put(f"/api/v1/attempts/{attempt['id']}/flags/99", headers=headers, json={"flagged": True})
    assert missing.status_code == 404


def test_flags_are_stored_with_the_attempt(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = start(client, headers, world.open_round)
    flag = f"/api/v1/attempts/{attempt['id']}/flags"
    client.put(f"{flag}/3", headers=headers, json={"flagged": True})
    client.put(f"{flag}/1", headers=headers, json={"flagged": True})
    client.put(f"{flag}/3", headers=headers, json={"flagged": False})
    answer = client.put(f"/api/v1/attempts/{attempt['id']}/answers/1", headers=headers, json={"options": [2]})
    assert answer.json()["revision"] == 1  # a flag is not an answer
    state = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json()
    assert (state["flagged"], state["answers"]) == ([1], {"1": [2]})
    client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 1})
    late = client.put(f"{flag}/2", headers=headers, json={"flagged": True})
    assert (late.status_code, late.json()["error"]) == (409, "attempt_closed")

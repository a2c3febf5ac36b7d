"""Bad input of every kind gets a clear 4xx naming the field, on SQLite and
PostgreSQL alike: a control character in free text (PostgreSQL cannot store a
NUL), a value of the wrong JSON type where text or a choice belongs, a PATCH
that changes nothing, junk where a session id belongs; and text is stored
NFC-normalised."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import World
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf
from tests.web.test_staff_api import CONTEST, make_contest, organiser, round_body

__all__ = ["organiser"]  # the fixture, used by name

REFUSED = ("a\u0000b", "a\u0007b", "\u202e", "a\u202eb", "a\u009bb")
"""NUL, BEL, a direction control alone and inside text, a C1 control."""
WRONG_TYPES: tuple[Any, ...] = (["best"], {}, 5, True)


def test_refused_characters_in_round_texts_are_422_naming_the_field(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    contest = make_contest(client, organiser)
    for field in ("title", "description", "prediction_question"):
        for value in REFUSED:
            response = client.post(
                f"/api/v1/staff/contests/{contest}/rounds",
                json=round_body(world.bank_id, **{field: value}),
                headers=organiser,
            )
            assert response.status_code == 422, (field, value)
            assert set(response.json()["errors"]) == {field}, (field, value)


def test_refused_characters_in_contest_texts_are_422_naming_the_field(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    for field in ("title", "description", "rules", "privacy_notice"):
        for value in REFUSED:
            response = client.post("/api/v1/staff/contests", json={**CONTEST, field: value}, headers=organiser)
            assert response.status_code == 422, (field, value)
            assert set(response.json()["errors"]) == {field}, (field, value)
    areas = {**CONTEST, "areas": [{"name": "Xã\u0000 A"}]}
    response = client.post("/api/v1/staff/contests", json=areas, headers=organiser)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"areas"}


@pytest.mark.parametrize("field", ["counting", "tie_break", "true_figure", "show_score"])
def test_a_round_choice_of_the_wrong_json_type_is_422_naming_it(
    client: TestClient, world: World, organiser: dict[str, str], field: str
) -> None:
    contest = make_contest(client, organiser)
    made = client.post(f"/api/v1/staff/contests/{contest}/rounds", json=round_body(world.bank_id), headers=organiser)
    round_id = made.json()["id"]
    for value in WRONG_TYPES:
        response = client.post(
            f"/api/v1/staff/contests/{contest}/rounds",
            json=round_body(world.bank_id, **{field: value}),
            headers=organiser,
        )
        assert response.status_code == 422, (field, value)
        assert set(response.json()["errors"]) == {field}, (field, value)
        change = client.patch(f"/api/v1/staff/rounds/{round_id}", json={field: value}, headers=organiser)
        assert change.status_code == 422, (field, value)
        assert set(change.json()["errors"]) == {field}
    # null is a setting left out, as for every setting of a round: it stays
    assert client.patch(f"/api/v1/staff/rounds/{round_id}", json={field: None}, headers=organiser).status_code == 200


@pytest.mark.parametrize(("field", "value"), [("open_to", ["areas"]), ("qualify_by", {}), ("collective_by", [])])
def test_other_choices_of_the_wrong_json_type_are_422(
    client: TestClient, world: World, organiser: dict[str, str], field: str, value: object
) -> None:
    if field == "collective_by":
        response = client.post("/api/v1/staff/contests", json={**CONTEST, field: value}, headers=organiser)
    else:
        contest = make_contest(client, organiser)
        body = round_body(world.bank_id, **{field: value})
        response = client.post(f"/api/v1/staff/contests/{contest}/rounds", json=body, headers=organiser)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {field}


def test_a_number_or_true_where_text_belongs_is_422(
    client: TestClient, world: World, organiser: dict[str, str], api_user: Any
) -> None:
    contest = make_contest(client, organiser)
    for value in (5, True, ["Tuần 1"]):
        body = round_body(world.bank_id, title=value)
        response = client.post(f"/api/v1/staff/contests/{contest}/rounds", json=body, headers=organiser)
        assert response.status_code == 422, value
        assert set(response.json()["errors"]) == {"title"}
    participant = api_user()
    response = client.patch("/api/v1/me", json={"full_name": True}, headers=participant)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"full_name"}


def test_texts_are_stored_nfc_normalised_without_invisible_characters(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    contest = make_contest(client, organiser)
    typed = "Vo\u0300ng\u200b tuần  1"  # "Vòng" with a combining grave, a zero-width space
    body = round_body(world.bank_id, title=typed, description="Mô ta\u0309 ")
    made = client.post(f"/api/v1/staff/contests/{contest}/rounds", json=body, headers=organiser)
    assert made.status_code == 201, made.text
    stored = client.portal.call(world.services.catalog.round, made.json()["id"])  # type: ignore[union-attr]
    assert stored.title == "Vòng tuần 1" == unicodedata.normalize("NFC", stored.title)
    assert stored.description == "Mô tả"


def test_unknown_prize_kinds_are_422_naming_prizes(client: TestClient, world: World, organiser: dict[str, str]) -> None:
    contest = make_contest(client, organiser)
    body = round_body(world.bank_id, prizes={"gold": 1, "first": 1})
    response = client.post(f"/api/v1/staff/contests/{contest}/rounds", json=body, headers=organiser)
    assert response.status_code == 422
    assert "gold" in response.json()["errors"]["prizes"]


def test_a_patch_that_changes_nothing_is_400(
    client: TestClient, world: World, organiser: dict[str, str], api_user: Any
) -> None:
    contest = make_contest(client, organiser)
    made = client.post(f"/api/v1/staff/contests/{contest}/rounds", json=round_body(world.bank_id), headers=organiser)
    participant = api_user()
    for path, headers in ((f"/api/v1/staff/rounds/{made.json()['id']}", organiser), ("/api/v1/me", participant)):
        for body in ({"content": b""}, {"json": {}}):
            response = client.patch(path, headers=headers, **body)  # type: ignore[arg-type]
            assert response.status_code == 400, (path, body)
            assert response.json()["error"] == "nothing_to_change"


def test_junk_where_a_session_id_belongs_is_404(client: TestClient, world: World, api_user: Any) -> None:
    participant = api_user()
    for junk in ("%00", "a%00b", "a%20b", "%E2%80%AE"):
        assert client.delete(f"/api/v1/me/sessions/{junk}", headers=participant).status_code == 404, junk


def test_a_control_character_in_an_uploaded_file_name_is_422(client: TestClient, world: World) -> None:
    sign_in_staff(client, world)
    token = csrf(client.get("/organiser").text)
    body = (  # by hand: a client library would escape the NUL in the file's name
        f'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        '--x\r\nContent-Disposition: form-data; name="file"; filename="nh\x00.json"\r\n\r\n'
        '{"format": "hoithi-bank", "version": 1, "questions": []}\r\n--x--\r\n'
    ).encode()
    headers = {"content-type": "multipart/form-data; boundary=x"}
    upload = client.post("/organiser/uploads", content=body, headers=headers, follow_redirects=False)
    assert upload.status_code == 422
    assert "U+0000" in upload.text


def test_an_id_listed_twice_counts_once(client: TestClient, world: World, organiser: dict[str, str]) -> None:
    area = world.area_ids[0]
    change = {"eligible_areas": [area, area]}
    response = client.patch(f"/api/v1/staff/rounds/{world.upcoming_round}", headers=organiser, json=change)
    assert response.status_code == 200, response.text
    stored = client.portal.call(world.services.catalog.round, world.upcoming_round)  # type: ignore[union-attr]
    assert stored.rules.eligibility.areas == frozenset({area})

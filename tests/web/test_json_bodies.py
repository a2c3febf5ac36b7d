"""Every JSON body is read as the OpenAPI document says (contest/web/bodies.py),
on SQLite and PostgreSQL alike: a field of another JSON type, a field the
document does not list (a typo such as ``question_cout``) and text with a
control or direction-control character are 422 naming the field, and the
request stores nothing; the document closes every request body
(``additionalProperties: false``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.web.bodies import OUT_OF_RANGE, UNKNOWN, body_schema
from contest.web.openapi import spec
from tests.conftest import World, registration
from tests.web.test_pages import csrf, register, start_round
from tests.web.test_review_api import closed, judge, phase
from tests.web.test_staff_api import CONTEST, make_contest, organiser, round_body

__all__ = ["closed", "judge", "organiser"]  # the fixtures, used by name

Headers = dict[str, str]


@dataclass
class Endpoint:
    """One operation taking a JSON body: ``send`` posts a valid body with
    ``extra`` merged in, ``state`` reads what the operation would store."""

    send: Callable[[dict[str, Any]], Any]
    state: Callable[[], Any]


def _endpoint(name: str, client: TestClient, world: World, request: pytest.FixtureRequest) -> Endpoint:
    """The endpoint ``name``, with what it needs made first."""
    if name in ("register", "token"):
        fields = registration(world)

        def signed_in() -> int:
            login = {"login": fields["phone"], "password": fields["password"]}
            return int(client.post("/api/v1/token", json=login).status_code)

        if name == "register":
            return Endpoint(lambda extra: client.post("/api/v1/register", json={**fields, **extra}), signed_in)
        api_user: Callable[..., Headers] = request.getfixturevalue("api_user")
        bearer = api_user()
        sessions = lambda: len(client.get("/api/v1/me/sessions", headers=bearer).json())  # noqa: E731
        login = {"login": "0900000000", "password": "mat-khau-sai"}
        return Endpoint(lambda extra: client.post("/api/v1/token", json={**login, **extra}), sessions)
    if name in ("contest", "round", "round_change"):
        staff: Headers = request.getfixturevalue("organiser")
        if name == "contest":
            contests = lambda: client.get("/api/v1/contests").json()  # noqa: E731
            return Endpoint(
                lambda extra: client.post("/api/v1/staff/contests", json={**CONTEST, **extra}, headers=staff), contests
            )
        contest = make_contest(client, staff)
        rounds = lambda: client.get(f"/api/v1/contests/{contest}/rounds").json()  # noqa: E731
        if name == "round":
            path = f"/api/v1/staff/contests/{contest}/rounds"
            return Endpoint(
                lambda extra: client.post(path, json=round_body(world.bank_id, **extra), headers=staff), rounds
            )
        made = client.post(f"/api/v1/staff/contests/{contest}/rounds", json=round_body(world.bank_id), headers=staff)
        path = f"/api/v1/staff/rounds/{made.json()['id']}"
        return Endpoint(lambda extra: client.patch(path, json={"title": "Tuần 2", **extra}, headers=staff), rounds)
    if name == "phase":
        judges: Headers = request.getfixturevalue("judge")
        path = f"/api/v1/staff/rounds/{world.closed_round}/phase"
        phases = lambda: client.get(f"/api/v1/contests/{world.contest_id}/rounds").json()  # noqa: E731
        return Endpoint(
            lambda extra: client.post(path, json={"phase": "under_review", **extra}, headers=judges), phases
        )
    bearer = request.getfixturevalue("api_user")()
    me = lambda: client.get("/api/v1/me", headers=bearer).json()  # noqa: E731
    if name in ("join", "joined"):
        staff = request.getfixturevalue("organiser")
        contest = make_contest(client, staff)
        area = client.get(f"/api/v1/contests/{contest}/areas").json()[0]["id"]
        if name == "join":
            path = f"/api/v1/contests/{contest}/join"
            return Endpoint(lambda extra: client.post(path, json={"area": area, **extra}, headers=bearer), me)
        assert client.post(f"/api/v1/contests/{contest}/join", json={"area": area}, headers=bearer).status_code == 201
        path = f"/api/v1/me/contests/{contest}"
        return Endpoint(lambda extra: client.patch(path, json={"unit": "Sở Tư pháp", **extra}, headers=bearer), me)
    if name == "me":
        return Endpoint(
            lambda extra: client.patch("/api/v1/me", json={"full_name": "Trần Thị Bình", **extra}, headers=bearer), me
        )
    attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=bearer).json()
    question = attempt["questions"][0]
    base = f"/api/v1/attempts/{attempt['id']}"
    stored = lambda: client.get(base, headers=bearer).json()  # noqa: E731
    option = question["options"][0]["id"]
    bodies = {
        "answer": (f"{base}/answers/{question['id']}", {"options": [option], "base_revision": 0}),
        "flag": (f"{base}/flags/{question['id']}", {"flagged": True}),
        "prediction": (f"{base}/prediction", {"prediction": 12}),
    }
    if name == "submit":
        return Endpoint(
            lambda extra: client.post(f"{base}/submit", json={"prediction": 12, **extra}, headers=bearer), stored
        )
    path, valid = bodies[name]
    return Endpoint(lambda extra: client.put(path, json={**valid, **extra}, headers=bearer), stored)


CASES: list[tuple[str, str, Any]] = [
    ("register", "unit", 123),
    ("register", "unit", ["Sở Tư pháp"]),
    ("register", "full_name", 5),
    ("register", "phone", 912345678),
    ("register", "cccd", 82090123456),
    ("register", "email", {"địa chỉ": "an@example.vn"}),
    ("register", "password", 12345678),
    ("register", "area", "1"),
    ("register", "area", True),
    ("register", "birth_year", "1990"),
    ("register", "consent", "true"),
    ("register", "altcha", 1),
    ("register", "unti", "Sở Tư pháp"),
    ("register", "unit", "Sở\u0000Tư pháp"),
    ("register", "unit", "Sở \u202eTư pháp"),
    ("register", "unit", "Sở\u0007"),
    ("token", "login", 912345678),
    ("token", "password", ["mat-khau"]),
    ("token", "remember", True),
    ("contest", "title", 5),
    ("contest", "min_age", "18"),
    ("contest", "verify_phone", "yes"),
    ("contest", "areas", {"name": "Xã A"}),
    ("contest", "areas", [{"name": 5}]),
    ("contest", "areas", [{"name": "Xã A", "headcount": 5}]),
    ("contest", "units", [{"name": "Sở\u202e"}]),
    ("contest", "question_cout", 40),
    ("contest", "description", "Mô tả\u0000"),
    ("round", "question_cout", 40),
    ("round", "question_count", "40"),
    ("round", "question_count", 40.5),
    ("round", "weeks", True),
    ("round", "title", ["Tuần 1"]),
    ("round", "prizes", {"firts": 1}),
    ("round", "prizes", {"first": "1"}),
    ("round", "eligible_areas", ["1"]),
    ("round", "topic_quota", {"Chung": "2"}),
    ("round", "difficulty_quota", {"easy": 1, "medum": 1}),
    ("round", "qualify_top", "3"),
    ("round", "question_count", 2**63),
    ("round", "prizes", {"first": 2**70}),
    ("round", "eligible_units", [-(2**63) - 1]),
    ("contest", "units", [{"name": "Sở Tư pháp", "headcount": 2**63}]),
    ("contest", "units", [{"name": "Sở Tư pháp", "headcount": 2**31}]),
    ("contest", "slug", "2027"),
    ("round_change", "question_cout", 40),
    ("round_change", "duration_seconds", "900"),
    ("round_change", "description", 5),
    ("round_change", "prediction_question", "Bao nhiêu\u202e?"),
    ("phase", "phase", 5),
    ("phase", "notes", "ghi chú"),
    ("phase", "note", "ghi\u0000chú"),
    ("join", "unit", 5),
    ("join", "area", "1"),
    ("join", "unti", "Sở Tư pháp"),
    ("joined", "unit", 5),
    ("joined", "units", "Sở Tư pháp"),
    ("joined", "area", "1"),
    ("joined", "area_id", "1"),
    ("joined", "unit_id", "1"),
    ("me", "birth_year", "1990"),
    ("me", "full_name", 5),
    ("me", "email", ["an@example.vn"]),
    ("me", "nickname", "An"),
    ("me", "cccd", "082090\u0000123456"),
    ("answer", "options", 1),
    ("answer", "options", ["1"]),
    ("answer", "base_revision", "0"),
    ("answer", "option", [1]),
    ("flag", "flagged", "true"),
    ("flag", "flagged", 1),
    ("flag", "flag", True),
    ("prediction", "prediction", "12"),
    ("prediction", "prediction", 12.5),
    ("prediction", "prediction", 2.0**53),
    ("prediction", "predicton", 12),
    ("submit", "prediction", "12"),
    ("submit", "predicton", 12),
]


@pytest.mark.parametrize(("endpoint", "field", "value"), CASES)
def test_json_body_wrong_type_or_unknown_field_is_422_naming_it_and_stores_nothing(
    client: TestClient, world: World, request: pytest.FixtureRequest, endpoint: str, field: str, value: Any
) -> None:
    operation = _endpoint(endpoint, client, world, request)
    before = operation.state()
    response = operation.send({field: value})
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid"
    assert list(response.json()["errors"]) == [field]
    assert operation.state() == before


def test_the_attempt_pages_autosave_reads_the_apis_bodies(client: TestClient, world: World) -> None:
    register(client, world)
    attempt_id = start_round(client, world.open_round)
    headers = {"X-CSRF-Token": csrf(client.get(f"/attempts/{attempt_id}").text), "Accept": "application/json"}
    sent = {
        f"/attempts/{attempt_id}/answers/1": ({"options": [1], "base_revison": 0}, "base_revison"),
        f"/attempts/{attempt_id}/flags/1": ({"flagged": "true"}, "flagged"),
        f"/attempts/{attempt_id}/prediction": ({"prediction": "12"}, "prediction"),
    }
    for url, (body, field) in sent.items():
        response = client.put(url, json=body, headers=headers)
        assert (response.status_code, list(response.json()["errors"])) == (422, [field]), url
    page = client.get(f"/attempts/{attempt_id}").text
    assert 'value="1" checked' not in page


def test_unknown_fields_are_each_named_as_not_supported(
    client: TestClient, world: World, organiser: dict[str, str]
) -> None:
    contest = make_contest(client, organiser)
    body = round_body(world.bank_id, question_cout=40, atempts_allowed=2)
    response = client.post(f"/api/v1/staff/contests/{contest}/rounds", json=body, headers=organiser)
    assert response.status_code == 422
    assert response.json()["errors"] == {"question_cout": UNKNOWN, "atempts_allowed": UNKNOWN}
    nested = client.post(
        f"/api/v1/staff/contests/{contest}/rounds",
        json=round_body(world.bank_id, prizes={"firts": 1}),
        headers=organiser,
    )
    assert nested.json()["errors"] == {"prizes": f"prizes.firts: {UNKNOWN}"}


def test_wrong_type_message_says_what_the_field_is(client: TestClient, world: World) -> None:
    response = client.post("/api/v1/register", json=registration(world, unit=123, area="1", consent="true"))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "unit": "Mục này là một đoạn chữ.",
        "area": 'Mục này cần là một số nguyên (ví dụ 12, không phải "12").',
        "consent": "Mục này chỉ nhận có hoặc không (true/false).",
    }


def test_a_whole_number_written_with_a_point_is_that_integer(client: TestClient, world: World) -> None:
    fields = registration(world, area=float(world.area_ids[0]), birth_year=1990.0)
    response = client.post("/api/v1/register", json=fields)
    assert response.status_code == 201, response.text


def test_null_is_a_field_not_given(client: TestClient, world: World) -> None:
    response = client.post("/api/v1/register", json=registration(world, unit=None, email=None))
    assert response.status_code == 201, response.text


def test_half_a_surrogate_pair_is_400_and_stores_nothing(client: TestClient, world: World) -> None:
    fields = registration(world, unit="Sở HALF")
    body = json.dumps(fields).replace("HALF", "\\ud800")
    response = client.post("/api/v1/register", content=body.encode(), headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["error"]) == (400, "malformed_json")
    login = client.post("/api/v1/token", json={"login": fields["phone"], "password": fields["password"]})
    assert login.status_code == 401


def test_a_password_is_taken_as_typed(client: TestClient, world: World) -> None:
    fields = registration(world, password="mật\u200ekhẩu-dài")
    assert client.post("/api/v1/register", json=fields).status_code == 201
    login = client.post("/api/v1/token", json={"login": fields["phone"], "password": fields["password"]})
    assert login.status_code == 200, login.text


def test_every_request_body_is_closed_in_the_document() -> None:
    """Each object of each request body lists its fields and says no others
    (``additionalProperties: false``), or says what every other field is."""
    document = spec()

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in schema:
            found: dict[str, Any] = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            return found
        return schema

    def open_objects(schema: dict[str, Any], where: str) -> list[str]:
        schema = resolve(schema)
        found = []
        if "properties" in schema and "additionalProperties" not in schema:
            found.append(where)
        for name, field in schema.get("properties", {}).items():
            found += open_objects(field, f"{where}.{name}")
        if "items" in schema:
            found += open_objects(schema["items"], f"{where}[]")
        return found

    bodies = [
        (f"{method.upper()} {path}", operation["requestBody"]["content"]["application/json"]["schema"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    assert len(bodies) > 20
    problems = [where for label, schema in bodies for where in open_objects(schema, label)]
    assert problems == []
    registration_body = resolve(bodies[[label for label, _ in bodies].index("POST /api/v1/register")][1])
    assert registration_body["additionalProperties"] is False


def test_a_number_field_takes_a_json_number_only_in_every_body() -> None:
    """No request body lets a number field take a string (``"1990"``), as
    docs/api.md says: the strict typed rule, PATCH bodies included."""
    document = spec()

    def mixed(schema: dict[str, Any], where: str) -> list[str]:
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        kinds = schema.get("type", [])
        kinds = [kinds] if isinstance(kinds, str) else kinds
        found = [where] if {"integer", "number"} & set(kinds) and "string" in kinds else []
        for name, field in schema.get("properties", {}).items():
            found += mixed(field, f"{where}.{name}")
        for inner in [schema.get("items"), schema.get("additionalProperties"), *schema.get("oneOf", [])]:
            found += mixed(inner, where + "[]") if isinstance(inner, dict) else []
        return found

    bodies = [
        (f"{method.upper()} {path}", body_schema(method, path))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    assert [where for label, schema in bodies for where in mixed(schema, label)] == []


def test_patch_me_refuses_a_birth_year_typed_as_text(client: TestClient, api_user: Callable[..., Headers]) -> None:
    bearer = api_user()
    before = client.get("/api/v1/me", headers=bearer).json()
    response = client.patch("/api/v1/me", json={"birth_year": "1991"}, headers=bearer)
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"birth_year": 'Mục này cần là một số nguyên (ví dụ 12, không phải "12").'},
    )
    assert client.get("/api/v1/me", headers=bearer).json() == before


def test_a_number_inside_an_object_or_list_is_named_by_the_top_level_field_with_its_path(
    client: TestClient, world: World, organiser: Headers
) -> None:
    contest = make_contest(client, organiser)
    path = f"/api/v1/staff/contests/{contest}/rounds"
    cases = [
        ({"prizes": {"first": 2**70}}, {"prizes": f"prizes.first: {OUT_OF_RANGE}"}),
        (
            {"prizes": {"first": 2**40}},
            {"prizes": "prizes.first: Giải Nhất cần là một số nguyên từ 0 đến 1.000.000."},
        ),
        (
            {"topic_quota": {"Chung": 2**40}},
            {"topic_quota": "topic_quota.Chung: Số câu theo chủ đề cần là một số nguyên từ 1 đến 1.000.000."},
        ),
        (
            {"difficulty_quota": {"hard": 2**40}},
            {"difficulty_quota": "difficulty_quota.hard: Số câu khó cần là một số nguyên từ 0 đến 1.000.000."},
        ),
        ({"question_count": -(2**63) - 1}, {"question_count": OUT_OF_RANGE}),
    ]
    for extra, errors in cases:
        response = client.post(path, json=round_body(world.bank_id, **extra), headers=organiser)
        assert (response.status_code, response.json()["errors"]) == (422, errors), extra
    assert client.get(f"/api/v1/contests/{contest}/rounds").json() == []
    units = [{"name": "Sở Tư pháp", "headcount": 2**31}]  # PostgreSQL's INTEGER column holds at most 2**31 - 1
    response = client.post(
        "/api/v1/staff/contests", json={**CONTEST, "slug": "don-vi", "units": units}, headers=organiser
    )
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"units": "units.0.headcount: Số người cần là một số nguyên không lớn hơn 10.000.000."},
    )


def test_disqualification_names_the_id_that_is_wrong(
    client: TestClient, world: World, judge: Headers, closed: tuple[Headers, int]
) -> None:
    phase(client, judge, world.open_round, "under_review")
    path = f"/api/v1/staff/rounds/{world.open_round}/disqualifications"
    choose = "Chọn loại một bài thi hoặc loại cả vòng thi của một thí sinh."
    for body, errors in (
        ({"user_id": 2**63, "reason": "x"}, {"user_id": OUT_OF_RANGE}),
        ({"attempt_id": 2**63, "reason": "x"}, {"attempt_id": OUT_OF_RANGE}),
        ({"user_id": 0, "reason": "x"}, {"user_id": choose}),
        ({"user_id": 2**63 - 1, "reason": "x"}, {"user_id": "Thí sinh này không dự vòng thi."}),
        ({"reason": "x"}, {"attempt_id": choose}),
    ):
        response = client.post(path, json=body, headers=judge)
        assert (response.status_code, response.json()["errors"]) == (422, errors), body
    assert client.portal.call(world.services.storage.judging.excluded, world.open_round) == (frozenset(), frozenset())


def test_a_choice_refused_lists_the_values_the_api_takes(client: TestClient, world: World, judge: Headers) -> None:
    response = phase(client, judge, world.closed_round, "chấm xong")
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {
            "phase": "Chọn một trong: under_review (Đang chấm), provisional (Kết quả tạm thời), "
            "final (Kết quả chính thức)."
        },
    )


def test_a_contest_address_of_digits_only_is_refused(client: TestClient, organiser: Headers) -> None:
    """``/api/v1/contests/2027/…`` reads 2027 as an id, so no contest's address is digits only."""
    response = client.post("/api/v1/staff/contests", json={**CONTEST, "slug": "2027"}, headers=organiser)
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"slug": "Địa chỉ cuộc thi không được chỉ gồm chữ số: hãy thêm chữ, ví dụ thi-2027 thay cho 2027."},
    )
    made = client.post("/api/v1/staff/contests", json={**CONTEST, "slug": "thi-2027"}, headers=organiser)
    assert made.status_code == 201, made.text

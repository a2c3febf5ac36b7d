"""Forms and paths as clients send them: the attempt page without
JavaScript is read whole however many questions the round has (the field
limit grows with the round), a form the parser refuses is said in
Vietnamese, and a path with a final newline is not a route."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

from starlette.testclient import TestClient

from contest.domain.models import RoundRules
from contest.services.contests import create_round
from contest.web.pages import FORM_LIMITS, attempt_form_fields
from tests.backends import rows
from tests.conftest import World, make_bank
from tests.web.test_pages import csrf, register

_INPUT = re.compile(r"<input\b[^>]*>")


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found[1] if found else None


def test_attempt_form_fields_grow_with_the_round_and_not_below_the_default() -> None:
    assert attempt_form_fields(5) == FORM_LIMITS["max_fields"]
    assert attempt_form_fields(70) == 70 * 9 + 10


def test_attempt_form_of_seventy_questions_saves_every_answer(client: TestClient, world: World) -> None:
    storage, now = world.services.storage, world.clock.now()
    bank_id, _ = client.portal.call(lambda: storage.banks.create(name="Bảy mươi", questions=make_bank(70), now=now))
    contest = client.portal.call(lambda: world.services.catalog.contest(world.contest_id))
    round_id = client.portal.call(
        lambda: create_round(
            storage,
            contest=contest,
            title="Vòng 70 câu",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(hours=1),
            rules=RoundRules(70, 3600, 1),
            bank_id=bank_id,
        )
    )
    register(client, world)
    page = client.post(f"/rounds/{round_id}/start", data={"csrf_token": csrf(client.get("/").text)})
    fields: list[tuple[str, str]] = [("action", "save")]
    answered: set[str] = set()
    for tag in _INPUT.findall(page.text):
        name, value, kind = attribute(tag, "name"), attribute(tag, "value"), attribute(tag, "type")
        if name is None or value is None:
            continue
        if kind == "hidden" or (kind == "checkbox" and name.startswith("f")):
            fields.append((name, value))
        elif name.startswith("q") and name not in answered:  # the first option of each question
            answered.add(name)
            fields.append((name, value))
    assert len(answered) == 70 and len(fields) > FORM_LIMITS["max_fields"]
    saved = client.post(
        page.url.path,
        content=urlencode(fields),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:300]
    attempt_id = int(page.url.path.rsplit("/", 1)[1])
    [[count]] = rows(
        world.services.settings.database_url, "SELECT COUNT(*) FROM answers WHERE attempt_id = ?", (attempt_id,)
    )
    assert count == 70


def test_form_the_parser_refuses_is_said_in_vietnamese(client: TestClient, world: World) -> None:
    register(client, world)
    token = csrf(client.get("/").text)
    response = client.post("/logout", data={"csrf_token": token, **{f"x{n}": "1" for n in range(300)}})
    assert response.status_code == 400
    assert "Biểu mẫu gửi lên không đọc được" in response.text
    assert "Too many fields" not in response.text


def test_paths_with_a_final_newline_are_not_routes(client: TestClient, world: World) -> None:
    for path in ("/login", "/register", "/healthz", "/api/v1/contests", "/static/app.css"):
        assert client.get(path).status_code == 200, path
        assert client.get(path + "%0A").status_code == 404, path
        assert client.get(path + "%0D%0A").status_code == 404, path


def test_attempt_page_names_each_stale_question_once(client: TestClient, world: World) -> None:
    register(client, world)
    token = csrf(client.get("/").text)
    page = client.post(f"/rounds/{world.open_round}/start", data={"csrf_token": token})
    repeated = client.get(page.url.path + "?notice=saved&stale=" + ",".join(["1"] * 10_000 + ["99999"]))
    assert repeated.text.count('<a href="#q1">Câu 1</a>') == 1
    assert len(repeated.text) < 2 * len(page.text)

"""Public leaderboards through the app: stored when a judge moves the phase,
hidden until provisional results, masked phones, the participant's own rank,
and the signed copy that ``contest verify`` checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from contest.cli import main
from contest.domain import publication
from contest.domain.models import Role
from tests.conftest import PASSWORD, World
from tests.web.test_pages import csrf
from tests.web.test_round_phases import move, staff_user


def take(
    client: TestClient, world: World, headers: dict[str, str], *, right: int, prediction: int, seconds: int
) -> int:
    """Start an attempt in the open round, answer ``right`` questions right
    and the rest wrong, take ``seconds``, submit with ``prediction``."""
    body = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()
    stored = client.portal.call(world.services.storage.attempts.get, body["id"])
    for q in stored.questions[:right]:
        client.put(
            f"/api/v1/attempts/{body['id']}/answers/{q.id}", headers=headers, json={"options": sorted(q.correct)}
        )
    world.clock.advance(seconds=seconds)
    done = client.post(f"/api/v1/attempts/{body['id']}/submit", headers=headers, json={"prediction": prediction})
    assert done.status_code == 200, done.text
    return int(body["id"])


def close_and_publish(client: TestClient, world: World) -> None:
    world.clock.advance(days=8)
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    move(client, world, judge, world.open_round, "under_review")
    assert client.get(f"/api/v1/rounds/{world.open_round}/leaderboard").status_code == 404
    move(client, world, judge, world.open_round, "provisional", "Công bố")


def test_leaderboard_is_404_until_published_then_ranked_and_masked(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    an = api_user(full_name="Nguyễn Văn An", phone="0912345123")
    binh = api_user(full_name="Trần Thị Bình", phone="0987654321")
    chi = api_user(full_name="Lê Văn Chi", phone="0911111222")
    take(client, world, an, right=5, prediction=5, seconds=300)
    take(client, world, binh, right=5, prediction=2, seconds=590)  # two perfect: the figure is 2, Bình exact
    take(client, world, chi, right=3, prediction=2, seconds=60)
    assert client.get(f"/api/v1/rounds/{world.open_round}/leaderboard").status_code == 404
    assert client.get(f"/rounds/{world.open_round}/leaderboard").status_code == 404
    close_and_publish(client, world)

    body = client.get(f"/api/v1/rounds/{world.open_round}/leaderboard?page=1").json()
    assert body["phase"] == "provisional" and body["true_figure"] == 2 and (body["page"], body["pages"]) == (1, 1)
    assert [(e["rank"], e["name"], e["phone"], e["score"], e["prediction"]) for e in body["entries"]] == [
        (1, "Trần Thị Bình", "09xx xxx 321", 5, 2),
        (2, "Nguyễn Văn An", "09xx xxx 123", 5, 5),
        (3, "Lê Văn Chi", "09xx xxx 222", 3, 2),
    ]
    assert body["entries"][0]["area"] == "Thành phố Mỹ Tho" and body["entries"][0]["duration_seconds"] == 590
    assert body["rule"].startswith("Mỗi người được tính lượt tốt nhất.")
    page = client.get(f"/rounds/{world.open_round}/leaderboard").text
    assert "09xx xxx 321" in page and "0987654321" not in page and "082090" not in page
    assert body["digest"] in page and body["rule"] in page
    for board in (page, client.get("/contests/thu/leaderboard").text):  # the word registration asks with
        assert "<th>Nơi cư trú</th>" in board and "Địa bàn" not in board

    mine = client.get("/api/v1/me/results", headers=an).json()["results"]
    assert [(r["round_id"], r["rank"], r["score"]) for r in mine] == [(world.open_round, 2, 5)]


def sign_in(client: TestClient, phone: str) -> None:
    client.cookies.clear()
    page = client.get("/login")
    client.post("/login", data={"csrf_token": csrf(page.text), "login": phone, "password": PASSWORD})


def test_own_rank_on_my_attempts_page_once_published(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    take(client, world, api_user(phone="0912000111"), right=5, prediction=1, seconds=60)
    sign_in(client, "0912000111")
    assert "Hạng của bạn" not in client.get("/me/attempts").text
    close_and_publish(client, world)
    sign_in(client, "0912000111")
    mine = client.get("/me/attempts").text
    assert f'id="rank-{world.open_round}"' in mine and "<strong>1</strong> / 1" in mine
    assert "Kết quả tạm thời" in mine


def test_leaderboard_bad_page_is_422(client: TestClient, world: World) -> None:
    assert client.get(f"/api/v1/rounds/{world.open_round}/leaderboard?page=x").status_code == 422
    assert client.get(f"/api/v1/rounds/{world.open_round}/leaderboard?page=0").status_code == 422


def test_verify_says_a_copy_is_intact_or_altered(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]], tmp_path: Path, capsys: object
) -> None:
    take(client, world, api_user(full_name="Nguyễn Văn An"), right=2, prediction=1, seconds=60)
    take(client, world, api_user(full_name="Trần Thị Bình"), right=1, prediction=1, seconds=60)
    close_and_publish(client, world)
    copy = client.get(f"/rounds/{world.open_round}/leaderboard.json")
    assert copy.status_code == 200 and "attachment" in copy.headers["content-disposition"]
    key = tmp_path / "khoa.pem"
    key.write_text(client.get("/public-key.pem").text)
    assert "BEGIN PUBLIC KEY" in client.get("/public-key").text
    intact = tmp_path / "ban-sao.json"
    intact.write_bytes(copy.content)
    assert main(["verify", str(intact), "--key", str(key)]) == 0
    altered = json.loads(copy.content)
    altered["entries"][0], altered["entries"][1] = altered["entries"][1], altered["entries"][0]
    changed = tmp_path / "da-sua.json"
    changed.write_text(json.dumps(altered, ensure_ascii=False))
    assert main(["verify", str(changed), "--key", str(key)]) == 1
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "Tệp nguyên vẹn" in out and "Tệp đã bị sửa" in out


def test_verify_with_a_key_needs_no_database_and_without_one_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = publication.new_key_pair()
    document = {"round_id": 1, "entries": []}
    data = publication.canonical(document)
    signed = {**document, "digest": publication.digest(data), "signature": publication.sign(data, pair.private_pem)}
    copy = tmp_path / "ban-sao.json"
    copy.write_text(json.dumps(signed))
    key = tmp_path / "khoa.pem"
    key.write_text(pair.public_pem)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONTEST_DATABASE_URL", "postgresql://nobody:bi-mat@127.0.0.1:1/khong-co")
    assert main(["verify", str(copy), "--key", str(key)]) == 0  # the database is never reached
    monkeypatch.setenv("CONTEST_DATABASE_URL", "sqlite:///contest.db")
    assert main(["verify", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "không có cơ sở dữ liệu tại sqlite:///contest.db" in err and "--key" in err
    assert not (tmp_path / "contest.db").exists()  # no empty database made
    monkeypatch.setenv("CONTEST_DATABASE_URL", "postgresql://nobody:bi-mat@127.0.0.1:1/khong-co")
    assert main(["verify", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "postgresql://nobody:***@127.0.0.1:1/khong-co" in err and "bi-mat" not in err

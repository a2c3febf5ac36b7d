"""Bank uploads under real concurrency, through the app: requests sent at the
same moment (from threads, each request running on the app's loop at once), confirmations racing,
an upload id reused after a discard, and the server answering other
requests while a large file is read."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.testclient import TestClient

from contest.domain.banks.export import write_bank
from tests.backends import rows
from tests.conftest import World, make_bank
from tests.web.test_organiser import content, sign_in_staff, upload
from tests.web.test_pages import csrf

SIX = 6


@pytest.fixture
def staff(client: TestClient, world: World) -> TestClient:
    sign_in_staff(client, world)
    return client


def at_once(requests: list[Callable[[], int]]) -> list[int]:
    """The status codes of ``requests`` sent together from as many threads, sorted."""
    with ThreadPoolExecutor(len(requests)) as pool:
        return sorted(pool.map(lambda send: send(), requests))


def counts(world: World) -> tuple[int, int, int]:
    [found] = rows(
        world.services.settings.database_url,
        "SELECT (SELECT COUNT(*) FROM banks), (SELECT COUNT(*) FROM bank_versions),"
        " (SELECT COUNT(*) FROM bank_uploads)",
    )
    return found  # type: ignore[return-value]


def confirm_at_once(client: TestClient, path: str, times: int, **fields: str) -> list[int]:
    page = client.get(path).text
    data = {"csrf_token": csrf(page), "content": content(page), **fields}
    return at_once([lambda: client.post(path + "/confirm", data=data, follow_redirects=False).status_code] * times)


def test_upload_confirmed_six_times_at_once_for_a_bank_saves_one_version(staff: TestClient, world: World) -> None:
    before = counts(world)
    preview = upload(staff, "moi.json", write_bank(make_bank(41), "json"), bank_id=world.bank_id)
    assert confirm_at_once(staff, preview.url.path, SIX, accept_warnings="on") == [303] + [409] * (SIX - 1)
    assert counts(world) == (before[0], before[1] + 1, 0)


def test_upload_confirmed_six_times_at_once_as_a_new_bank_saves_one_bank(staff: TestClient, world: World) -> None:
    before = counts(world)
    preview = upload(staff, "moi.json", write_bank(make_bank(41), "json"))
    first, *others = confirm_at_once(staff, preview.url.path, SIX, name="Mới", accept_warnings="on")
    # The losers are told the file is gone: 409 if they read it before the winner consumed it, 404 after.
    assert first == 303 and len(others) == SIX - 1 and set(others) <= {404, 409}
    assert counts(world) == (before[0] + 1, before[1] + 1, 0)
    again = staff.post(
        preview.url.path + "/confirm", data={"csrf_token": csrf(staff.get("/organiser").text), "content": "x"}
    )
    assert again.status_code == 404  # gone: the page says so rather than showing another file


def test_upload_second_confirmation_is_told_the_file_is_gone(staff: TestClient, world: World) -> None:
    preview = upload(staff, "moi.json", write_bank(make_bank(41), "json"), bank_id=world.bank_id)
    first, second = confirm_at_once(staff, preview.url.path, 2, accept_warnings="on")
    assert first == 303 and second in (404, 409)


def test_upload_two_files_confirmed_at_once_under_one_new_name_make_one_bank(staff: TestClient, world: World) -> None:
    before = counts(world)
    paths = [upload(staff, f"{n}.json", write_bank(make_bank(40 + n), "json")).url.path for n in (1, 2)]
    forms = [
        (p, {"csrf_token": csrf(page), "content": content(page), "name": "Trùng", "accept_warnings": "on"})
        for p, page in ((p, staff.get(p).text) for p in paths)
    ]
    sends: list[Callable[[], int]] = [
        lambda p=p, form=form: staff.post(p + "/confirm", data=form, follow_redirects=False).status_code  # type: ignore[misc]
        for p, form in forms
    ]
    assert at_once(sends) == [303, 422]
    assert counts(world)[0] == before[0] + 1


def test_upload_id_reused_after_a_discard_never_confirms_the_other_file(staff: TestClient, world: World) -> None:
    first = upload(staff, "x.json", write_bank(make_bank(41), "json"))
    stale = first.text  # the first file's preview, left open in a tab
    fields = {"csrf_token": csrf(stale), "content": content(stale)}
    assert staff.post(first.url.path + "/discard", data=fields, follow_redirects=False).status_code == 303
    second = upload(staff, "y.json", write_bank(make_bank(42), "json"))
    reused = second.url.path == first.url.path  # SQLite reuses the id; PostgreSQL's identity does not
    before = counts(world)
    refused = staff.post(first.url.path + "/confirm", data={**fields, "name": "Của X"}, follow_redirects=False)
    assert refused.status_code == (409 if reused else 404)
    assert ("không phải tệp bạn đã xem trước" in refused.text) is reused
    assert counts(world) == before
    assert staff.post(first.url.path + "/discard", data=fields, follow_redirects=False).status_code == (
        409 if reused else 404
    )


def test_upload_of_a_large_file_leaves_the_server_answering(staff: TestClient, world: World) -> None:
    data = write_bank(make_bank(1500), "xlsx")  # over IN_PROCESS_BYTES: read in another process
    token = csrf(staff.get("/organiser").text)
    waits: list[float] = []
    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(
            lambda: (
                staff.post(
                    "/organiser/uploads",
                    data={"csrf_token": token},
                    files={"file": ("lon.xlsx", data)},
                    follow_redirects=False,
                ).status_code
            )
        )
        while not sending.done():
            start = time.perf_counter()
            assert staff.get("/healthz").status_code == 200
            waits.append(time.perf_counter() - start)
            time.sleep(0.05)
    assert sending.result() == 303
    assert len(waits) >= 5, "the upload took long enough to check"
    assert max(waits) < 0.5, waits


def test_upload_with_a_file_name_of_5000_characters_is_a_clear_4xx(staff: TestClient, world: World) -> None:
    token = csrf(staff.get("/organiser").text)
    name = "a" * 5000 + ".json"
    response = staff.post(
        "/organiser/uploads", data={"csrf_token": token}, files={"file": (name, write_bank(make_bank(), "json"))}
    )
    assert 400 <= response.status_code < 500
    assert "multipart" not in response.text and "Too many" not in response.text

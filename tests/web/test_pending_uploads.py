"""Bounded uploads: only the upload routes take large bodies, an organiser
keeps a few unconfirmed files at most, and those expire after a day."""

from __future__ import annotations

from starlette.testclient import TestClient

from contest.domain.banks.export import write_bank
from tests.backends import rows
from tests.conftest import World, make_bank
from tests.web.test_organiser import staff, upload
from tests.web.test_pages import csrf

__all__ = ["staff"]  # the fixture, used by name

LARGER_THAN_A_FORM = 100 * 1024  # over CONTEST_MAX_BODY_BYTES (64 KB), far under the upload limit


def pending(world: World) -> list[tuple[str]]:
    return rows(world.services.settings.database_url, "SELECT filename FROM bank_uploads ORDER BY id")


def test_forms_around_an_upload_take_only_small_bodies(staff: TestClient, world: World) -> None:
    preview = upload(staff, "nganhang.json", write_bank(make_bank(), "json"))
    token = csrf(preview.text)
    padding = "x" * LARGER_THAN_A_FORM
    for path in (
        preview.url.path + "/confirm",
        preview.url.path + "/discard",
        f"/organiser/publications/{world.contest_id}/announcements",
    ):
        response = staff.post(path, data={"csrf_token": token, "padding": padding}, follow_redirects=False)
        assert response.status_code == 413, path
        assert "Dữ liệu gửi lên vượt quá giới hạn 64 KB." in response.text
    assert pending(world) == [("nganhang.json",)]  # neither confirmed nor discarded
    # The upload route itself reads a file this large (and says it is no bank), not 413.
    junk = upload(staff, "rac.json", b"{" + b" " * LARGER_THAN_A_FORM)
    assert junk.status_code == 400 and "vượt quá giới hạn" not in junk.text


def test_an_organiser_keeps_the_newest_three_uploads(staff: TestClient, world: World) -> None:
    data = write_bank(make_bank(), "json")
    first = upload(staff, "mot.json", data)
    page = staff.get(first.url.path).text  # the preview's form, read before the file is forgotten
    for name in ("hai.json", "ba.json", "bon.json"):
        upload(staff, name, data)
    assert pending(world) == [("hai.json",), ("ba.json",), ("bon.json",)]
    assert staff.get(first.url.path).status_code == 404
    gone = staff.post(
        first.url.path + "/confirm",
        data={"csrf_token": csrf(page), "content": "0" * 64},
        follow_redirects=False,
    )
    assert gone.status_code == 404
    [(newest,)] = rows(world.services.settings.database_url, "SELECT MAX(id) FROM bank_uploads")
    assert staff.get(f"/organiser/uploads/{newest}").status_code == 200


def test_unconfirmed_uploads_expire_after_a_day(staff: TestClient, world: World) -> None:
    data = write_bank(make_bank(), "json")
    upload(staff, "hom-qua.json", data)
    world.clock.advance(hours=23)
    upload(staff, "hom-nay.json", data)
    world.clock.advance(hours=1, seconds=1)
    assert staff.portal.call(world.services.banks.sweep_uploads) == 1  # type: ignore[union-attr]
    assert pending(world) == [("hom-nay.json",)]
    assert staff.portal.call(world.services.banks.sweep_uploads) == 0  # type: ignore[union-attr]

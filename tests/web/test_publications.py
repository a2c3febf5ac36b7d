"""What a contest publishes: announcements, documents for download (checked
content, safe headers), the prize structure and the contact, published in
the console and read on the contest's public page, each change logged."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from contest.domain.models import Role
from contest.domain.publications import check_document
from contest.errors import Invalid
from tests.backends import rows
from tests.conftest import World
from tests.web.test_console_participants import text
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def organiser(client: TestClient, world: World) -> TestClient:
    sign_in_staff(client, world)
    return client


def publish(client: TestClient, world: World, path: str, files: dict | None = None, **fields: str):  # type: ignore[no-untyped-def,type-arg]
    token = csrf(client.get("/organiser/publications").text)
    return client.post(
        f"/organiser/publications/{world.contest_id}/{path}",
        data={"csrf_token": token, **fields},
        files=files,
        follow_redirects=False,
    )


def test_announcement_published_shows_on_the_public_page_with_its_date(organiser: TestClient, world: World) -> None:
    response = publish(organiser, world, "announcements", title="Lịch thi tuần 2", body="Dòng một.\nDòng hai.")
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/publications?contest={world.contest_id}"
    organiser.cookies.clear()
    page = organiser.get("/contests/thu/news")
    assert page.status_code == 200
    assert "<h3>Lịch thi tuần 2</h3>" in page.text
    assert '<time datetime="2026-11-27T03:00:00+00:00">27/11/2026</time>' in page.text
    assert "<p>Dòng một.</p><p>Dòng hai.</p>" in page.text
    action, details = rows(
        world.services.settings.database_url, "SELECT action, details FROM audit_log ORDER BY id DESC"
    )[0]
    assert action == "contest.announcement.create"
    assert json.loads(details)["after"] == {"title": "Lịch thi tuần 2", "body": "Dòng một.\nDòng hai."}


def test_announcement_without_title_is_422_beside_the_field_keeping_the_body(
    organiser: TestClient, world: World
) -> None:
    response = publish(organiser, world, "announcements", title=" ", body="Nội dung giữ lại")
    assert response.status_code == 422
    assert '<p class="field-error" id="title-error">Hãy nhập tiêu đề.</p>' in response.text
    assert ">Nội dung giữ lại</textarea>" in response.text


def test_document_downloads_as_an_attachment_with_safe_headers(organiser: TestClient, world: World) -> None:
    files = {"file": ("Thể lệ cuộc thi.PDF", PDF, "text/html")}
    assert publish(organiser, world, "documents", files=files, doc_title="Thể lệ (bản PDF)").status_code == 303
    organiser.cookies.clear()
    page = organiser.get("/contests/thu/news").text
    href = re.search(r'<a href="(/contests/thu/documents/\d+)" download>Thể lệ \(bản PDF\)</a>', page)
    assert href is not None and "(PDF, 1 KB)" in page
    download = organiser.get(href.group(1))
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == (
        'attachment; filename="the-le-cuoc-thi.pdf";'
        " filename*=UTF-8''Th%E1%BB%83%20l%E1%BB%87%20cu%E1%BB%99c%20thi.pdf"
    )
    assert download.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert download.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("kehoach.pdf", b"<html><script>alert(1)</script>", "Nội dung tệp không đúng loại mà tên tệp ghi."),
        ("kehoach.html", b"<html>", "Chỉ nhận tệp PDF, Word (.docx, .doc), Excel (.xlsx) hoặc ảnh (.png, .jpg)."),
        ("kehoach", PDF, "Chỉ nhận tệp PDF, Word (.docx, .doc), Excel (.xlsx) hoặc ảnh (.png, .jpg)."),
        ("rong.pdf", b"", "Tệp rỗng."),
        ("lon.pdf", PDF + b"0" * 2048, "Tệp lớn hơn giới hạn 0 MB."),
        ("ke\x00hoach.pdf", PDF, "Có ký tự điều khiển không in được (U+0000): hãy xóa ký tự này."),
    ],
)
def test_document_refused_names_why(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_document("", filename, data, limit=1024)
    assert refused.value.errors == {"file": message}


def test_document_refused_is_422_beside_the_file_field(organiser: TestClient, world: World) -> None:
    response = publish(organiser, world, "documents", files={"file": ("a.pdf", b"MZ\x90", "application/pdf")})
    assert response.status_code == 422
    assert '<p class="field-error" id="file-error">Nội dung tệp không đúng loại mà tên tệp ghi.</p>' in response.text


def test_document_of_another_contest_is_404(organiser: TestClient, world: World) -> None:
    publish(organiser, world, "documents", files={"file": ("a.pdf", PDF, "application/pdf")})
    document_id = rows(world.services.settings.database_url, "SELECT id FROM documents")[0][0]
    assert organiser.get(f"/contests/thu/documents/{document_id + 1}").status_code == 404
    assert organiser.get(f"/contests/khac/documents/{document_id}").status_code == 404


def test_removing_publications_is_logged_with_what_was_removed(organiser: TestClient, world: World) -> None:
    publish(organiser, world, "announcements", title="Tạm hoãn", body="Lý do kỹ thuật")
    publish(organiser, world, "documents", files={"file": ("ke-hoach.pdf", PDF, "application/pdf")})
    url = world.services.settings.database_url
    announcement, document = (
        rows(url, "SELECT id FROM announcements")[0][0],
        rows(url, "SELECT id FROM documents")[0][0],
    )
    assert publish(organiser, world, f"announcements/{announcement}/delete").status_code == 303
    assert publish(organiser, world, f"documents/{document}/delete").status_code == 303
    assert publish(organiser, world, f"documents/{document}/delete").status_code == 404
    public = organiser.get("/contests/thu/news").text
    assert "Chưa có thông báo nào." in public and "Chưa có tài liệu nào." in public
    last = [json.loads(d) for (d,) in rows(url, "SELECT details FROM audit_log ORDER BY id DESC LIMIT 2")]
    assert last[0]["before"] == {"title": "ke-hoach", "filename": "ke-hoach.pdf", "size": len(PDF)}
    assert last[1]["before"] == {"title": "Tạm hoãn", "body": "Lý do kỹ thuật"}
    log = text(organiser.get("/organiser/log", params={"kind": "contest."}).text)
    assert "Gỡ tài liệu «ke-hoach»" in log and "Gỡ thông báo «Tạm hoãn»" in log and "Đăng thông báo «Tạm hoãn»" in log


def test_judge_cannot_publish(client: TestClient, world: World) -> None:
    sign_in_staff(client, world, Role.JUDGE, "gk")
    token = csrf(client.get("/login").text)
    response = client.post(
        f"/organiser/publications/{world.contest_id}/announcements", data={"csrf_token": token, "title": "X"}
    )
    assert response.status_code == 403
    assert rows(world.services.settings.database_url, "SELECT COUNT(*) FROM announcements")[0][0] == 0


def test_news_page_in_english_has_no_vietnamese_but_data(organiser: TestClient, world: World) -> None:
    from tests.web.test_english import data_strings, vietnamese_texts

    publish(organiser, world, "announcements", title="Lịch thi", body="Nội dung")
    publish(organiser, world, "documents", files={"file": ("ke-hoach.pdf", PDF, "application/pdf")})
    organiser.get("/lang/en?next=/", follow_redirects=False)
    data = [*data_strings(), "Lịch thi", "Nội dung"]
    for path in ("/contests/thu/news", "/organiser/publications"):
        assert vietnamese_texts(organiser.get(path).text, data) == [], path


def test_round_preview_draws_as_participants_see_it_and_stores_nothing(organiser: TestClient, world: World) -> None:
    page = organiser.get(f"/organiser/rounds/{world.open_round}/preview")
    assert page.status_code == 200
    rules = next(r for r in organiser.portal.call(world.services.catalog.rounds) if r.id == world.open_round).rules  # type: ignore[union-attr]
    assert page.text.count('<fieldset class="question"') == rules.question_count
    assert "✓" not in page.text  # no key shown
    url = world.services.settings.database_url
    assert rows(url, "SELECT COUNT(*) FROM attempts")[0][0] == 0
    assert organiser.get("/organiser/rounds/999/preview").status_code == 404


def test_judge_cannot_preview_a_round(client: TestClient, world: World) -> None:
    sign_in_staff(client, world, Role.JUDGE, "gk")
    assert client.get(f"/organiser/rounds/{world.open_round}/preview").status_code == 403

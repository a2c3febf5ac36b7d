"""Certificates: a winner of a round with final results downloads a PDF
whose text is the Vietnamese meant and whose QR code links to the public
page that verifies it; nobody else has one, and a forged code verifies
nothing."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import openpyxl
from pypdf import PdfReader
from starlette.testclient import TestClient

from contest.domain.models import Role
from contest.web.pdf import QR_MODULE_MM, qr_modules
from tests.backends import rows
from tests.conftest import World
from tests.web.test_judges_pages import sign_in
from tests.web.test_leaderboards import take
from tests.web.test_organiser import sign_in_staff
from tests.web.test_round_phases import move, staff_user

PRIZES = '{"first": 1, "second": 1, "third": 0, "consolation": 0}'


def drawn_modules(pdf: bytes) -> set[tuple[int, int]]:
    """The QR modules the page fills, as (row, column) from its top left."""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert content is not None
    side = QR_MODULE_MM * 72 / 25.4
    squares = [
        (float(x), float(y))
        for x, y, w, h in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) (-?[\d.]+) re f", content.get_data())
        if abs(float(w) - side) < 0.01
    ]
    left, top = min(x for x, _ in squares), max(y for _, y in squares)
    return {(round((top - y) / side), round((x - left) / side)) for x, y in squares}


def text_of(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def test_winner_downloads_a_certificate_that_verifies(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]], settings: Any
) -> None:
    rows(settings.database_url, "UPDATE rounds SET prizes = ? WHERE id = ?", (PRIZES, world.open_round))
    binh = api_user(full_name="Trần Thị Bình", phone="0987654321", unit="Sở Tư pháp tỉnh Đồng Tháp")
    won = take(client, world, binh, right=5, prediction=1, seconds=100)
    take(client, world, api_user(full_name="Nguyễn Văn An", phone="0912345123"), right=4, prediction=1, seconds=90)
    chi = api_user(full_name="Lê Văn Chi", phone="0911111222")
    lost = take(client, world, chi, right=2, prediction=1, seconds=80)
    world.clock.advance(days=8)
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    move(client, world, judge, world.open_round, "under_review")
    move(client, world, judge, world.open_round, "provisional")

    sign_in(client, "0987654321")
    download = f"/rounds/{world.open_round}/certificate.pdf"
    assert client.get(download).status_code == 404  # results not final yet
    assert download not in client.get(f"/attempts/{won}/result").text
    move(client, world, judge, world.open_round, "final")
    assert f'href="{download}" download' in client.get(f"/attempts/{won}/result").text
    response = client.get(download)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = text_of(response.content)
    for meant in (
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CUỘC THI THỬ",
        "GIẤY CHỨNG NHẬN",
        "Trần Thị Bình",
        "Sở Tư pháp tỉnh Đồng Tháp · Thành phố Mỹ Tho",
        "đạt Giải Nhất Vòng mở",
        "Xếp hạng 1 với 5 điểm.",
    ):
        assert meant in text, meant
    found = re.search(r"Kiểm tra: (http://testserver/certificates/(\S+))", text)
    assert found
    url, code = found.groups()
    assert drawn_modules(response.content) == {
        (r, c) for r, line in enumerate(qr_modules(url)) for c, dark in enumerate(line) if dark
    }

    client.cookies.clear()
    page = client.get(f"/certificates/{code}")
    assert page.status_code == 200
    assert '<dd id="name">Trần Thị Bình</dd>' in page.text and '<dd id="prize">Giải Nhất</dd>' in page.text
    assert '<dd id="round">Vòng mở</dd>' in page.text and "0987654321" not in page.text
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert client.get(f"/certificates/{forged}").status_code == 404
    assert client.get("/certificates/1-1-nothing").status_code == 404

    sign_in(client, "0911111222")  # third: the quotas give no third prize
    assert client.get(download).status_code == 404
    assert download not in client.get(f"/attempts/{lost}/result").text


def test_sign_off_record_states_winners_disqualifications_and_complaints(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]], settings: Any
) -> None:
    rows(settings.database_url, "UPDATE rounds SET prizes = ? WHERE id = ?", (PRIZES, world.open_round))
    take(client, world, api_user(full_name="Trần Thị Bình", phone="0987654321"), right=5, prediction=1, seconds=100)
    an = api_user(full_name="Nguyễn Văn An", phone="0912345123")
    cheat = take(client, world, an, right=5, prediction=1, seconds=5)
    take(client, world, api_user(full_name="Lê Văn Chi", phone="0911111222"), right=3, prediction=1, seconds=80)
    take(client, world, api_user(full_name="Phạm Thị Dung", phone="0911111333"), right=3, prediction=1, seconds=80)
    world.clock.advance(days=8)
    judge = staff_user(client, world, Role.JUDGE, "giamkhao")
    move(client, world, judge, world.open_round, "under_review")
    client.portal.call(
        lambda: world.services.judging.disqualify(
            judge, world.open_round, user_id=None, attempt_id=cheat, reason="Nộp bài sau 5 giây"
        )
    )
    move(client, world, judge, world.open_round, "provisional", "Công bố tạm thời")
    record = f"/judging/rounds/{world.open_round}/record"
    assert client.get(record).status_code == 409  # not final yet
    move(client, world, judge, world.open_round, "final", "Công bố chính thức")

    page = client.get(record)
    assert page.status_code == 200
    head = client.portal.call(world.services.storage.leaderboards.head, world.open_round)
    for meant in (
        "BIÊN BẢN XÁC NHẬN KẾT QUẢ",
        "Giải Nhất: Trần Thị Bình (Sở Thông tin và Truyền thông, Thành phố Mỹ Tho), hạng 1, 5 điểm",
        "Giải Nhì: Lê Văn Chi (Sở Thông tin và Truyền thông, Thành phố Mỹ Tho), hạng 2, 3 điểm",
        "Nguyễn Văn An, một bài thi: Nộp bài sau 5 giây (Nguyễn Ban Tổ Chức,",
        "Kết quả chính thức: Công bố chính thức",
        f"Mã băm SHA-256: {head.digest}",
    ):
        assert meant in page.text, meant
    winners = f"/organiser/rounds/{world.open_round}/winners"
    assert client.get(winners).status_code == 403  # a judge sees no personal data
    sign_in_staff(client, world, Role.ORGANISER, "btc")
    listed = client.get(winners).text
    assert listed.index("Trần Thị Bình") < listed.index("Lê Văn Chi") and "0987654321" in listed
    assert "Phạm Thị Dung" not in listed and "Nguyễn Văn An" not in listed
    book = openpyxl.load_workbook(io.BytesIO(client.get(winners + ".xlsx").content))
    assert [[c.value for c in r][:4] for r in book.active.iter_rows()] == [
        ["Giải", "Hạng", "Họ và tên", "Số điện thoại"],
        ["Giải Nhất", 1, "Trần Thị Bình", "0987654321"],
        ["Giải Nhì", 2, "Lê Văn Chi", "0911111222"],
    ]
    sign_in(client, "giamkhao")
    pdf = client.get(record + ".pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = text_of(pdf.content)
    assert "BIÊN BẢN XÁC NHẬN KẾT QUẢ" in text and "Giải Nhất: Trần Thị Bình" in text
    assert "Giải Nhì: Lê Văn Chi" in text and "Phạm Thị Dung" not in text
    assert head.digest in text.replace(" ", "")

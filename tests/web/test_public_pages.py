"""Registration (accessible without JavaScript), the privacy notice and the icon."""

from __future__ import annotations

import re
from datetime import timedelta

from starlette.testclient import TestClient

from contest.domain.models import Contact
from contest.services.contests import create_contest
from tests.conftest import World
from tests.web.test_pages import csrf, register, start_round

ID_LABEL = "Số định danh cá nhân (số thẻ căn cước/CCCD)"


def post_register(client: TestClient, status: int = 422, **fields: str) -> str:
    token = csrf(client.get("/register").text)
    response = client.post("/register", data={"csrf_token": token, **fields})
    assert response.status_code == status
    return response.text


def tag(html: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|select)\b[^>]*\bid="{element_id}"[^>]*>', html, re.S)
    assert match, element_id
    return match.group(0)


def test_register_labels_the_identification_number_by_the_2023_law(client: TestClient, world: World) -> None:
    html = client.get("/register").text
    assert f'<label for="cccd">{ID_LABEL}' in html
    assert "căn cước công dân (CCCD)" not in html.split("<main>")[1].split("</form>")[0].replace(ID_LABEL, "")
    client.cookies.set("lang", "en")
    assert "Personal identification number (citizen ID card number)" in client.get("/register").text


def test_register_fields_name_their_hints(client: TestClient, world: World) -> None:
    html = client.get("/register").text
    assert 'aria-describedby="phone-hint"' in tag(html, "phone")
    assert 'id="phone-hint">Dùng để đăng nhập' in html
    assert 'aria-describedby="cccd-hint"' in tag(html, "cccd")
    assert 'aria-describedby="birth_year-hint"' in tag(html, "birth_year")
    assert "Cuộc thi dành cho người từ 12 tuổi trở lên" in html.split('id="birth_year-hint">')[1].split("</small>")[0]
    assert "aria-invalid" not in html
    assert "error-summary" not in html


def test_register_errors_are_summarised_linked_and_tied_to_their_fields(client: TestClient, world: World) -> None:
    html = post_register(client, full_name="Trần Thị Bình", phone="0123", birth_year="²", area="")
    assert re.search(r"<title>Lỗi: Đăng ký dự thi</title>", html)
    summary = html.split('<div class="error-summary"')[1].split("</div>")[0]
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert 'aria-labelledby="error-summary-title"' in summary
    links = re.findall(r'<li><a href="#(\w+)">([^<]+)</a></li>', summary)
    assert [name for name, _ in links] == ["phone", "password", "birth_year", "cccd", "area", "consent"]
    assert ("consent", "Bạn cần đồng ý với việc xử lý dữ liệu cá nhân để tham gia cuộc thi.") in links
    assert 'aria-describedby="phone-hint phone-error" aria-invalid="true"' in tag(html, "phone")
    assert 'aria-describedby="area-error" aria-invalid="true"' in tag(html, "area")
    assert 'aria-describedby="consent-error" aria-invalid="true"' in tag(html, "consent")
    assert 'id="consent-error">Bạn cần đồng ý' in html
    assert "aria-invalid" not in tag(html, "full_name")
    # The summary comes before the form, so it is the first thing read after the heading.
    assert html.index('class="error-summary"') < html.index("<form")


def test_register_duplicate_identification_number_names_the_field(client: TestClient, world: World) -> None:
    fields = register(client, world)
    client.cookies.clear()
    again = {k: ("on" if v is True else str(v)) for k, v in fields.items()}
    html = post_register(client, 409, **{**again, "phone": "0987000111", "email": ""})
    assert '<a href="#cccd">Số định danh cá nhân này đã được đăng ký.' in html


def test_privacy_notice_without_a_contact_says_so(client: TestClient, world: World) -> None:
    html = client.get("/privacy").text
    assert "Ban Tổ chức chưa công bố địa chỉ, điện thoại và email liên hệ" in html
    assert '<dl class="contact">' not in html


def test_privacy_notice_names_controller_contact_rights_and_law(client: TestClient, world: World) -> None:
    storage, now = world.services.storage, world.clock.now()
    contact = Contact(address="Số 1 đường Hùng Vương, phường Mỹ Tho", phone="0273 3 872 000", email="btc@example.vn")
    client.portal.call(  # type: ignore[union-attr]
        lambda: create_contest(
            storage,
            slug="co-lien-he",
            title="Cuộc thi có liên hệ",
            privacy_notice="Dữ liệu được xóa sau 06 tháng.\n\nKhông chia sẻ cho bên thứ ba.",
            starts_at=now - timedelta(hours=1),  # started last: the contest /privacy means
            ends_at=now + timedelta(days=30),
            areas=["Phường Mỹ Tho"],
            now=now,
            contact=contact,
        )
    )
    html = client.get("/privacy").text
    assert "Ban Tổ chức cuộc thi là bên kiểm soát và xử lý dữ liệu cá nhân" in html
    assert "<dd>Số 1 đường Hùng Vương, phường Mỹ Tho</dd>" in html
    assert '<a href="tel:02733872000">0273 3 872 000</a>' in html
    assert '<a href="mailto:btc@example.vn">btc@example.vn</a>' in html
    assert "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (có hiệu lực từ ngày 01/01/2026)" in html
    assert "Nghị định số 356/2025/NĐ-CP" in html
    assert "số định danh cá nhân (số thẻ căn cước/CCCD)" in html
    for right in ("Xem, nhận bản sao", "chỉnh sửa", "Yêu cầu xóa", "Rút lại sự đồng ý"):
        assert right in html, right
    assert "<h2>Cách thực hiện quyền</h2>" in html
    assert "<p>Dữ liệu được xóa sau 06 tháng.</p>" in html and "<p>Không chia sẻ cho bên thứ ba.</p>" in html
    assert "chưa công bố" not in html
    client.cookies.set("lang", "en")
    english = client.get("/privacy").text
    assert "Law on Personal Data Protection No. 91/2025/QH15" in english and "Your rights" in english
    assert "place of residence" not in english and english.count("area of residence") == 2


def test_favicon_is_served_and_linked(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    html = client.get("/").text
    svg = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert svg
    response = client.get(svg.group(1))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"


def test_attempts_table_scrolls_in_a_focusable_region(client: TestClient, world: World) -> None:
    register(client, world)
    start_round(client, world.open_round)
    html = client.get("/me/attempts").text
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="Các lượt thi: Vòng mở">' in html

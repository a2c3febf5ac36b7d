"""The organiser's bank pages, through the app: upload, preview, confirm,
browse, edit, versions, exports, outdated sources and re-scoring."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from contest.domain.banks.export import write_bank
from contest.domain.banks.reader import read_bank
from contest.domain.models import Question, Role, Source
from tests.backends import rows
from tests.conftest import PASSWORD, World, make_bank
from tests.web.test_pages import csrf, register


def sign_in_staff(client: TestClient, world: World, role: Role = Role.ORGANISER, username: str = "btc") -> None:
    services = world.services
    password_hash = client.portal.call(services.passwords.hash, PASSWORD)
    client.portal.call(
        lambda: services.storage.accounts.create_staff(
            username=username,
            full_name="Nguyễn Ban Tổ Chức",
            role=role,
            password_hash=password_hash,
            now=world.clock.now(),
        )
    )
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf(page.text), "login": username, "password": PASSWORD})
    assert response.status_code == 200, response.text


@pytest.fixture
def staff(client: TestClient, world: World) -> TestClient:
    sign_in_staff(client, world)
    return client


def upload(client: TestClient, name: str, data: bytes, bank_id: int | None = None, follow: bool = True):  # type: ignore[no-untyped-def]
    token = csrf(client.get("/organiser").text)
    fields = {"csrf_token": token, **({"bank_id": str(bank_id)} if bank_id else {})}
    return client.post("/organiser/uploads", data=fields, files={"file": (name, data)}, follow_redirects=follow)


def confirm(client: TestClient, preview_url: str, **fields: str):  # type: ignore[no-untyped-def]
    """Post the preview's confirmation form, with the file's SHA-256 the page carries."""
    page = client.get(preview_url).text
    data = {"csrf_token": csrf(page), "content": content(page), **fields}
    return client.post(preview_url + "/confirm", data=data, follow_redirects=False)


def content(page: str) -> str:
    found = re.search(r'name="content" value="([0-9a-f]{64})"', page)
    assert found, "the preview's forms carry the file's SHA-256"
    return found[1]


def bank_count(world: World) -> tuple[int, int, int]:
    [counts] = rows(
        world.services.settings.database_url,
        "SELECT (SELECT COUNT(*) FROM banks), (SELECT COUNT(*) FROM bank_versions), (SELECT COUNT(*) FROM questions)",
    )
    return counts  # type: ignore[return-value]


def test_console_is_for_organisers_only(client: TestClient, world: World) -> None:
    assert client.get("/organiser", follow_redirects=False).headers["location"] == "/login?next=/organiser"
    register(client, world)
    assert client.get("/organiser").status_code == 403
    client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
    sign_in_staff(client, world, Role.JUDGE, "giamkhao")
    assert client.get("/organiser").status_code == 403
    assert client.get("/organiser/banks/1").status_code == 403


def test_upload_xlsx_preview_then_confirm(staff: TestClient, world: World) -> None:
    before = bank_count(world)
    preview = upload(staff, "ngan-hang.xlsx", write_bank(make_bank(12), "xlsx"))
    assert preview.status_code == 200
    assert re.search(r'id="question-count">12<', preview.text)
    assert re.search(r'id="error-count">0<', preview.text)
    assert "Chủ đề A" in preview.text and "Câu hỏi thử số 1?" in preview.text
    assert bank_count(world) == before  # nothing stored before confirming
    response = confirm(staff, preview.url.path, name="Ngân hàng mới")
    assert response.status_code == 303
    bank_page = staff.get(response.headers["location"])
    assert "Ngân hàng mới" in bank_page.text
    assert re.search(r'id="found">12 / 12 ', bank_page.text)
    assert bank_count(world) == (before[0] + 1, before[1] + 1, before[2] + 12)
    log = staff.get("/organiser").text
    assert "Tạo ngân hàng «Ngân hàng mới», phiên bản 1 (12 câu): Tải lên từ tệp ngan-hang.xlsx" in log
    assert "bank.create" not in log and "bank:" not in log


def test_bank_with_errors_cannot_be_confirmed_and_stores_nothing(staff: TestClient, world: World) -> None:
    csv = (
        "Mã câu,Chủ đề,Mức độ,Câu hỏi,Phương án A,Phương án B,Phương án C,Đáp án đúng\n"
        "C1,Chung,Dễ,Câu một?,Có,Không,,A\n"
        "C2,Chung,Dễ,Câu hai?,Có,Không,,\n"
        "C3,Chung,Dễ,Câu ba?,Có,Không,,C\n"
        "C1,Chung,Dễ,Câu bốn?,Có,Không,,B\n"
    ).encode()
    before = bank_count(world)
    preview = upload(staff, "loi.csv", csv)
    html = preview.text
    assert re.search(r'id="error-count">[1-9]', html)
    assert "Thiếu đáp án đúng." in html
    assert "trỏ tới phương án trống" in html
    assert "Mã câu hỏi «C1» trùng" in html
    assert "dòng 3" in html and "dòng 5" in html
    assert "Xác nhận lưu ngân hàng" not in html
    response = confirm(staff, preview.url.path, name="Lỗi")
    assert response.status_code == 409
    assert bank_count(world) == before


def test_unreadable_or_dangerous_files_are_refused(staff: TestClient, world: World) -> None:
    before = bank_count(world)
    for name, data, message in (
        ("macro.xlsm", b"PK\x03\x04 whatever", "macro"),
        ("gia.xlsx", b"%PDF-1.7 not a workbook", "không phải tệp Excel"),
        ("rong.csv", b"", "Tệp rỗng"),
    ):
        response = upload(staff, name, data)
        assert response.status_code == 400, name
        assert message in response.text, (name, response.text[-2000:])
    assert bank_count(world) == before


def test_upload_over_the_size_limit_is_413(staff: TestClient, world: World) -> None:
    limit = world.services.settings.max_upload_bytes
    response = upload(staff, "lon.csv", b"a" * (limit + 10))
    assert response.status_code == 413


def test_warnings_must_be_accepted(staff: TestClient, world: World) -> None:
    bank = make_bank(3)
    bank[1] = replace(bank[1], text=bank[0].text)  # same wording, other options: a warning
    bank[1] = replace(bank[1], options=("Khác 1", "Khác 2"), correct=frozenset({0}))
    preview = upload(staff, "canh-bao.json", write_bank(bank, "json"))
    assert re.search(r'id="warning-count">1<', preview.text)
    assert confirm(staff, preview.url.path, name="Cảnh báo").status_code == 422
    assert confirm(staff, preview.url.path, name="Cảnh báo", accept_warnings="on").status_code == 303


def test_question_heading_joins_only_the_parts_it_has(staff: TestClient, world: World) -> None:
    bank = [replace(q, topic="") if q.code == "T-002" else q for q in make_bank()]
    preview = upload(staff, "khong-chu-de.json", write_bank(bank, "json"), bank_id=world.bank_id)
    assert confirm(staff, preview.url.path, accept_warnings="on").status_code == 303
    page = staff.get(f"/organiser/banks/{world.bank_id}").text
    headings = dict(re.findall(r"<h3><code>(T-00[12])</code>(.*?)</h3>", page))
    assert headings == {"T-001": " · Chủ đề B · Trung bình", "T-002": " · Khó"}  # no "· ·" for the topic missing


def test_new_version_shows_diff_and_keeps_history(staff: TestClient, world: World) -> None:
    bank_page = staff.get(f"/organiser/banks/{world.bank_id}")
    assert bank_page.status_code == 200
    questions = make_bank()
    questions[0] = replace(questions[0], correct=frozenset({1}))
    new = [*questions[:-1], *make_bank(41)[40:]]  # drop T-040, add T-041
    new = [q for q in new if q.code != "T-040"]
    preview = upload(staff, "moi.json", write_bank(new, "json"), bank_id=world.bank_id)
    assert "1 câu thêm" in preview.text and "1 câu sửa" in preview.text and "1 câu bỏ" in preview.text
    assert confirm(staff, preview.url.path).status_code == 303
    page = staff.get(f"/organiser/banks/{world.bank_id}").text
    assert "Phiên bản hiện tại <strong>2</strong>" in page
    link = re.search(r'href="(/organiser/banks/\d+/diff\?old=\d+&(?:amp;)?new=\d+)"', page)
    assert link
    diff = staff.get(link.group(1).replace("&amp;", "&")).text
    assert re.search(r'id="summary">1 câu thêm, 1 câu sửa, 1 câu bỏ', diff)


def test_search_filters_and_ignores_diacritics(staff: TestClient, world: World) -> None:
    url = f"/organiser/banks/{world.bank_id}"
    assert re.search(r'id="found">20 / 40 ', staff.get(url, params={"topic": "Chủ đề A"}).text)
    assert re.search(r'id="found">1 / 40 ', staff.get(url, params={"q": "cau hoi thu so 17?"}).text)
    assert re.search(r'id="found">13 / 40 ', staff.get(url, params={"difficulty": "easy"}).text)


def test_edit_and_retire_question_make_new_versions(staff: TestClient, world: World) -> None:
    url = f"/organiser/banks/{world.bank_id}/question?code=T-001"
    form = staff.get(url).text
    fields = {
        "csrf_token": csrf(form),
        "text": "Câu hỏi đã sửa?",
        "option_A": "Một",
        "option_B": "Hai",
        "answer": "B",
        "topic": "Chủ đề A",
        "difficulty": "hard",
        "points": "2",
        "explanation": "Vì thế.",
        "source_citation": "Điều 3 Nghị định 43/2011/NĐ-CP",
        "source_expired": "15/08/2022",
    }
    bad = staff.post(url, data={**fields, "answer": "D"})
    assert bad.status_code == 422 and "trỏ tới phương án trống" in bad.text
    assert staff.post(url, data=fields, follow_redirects=False).status_code == 303
    questions = staff.portal.call(world.services.banks.questions, _organiser(world), world.bank_id)
    edited = next(q for q in questions if q.code == "T-001")
    assert (edited.text, edited.options, edited.correct, edited.points) == (
        "Câu hỏi đã sửa?",
        ("Một", "Hai"),
        frozenset({1}),
        2,
    )
    assert edited.source is not None and edited.source.expired == date(2022, 8, 15)
    retire = staff.post(f"/organiser/banks/{world.bank_id}/retire", data={"csrf_token": csrf(form), "code": "T-002"})
    assert retire.status_code == 200
    page = staff.get(f"/organiser/banks/{world.bank_id}").text
    assert "Phiên bản hiện tại <strong>3</strong>" in page and re.search(r'id="found">39 / 39 ', page)


def _organiser(world: World):  # type: ignore[no-untyped-def]
    from contest.domain.models import User

    return User(id=0, role=Role.ORGANISER, full_name="")


def test_exports_read_back_to_the_same_bank(staff: TestClient, world: World) -> None:
    for fmt, content_type, name in (
        ("xlsx", "spreadsheetml", "x.xlsx"),
        ("json", "json", "x.json"),
        ("gift", "text/plain", "x.gift"),
    ):
        response = staff.get(f"/organiser/banks/{world.bank_id}/export/{fmt}")
        assert response.status_code == 200
        assert content_type in response.headers["content-type"]
        assert "attachment" in response.headers["content-disposition"]
        assert list(read_bank(name, response.content).questions) == make_bank()
    assert staff.get(f"/organiser/banks/{world.bank_id}/export/pdf").status_code == 404
    page = staff.get(f"/organiser/banks/{world.bank_id}").text
    for fmt, label in (("xlsx", "Excel (.xlsx)"), ("json", "JSON"), ("gift", "Moodle GIFT")):
        assert f'href="/organiser/banks/{world.bank_id}/export/{fmt}">{label}</a>' in page


def test_template_is_the_bundled_bank(staff: TestClient) -> None:
    response = staff.get("/organiser/template.xlsx")
    assert response.status_code == 200
    assert len(read_bank("mau.xlsx", response.content).questions) >= 250


def test_outdated_sources_warn_before_the_round(staff: TestClient, world: World) -> None:
    old = Source(
        citation="Nghị định 43/2011/NĐ-CP",
        document="43/2011/NĐ-CP",
        expired=date(2022, 8, 15),
        replaced_by="42/2022/NĐ-CP",
    )
    bank = [replace(q, source=old) if q.code == "T-003" else q for q in make_bank()]
    preview = upload(staff, "cu.json", write_bank(bank, "json"), bank_id=world.bank_id)
    confirm(staff, preview.url.path)
    page = staff.get(f"/organiser/banks/{world.bank_id}").text
    assert 'id="outdated"' in page
    assert "Câu T-003 trích dẫn 43/2011/NĐ-CP, văn bản hết hiệu lực từ 15/08/2022" in page
    warning = page.split('id="outdated"')[1].split("</section>")[0]
    assert "Vòng mở" in warning and "Vòng sắp mở" in warning and "Vòng đã đóng" not in warning
    console = staff.get("/organiser").text
    assert console.count("1 câu trích dẫn văn bản đã hết hiệu lực") == 2  # the open and the upcoming round


def test_rescore_applies_a_corrected_key(client: TestClient, world: World, api_user) -> None:
    headers = api_user()
    attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()
    first = attempt["questions"][0]
    # Answer the first question with the option whose text says it is wrong ("Phương án sai").
    wrong = next(o for o in first["options"] if o["text"].startswith("Phương án sai"))
    client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{first['id']}", headers=headers, json={"options": [wrong["id"]]}
    )
    before = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 1}).json()
    sign_in_staff(client, world)
    # The key was wrong: the "wrong" option (B) is right. Correct it in the bank.
    code = client.portal.call(world.services.storage.attempts.get, attempt["id"]).questions[0].code
    corrected = [replace(q, correct=frozenset({1}), multiple=False) if q.code == code else q for q in make_bank()]
    preview = upload(client, "sua-dap-an.json", write_bank(corrected, "json"), bank_id=world.bank_id)
    confirm(client, preview.url.path)
    dry = client.get(f"/organiser/rounds/{world.open_round}/rescore").text
    assert re.search(r'id="changed">1<', dry)
    unchanged = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json()["result"]
    assert unchanged["correct"] == before["correct"]
    applied = client.post(f"/organiser/rounds/{world.open_round}/rescore", data={"csrf_token": csrf(dry)})
    assert re.search(r'id="changed">1<', applied.text)
    after = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).json()["result"]
    assert after["correct"] == before["correct"] + 1
    log = client.get("/organiser").text
    assert "Chấm lại vòng «Vòng mở»: kiểm tra 1 bài thi, cập nhật đáp án 1 bài, 1 kết quả thay đổi" in log
    assert "round.rescore" not in log and "round:" not in log


@pytest.mark.sqlite  # the failure is a SQLite trigger
def test_failed_confirmation_leaves_the_database_as_it_was(staff: TestClient, world: World) -> None:
    with sqlite3.connect(world.services.storage.path) as conn:
        conn.execute(
            "CREATE TRIGGER fail_on_500 BEFORE INSERT ON questions WHEN NEW.code = 'T-500'"
            " BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    preview = upload(staff, "lon.json", write_bank(make_bank(600), "json"))
    before = bank_count(world)
    with pytest.raises(sqlite3.IntegrityError):
        confirm(staff, preview.url.path, name="Sẽ hỏng")
    assert bank_count(world) == before
    assert staff.get(preview.url.path).status_code == 200  # the upload is still there to retry


def test_markup_in_an_upload_is_shown_as_text(staff: TestClient, world: World) -> None:
    data = json.dumps(
        {
            "format": "hoithi-bank",
            "version": 1,
            "questions": [
                {
                    "code": "X1",
                    "text": "<script>alert(1)</script>Câu?",
                    "options": ["<b>Có</b>", "Không"],
                    "answer": "A",
                },
                {"code": "X2", "text": "Câu hai?", "options": ["Có", "Không"], "answer": "B"},
            ],
        }
    ).encode()
    preview = upload(staff, "doc.json", data)
    assert "<script>alert(1)</script>" not in preview.text and "<b>Có</b>" not in preview.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Câu?" in preview.text


def test_other_organisers_uploads_are_not_visible(staff: TestClient, world: World) -> None:
    preview = upload(staff, "a.json", write_bank(make_bank(3), "json"))
    path = preview.url.path
    staff.post("/logout", data={"csrf_token": csrf(staff.get("/").text)})
    sign_in_staff(staff, world, Role.ORGANISER, "btc2")
    assert staff.get(path).status_code == 404


class _FormFields(HTMLParser):
    """The fields a browser would send from the first form posting to ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.done = action, False, False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done:
            self.inside = html.unescape(a.get("action", "")) == self.action
        if not self.inside:
            return
        if tag == "input" and (a.get("type") != "checkbox" or "checked" in a):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self.inside and self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(page: str, action: str) -> dict[str, str]:
    parser = _FormFields(action)
    parser.feed(page)
    return parser.fields


def edit(client: TestClient, world: World, code: str, **changes: str) -> None:
    """Edit one question through the console's form, as a browser would."""
    url = f"/organiser/banks/{world.bank_id}/question?code={code}"
    fields = form_fields(client.get(url).text, url)
    response = client.post(url, data={**fields, **changes}, follow_redirects=False)
    assert response.status_code == 303, response.text


def current(client: TestClient, world: World) -> dict[str, Question]:
    questions = client.portal.call(world.services.banks.questions, _organiser(world), world.bank_id)
    return {q.code: q for q in questions}


def test_edit_form_keeps_every_source_field(staff: TestClient, world: World) -> None:
    full = Source(
        citation="Điều 3 Nghị định 42/2022/NĐ-CP",
        document="42/2022/NĐ-CP",
        issued=date(2022, 6, 24),
        expired=date(2030, 1, 1),
        replaced_by="99/2029/NĐ-CP",
        url="https://vanban.chinhphu.vn/42-2022",
    )
    bank = [replace(q, source=full) if q.code == "T-001" else q for q in make_bank()]
    confirm(staff, upload(staff, "nguon.json", write_bank(bank, "json"), bank_id=world.bank_id).url.path)
    edit(staff, world, "T-001", explanation="Giải thích mới.")
    edited = current(staff, world)["T-001"]
    assert edited.explanation == "Giải thích mới."
    assert edited.source == full


@pytest.mark.parametrize("bad", ["²", "-1", "1e3", "9" * 25])
def test_points_in_the_edit_form_are_checked(staff: TestClient, world: World, bad: str) -> None:
    url = f"/organiser/banks/{world.bank_id}/question?code=T-001"
    response = staff.post(url, data={**form_fields(staff.get(url).text, url), "points": bad})
    assert response.status_code == 422 and "Điểm cần là một số nguyên từ 1 đến 100." in response.text
    assert current(staff, world)["T-001"].points == 1


@pytest.mark.parametrize(
    ("stem", "message"),
    [
        ("\u200c", "Thiếu nội dung câu hỏi."),
        (
            "Hỏi \u202eđảo?",
            "Có ký tự điều khiển hướng chữ (U+202E), có thể làm chữ hiển thị bị đảo: hãy xóa ký tự này.",
        ),
        ("Hỏi \x1b?", "Có ký tự điều khiển không in được (U+001B): hãy xóa ký tự này."),
    ],
)
def test_edit_form_stem_invisible_or_control_is_refused(
    staff: TestClient, world: World, stem: str, message: str
) -> None:
    url = f"/organiser/banks/{world.bank_id}/question?code=T-001"
    response = staff.post(url, data={**form_fields(staff.get(url).text, url), "text": stem})
    assert response.status_code == 422 and html.escape(message, quote=False) in response.text
    assert current(staff, world)["T-001"].text == "Câu hỏi thử số 1?"


def test_edit_form_shows_every_error_beside_its_field_and_in_a_summary(staff: TestClient, world: World) -> None:
    url = f"/organiser/banks/{world.bank_id}/question?code=T-001"
    empty = {"text": "", "answer": "", "source_issued": "31/02/2024", **{f"option_{x}": "" for x in "ABCDEF"}}
    response = staff.post(url, data={**form_fields(staff.get(url).text, url), **empty})
    assert response.status_code == 422
    expected = {
        "text": "Thiếu nội dung câu hỏi.",
        "option_A": "Cần ít nhất hai phương án.",
        "answer": "Thiếu đáp án đúng.",
        "source_issued": "Ngày «31/02/2024» không có thật (ngày/tháng vượt quá lịch).",
    }
    summary = response.text.split('id="error-summary"')[1].split("</div>")[0]
    links = {field: html.unescape(text) for field, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)}
    assert links == expected
    for field, message in expected.items():
        beside = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', response.text)
        assert beside and html.unescape(beside.group(1)) == message
        element = re.search(rf'<(?:input|textarea) id="{field}"[^>]*>', response.text)
        assert element and f'aria-describedby="{field}-error" aria-invalid="true"' in element.group(0)


def test_diff_shows_each_changed_field_with_old_and_new_values(staff: TestClient, world: World) -> None:
    edit(staff, world, "T-002", answer="B", explanation="", source_url="https://vanban.gov.vn/43")
    page = staff.get(f"/organiser/banks/{world.bank_id}").text
    link = re.search(r'href="(/organiser/banks/\d+/diff\?old=1&amp;new=2)"', page)
    assert link, "the history links versions by the numbers people see"
    diff = staff.get(html.unescape(link.group(1))).text
    assert "So sánh phiên bản 1 → 2" in diff
    assert "<code>T-002</code> · thay đổi: Đáp án, Giải thích, Nguồn" in diff
    text = " ".join(re.sub(r"<[^>]+>", " ", diff).split())
    assert "Đáp án Cũ: A. Phương án đúng 2 Mới: B. Phương án sai 2" in text
    assert "Giải thích Cũ: Giải thích 2 Mới: (trống)" in text
    assert "Nguồn: đường dẫn Cũ: (trống) Mới: https://vanban.gov.vn/43" in text
    assert "correct" not in diff and "explanation" not in diff


def test_upload_preview_lists_each_change_before_confirming(staff: TestClient, world: World) -> None:
    bank = [replace(q, text="Câu hỏi mới số 3?") if q.code == "T-003" else q for q in make_bank() if q.code != "T-040"]
    preview = upload(staff, "moi.json", write_bank([*bank, *make_bank(41)[40:]], "json"), bank_id=world.bank_id)
    assert re.search(r'id="summary">1 câu thêm, 1 câu sửa, 1 câu bỏ', preview.text)
    text = " ".join(re.sub(r"<[^>]+>", " ", preview.text).split())
    assert "T-003 · thay đổi: Câu hỏi Câu hỏi Cũ: Câu hỏi thử số 3? Mới: Câu hỏi mới số 3?" in text
    assert "Câu thêm T-041" in text and "Câu bỏ T-040" in text


def test_upload_warns_before_undoing_console_edits_whatever_the_file_is_called(staff: TestClient, world: World) -> None:
    exported = staff.get(f"/organiser/banks/{world.bank_id}/export/json")
    world.clock.advance(minutes=5)
    edit(staff, world, "T-001", text="Câu đã sửa trong trang quản trị?")
    edit(staff, world, "T-002", explanation="Giải thích mới")
    # The file exported from version 1, renamed and sent back: it would undo the edits of versions 2 and 3.
    preview = upload(staff, "ban-cuoi-cung.json", exported.content, bank_id=world.bank_id)
    warning = preview.text.split('id="overwritten"')[1].split("</section>")[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", warning).split())
    assert "Tệp được làm từ phiên bản 1." in text
    assert "Câu T-001 : Sửa câu T-001 · Nguyễn Ban Tổ Chức · 27/11/2026 10:05 (phiên bản 2)" in text
    assert "Câu T-002 : Sửa câu T-002 · Nguyễn Ban Tổ Chức · 27/11/2026 10:05 (phiên bản 3)" in text
    refused = confirm(staff, preview.url.path)
    assert refused.status_code == 422 and "hãy đánh dấu đồng ý" in refused.text
    assert confirm(staff, preview.url.path, accept_overwrite="on").status_code == 303
    assert current(staff, world)["T-001"].text == "Câu hỏi thử số 1?"


def test_discarding_an_upload_goes_back_where_it_was_for(staff: TestClient, world: World) -> None:
    for bank_id, back in ((world.bank_id, f"/organiser/banks/{world.bank_id}"), (None, "/organiser")):
        preview = upload(staff, "nganhang.json", write_bank(make_bank(), "json"), bank_id=bank_id)
        token = csrf(preview.text)
        fields = {"csrf_token": token, "content": content(preview.text)}
        discarded = staff.post(preview.url.path + "/discard", data=fields, follow_redirects=False)
        assert discarded.headers["location"] == back
        assert staff.get(preview.url.path).status_code == 404


def test_upload_compares_with_the_last_upload_when_the_name_says_nothing(staff: TestClient, world: World) -> None:
    edit(staff, world, "T-001", text="Câu đã sửa?")
    original = write_bank(make_bank(), "json")
    assert 'id="overwritten"' in upload(staff, "ban-cu.json", original, bank_id=world.bank_id).text
    carried = write_bank(list(current(staff, world).values()), "json")
    assert 'id="overwritten"' not in upload(staff, "ban-moi.json", carried, bank_id=world.bank_id).text


def test_key_change_offers_rescoring_of_rounds_with_attempts(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=api_user())
    sign_in_staff(client, world)
    corrected = [replace(q, correct=frozenset({1})) if q.code == "T-004" else q for q in make_bank()]
    preview = upload(client, "sua.json", write_bank(corrected, "json"), bank_id=world.bank_id)
    offer = preview.text.split('id="rescore"')[1].split("</section>")[0]
    assert "T-004" in offer and "Vòng mở: 1 bài thi" in offer and "Vòng sắp mở" not in offer
    done = client.get(confirm(client, preview.url.path).headers["location"]).text
    assert f'href="/organiser/rounds/{world.open_round}/rescore">Chấm lại «Vòng mở»</a>' in done
    # A key corrected in the console is offered too.
    url = f"/organiser/banks/{world.bank_id}/question?code=T-005"
    saved = client.post(url, data={**form_fields(client.get(url).text, url), "answer": "B"})
    assert f'href="/organiser/rounds/{world.open_round}/rescore">Chấm lại «Vòng mở»</a>' in saved.text
    # A change that keeps every key offers nothing.
    reworded = [replace(q, explanation="Khác.") if q.code == "T-004" else q for q in current(client, world).values()]
    again = upload(client, "loi-giai.json", write_bank(reworded, "json"), bank_id=world.bank_id)
    assert 'id="rescore"' not in again.text


def test_retiring_a_question_asks_first(staff: TestClient, world: World) -> None:
    form = staff.get(f"/organiser/banks/{world.bank_id}/question?code=T-002").text
    link = f"/organiser/banks/{world.bank_id}/retire?code=T-002"
    assert f'href="{link}"' in form and f'action="/organiser/banks/{world.bank_id}/retire"' not in form
    ask = staff.get(link)
    assert ask.status_code == 200 and "Bỏ câu hỏi <code>T-002</code>?" in ask.text
    assert "Câu hỏi thử số 2?" in ask.text and "Xác nhận bỏ câu hỏi" in ask.text
    assert "T-002" in current(staff, world)  # asking changes nothing
    fields = form_fields(ask.text, f"/organiser/banks/{world.bank_id}/retire")
    assert set(fields) == {"csrf_token", "code"}
    assert staff.post(f"/organiser/banks/{world.bank_id}/retire", data={"code": "T-002"}).status_code == 403
    done = staff.post(f"/organiser/banks/{world.bank_id}/retire", data=fields)
    assert done.status_code == 200 and "Đã bỏ câu hỏi" in done.text
    assert "T-002" not in current(staff, world)
    assert staff.get(f"/organiser/banks/{world.bank_id}/retire?code=T-002").status_code == 404


def _login(client: TestClient, login: str, next_url: str | None = None) -> str:
    page = client.get("/login" + (f"?next={next_url}" if next_url else ""))
    fields = form_fields(page.text, "/login")
    response = client.post("/login", data={**fields, "login": login, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


@pytest.mark.parametrize(
    ("role", "next_url", "landing"),
    [
        (Role.ORGANISER, None, "/organiser"),
        (Role.ADMIN, None, "/organiser"),
        (Role.JUDGE, None, "/judging"),
        (Role.ORGANISER, "/organiser/banks/1", "/organiser/banks/1"),
    ],
)
def test_staff_land_on_their_console(
    client: TestClient, world: World, role: Role, next_url: str | None, landing: str
) -> None:
    sign_in_staff(client, world, role, "canbo")
    client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
    assert _login(client, "canbo", next_url) == landing


def test_participants_land_where_they_were_going(client: TestClient, world: World) -> None:
    fields = register(client, world)
    client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
    assert _login(client, fields["phone"]) == "/"
    client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
    assert _login(client, fields["phone"], "/me/attempts") == "/me/attempts"


def test_sign_in_field_names_staff_usernames(client: TestClient) -> None:
    page = client.get("/login").text
    assert '<label for="login">Số điện thoại, email hoặc tên đăng nhập</label>' in page
    assert "tên đăng nhập được cấp" in page


def test_audit_log_reads_in_vietnamese(staff: TestClient, world: World) -> None:
    confirm(staff, upload(staff, "moi.json", write_bank(make_bank(39), "json"), bank_id=world.bank_id).url.path)
    edit(staff, world, "T-001", text="Câu đã sửa?")
    staff.post(
        f"/organiser/banks/{world.bank_id}/retire",
        data={"csrf_token": csrf(staff.get("/organiser").text), "code": "T-002"},
    )
    log = staff.get("/organiser").text.split("Nhật ký thao tác")[1]
    text = " ".join(re.sub(r"<[^>]+>", " ", log).split())
    assert "Bỏ câu T-002 khỏi ngân hàng «Ngân hàng thử» (phiên bản 4)" in text
    assert "Sửa câu T-001 của ngân hàng «Ngân hàng thử» (phiên bản 3)" in text
    assert "Tải lên phiên bản 2 của ngân hàng «Ngân hàng thử» (39 câu): Tải lên từ tệp moi.json" in text
    assert "27/11/2026 10:00 · Nguyễn Ban Tổ Chức" in text
    for code in ("bank.", "bank:", "round:", "<code>"):
        assert code not in log


def test_exports_name_and_serve_the_version_people_see(staff: TestClient, world: World) -> None:
    edit(staff, world, "T-001", text="Câu đã sửa?")
    url = f"/organiser/banks/{world.bank_id}/export/json"
    old = staff.get(url, params={"version": "1"})
    assert 'filename="ngan-hang-thu-phien-ban-1.json"' in old.headers["content-disposition"]  # "Ngân hàng thử"
    assert read_bank("x.json", old.content).questions[0].text == "Câu hỏi thử số 1?"
    assert 'filename="ngan-hang-thu-phien-ban-2.json"' in staff.get(url).headers["content-disposition"]
    missing = staff.get(url, params={"version": "3"})
    assert missing.status_code == 404 and "Ngân hàng câu hỏi không có phiên bản 3." in missing.text


@pytest.mark.parametrize("bad", ["²", "-1", "0", "1e3", "1.5", "9" * 25])
@pytest.mark.parametrize(
    ("path", "params", "name", "label"),
    [
        ("/organiser/banks/{bank}", {}, "page", "Số trang"),
        ("/organiser/banks/{bank}/export/json", {}, "version", "Phiên bản"),
        ("/organiser/banks/{bank}/diff", {"new": "1"}, "old", "Phiên bản cũ"),
        ("/organiser/banks/{bank}/diff", {"old": "1"}, "new", "Phiên bản mới"),
    ],
)
def test_numbers_in_console_urls_are_checked(
    staff: TestClient, world: World, bad: str, path: str, params: dict[str, str], name: str, label: str
) -> None:
    response = staff.get(path.format(bank=world.bank_id), params={**params, name: bad})
    assert response.status_code == 422, response.text
    assert f"{label} cần là một số nguyên" in response.text


@pytest.mark.parametrize("bad", ["²", "-1", "1e3", "9" * 25])
def test_bank_number_in_the_upload_form_is_checked(staff: TestClient, world: World, bad: str) -> None:
    before = bank_count(world)
    token = csrf(staff.get("/organiser").text)
    response = staff.post(
        "/organiser/uploads",
        data={"csrf_token": token, "bank_id": bad},
        files={"file": ("a.json", write_bank(make_bank(3), "json"))},
    )
    assert response.status_code == 422 and "Mã ngân hàng câu hỏi cần là một số nguyên" in response.text
    assert bank_count(world) == before


def test_page_past_the_last_is_refused(staff: TestClient, world: World) -> None:
    response = staff.get(f"/organiser/banks/{world.bank_id}", params={"page": "2"})
    assert response.status_code == 422 and "Số trang cần là một số nguyên từ 1 đến 1." in response.text


def test_console_tables_scroll_in_labelled_focusable_regions(staff: TestClient, world: World) -> None:
    preview = upload(staff, "loi.csv", b"Ma cau,Cau hoi,Phuong an A,Phuong an B,Dap an dung\nC1,Mot?,Co,Khong,\n")
    pages = [staff.get("/organiser").text, staff.get(f"/organiser/banks/{world.bank_id}").text, preview.text]
    for page in pages:
        tables = page.count('<table class="list')
        regions = re.findall(r'<div class="table-scroll" tabindex="0" role="region" aria-label="[^"]+">\s*<table', page)
        assert tables and len(regions) == tables
    css = staff.get("/static/app.css").text
    # Either splits words letter by letter in table cells.
    assert "overflow-wrap: anywhere" not in css and "word-break: break-all" not in css


def test_preview_shows_the_quality_report_with_sources_judged_on_the_last_round_day(
    staff: TestClient, world: World
) -> None:
    lapsing = Source(citation="Nghị định 43/2011/NĐ-CP", document="43/2011/NĐ-CP", expired=date(2026, 12, 1))
    data = write_bank([replace(q, source=lapsing) if q.code == "T-003" else q for q in make_bank()], "json")
    # The bank's upcoming round closes on 11/12/2026: the source lapses before then.
    section = upload(staff, "cap-nhat.json", data, bank_id=world.bank_id).text.split('id="quality"')[1]
    section = section.split("</section>")[0]
    assert "Câu một đáp án: phương án A là đáp án đúng ở quá nhiều câu: 32/32 câu" in section
    assert "Câu T-003 trích dẫn 43/2011/NĐ-CP, văn bản hết hiệu lực từ 01/12/2026." in section
    # A new bank has no rounds: its sources are judged today, 27/11/2026.
    preview = upload(staff, "moi.json", data)
    assert 'id="quality"' in preview.text and "Câu T-003 trích dẫn" not in preview.text
    assert confirm(staff, preview.url.path, name="Ngân hàng mới").status_code == 303  # warnings do not block


def test_edit_form_keeps_order_of_options_naming_others(staff: TestClient, world: World) -> None:
    assert not current(staff, world)["T-001"].keep_order
    edit(staff, world, "T-001", option_D="Cả A và B đều đúng")
    edited = current(staff, world)["T-001"]
    assert edited.options[3] == "Cả A và B đều đúng"
    assert edited.keep_order

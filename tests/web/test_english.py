"""Every participant and console page in English (/lang/en) has no text in
Vietnamese except people's data: names, questions, contest and round texts,
areas, and what the audit log and version notes recorded."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.conftest import World, make_bank
from tests.web.test_organiser import sign_in_staff, upload
from tests.web.test_pages import csrf, page_form, register, start_round

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
SHOWN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "value", "content"}
"""Attributes people read or hear; and every ``data-*`` one, the texts the
page's script shows."""


def data_strings() -> list[str]:
    """People's data on the seeded pages, longest first so a long one goes
    before a shorter one inside it."""
    bank = make_bank()
    texts = {"Cuộc thi thử", "Mô tả cuộc thi.", "Thể lệ cuộc thi.", "Thông báo xử lý dữ liệu cá nhân.", "Ngân hàng thử"}
    texts |= {"Vòng mở", "Vòng sắp mở", "Vòng đã đóng", "Thành phố Mỹ Tho", "Huyện Cái Bè"}
    texts |= {"Tiếng Việt"}  # the language switch names Vietnamese in Vietnamese
    texts |= {
        "Nguyễn Văn An",
        "Sở Thông tin và Truyền thông",
        "Nguyễn Ban Tổ Chức",
        "Có bao nhiêu người trả lời đúng tất cả?",
    }
    for q in bank:
        texts |= {q.text, *q.options, q.topic, q.explanation}
        if q.source:
            texts |= {q.source.citation, q.source.document}
    return sorted(texts, key=len, reverse=True)


RECORDED = re.compile(r"^· .* · .*$|^Sửa câu T-\d+$", re.S)
"""Lines of the audit log (after their time) and version notes: recorded in
Vietnamese when the change was made, shown as recorded."""
DOCUMENT_NUMBER = re.compile(r"\b\d+/\d{4}/[A-ZĐ]+(?:-[A-ZĐ]+)*")
"""A legal document's number (356/2025/NĐ-CP) is its name in every language."""
UNTRANSLATED = re.compile(
    r'<table class="list problems stack">.*?</table>|<section class="card warning" id="quality">.*?</section>', re.S
)
"""Not translated yet: what the bank reader and the quality report say about
an uploaded file, built in Vietnamese in the domain with values inside."""


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (name in SHOWN_ATTRIBUTES or name.startswith("data-")):
                self.found.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.found.append(data.strip())


def vietnamese_texts(html: str, data: list[str]) -> list[str]:
    parser = _Texts()
    parser.feed(UNTRANSLATED.sub("", html))
    left = []
    for text in parser.found:
        if RECORDED.match(text):
            continue
        for known in data:
            text = text.replace(known, "")
        text = DOCUMENT_NUMBER.sub("", text)
        if VIETNAMESE.search(text):
            left.append(text)
    return left


def test_every_page_in_english_has_no_vietnamese_but_data(client: TestClient, world: World) -> None:
    data = data_strings()
    client.get("/lang/en?next=/", follow_redirects=False)
    seen: dict[str, list[str]] = {}

    def visit(path: str, html: str | None = None) -> str:
        text = html if html is not None else client.get(path).text
        if found := vietnamese_texts(text, data):
            seen[path] = found
        return text

    for path in ("/", "/contests/thu", "/register", "/login", "/privacy", "/contests/thu/privacy"):
        visit(path)
    token = csrf(client.get("/register").text)
    visit("/register (errors)", client.post("/register", data={"csrf_token": token}).text)
    register(client, world)
    visit("/contests/thu")
    attempt_id = start_round(client, world.open_round)
    html = visit(f"/attempts/{attempt_id}")
    review = {**page_form(html), "action": "review", "q1": "1", "prediction": "1234"}
    visit("/attempts/N/review", client.post(f"/attempts/{attempt_id}", data=review).text)
    wrong = {"csrf_token": csrf(html), "action": "submit", "prediction": "1.5"}
    visit("/attempts/N/review (wrong prediction)", client.post(f"/attempts/{attempt_id}", data=wrong).text)
    done = {"csrf_token": csrf(html), "action": "submit", "prediction": "1234"}
    result = visit("/attempts/N/result", client.post(f"/attempts/{attempt_id}", data=done).text)
    assert "<dt>Time taken</dt>" in result
    assert "<dt>Prediction</dt><dd>1,234</dd>" in result
    assert "<th>Time taken</th>" in visit("/me/attempts")
    account = visit("/me/account")
    wrong_password = {"csrf_token": csrf(account), "current_password": "sai", "password": "x"}
    visit("/me/account (errors)", client.post("/me/account/password", data=wrong_password).text)
    visit("/no-such-page")

    sign_in_staff(client, world)
    bank = f"/organiser/banks/{world.bank_id}"
    for path in ("/organiser", bank, f"{bank}/question?code=T-001", f"{bank}/retire?code=T-001"):
        visit(path)
    edit = csrf(client.get(f"{bank}/question?code=T-001").text)
    visit(f"{bank}/question (errors)", client.post(f"{bank}/question?code=T-001", data={"csrf_token": edit}).text)
    exported = client.get(f"{bank}/export/json").content
    visit("/organiser/uploads/N", upload(client, "nganhang.json", exported, bank_id=world.bank_id).text)
    visit(f"/organiser/rounds/{world.open_round}/rescore")
    for path in ("/organiser/contests", "/organiser/contests/new", f"/organiser/contests/{world.contest_id}"):
        visit(path)
    for path in (f"/organiser/contests/{world.contest_id}/rounds/new", f"/organiser/rounds/{world.open_round}"):
        visit(path)
    visit(f"/organiser/rounds/{world.open_round}/edit")
    visit(f"/organiser/contests/{world.contest_id}/edit")
    sign_in_staff(client, world, Role.ADMIN, "quantri")
    visit("/organiser/staff")
    made = client.post("/organiser/staff", data={"csrf_token": csrf(client.get("/organiser/staff").text)})
    visit("/organiser/staff (errors)", made.text)
    visit(f"/organiser/rounds/{world.open_round}/stats")
    assert seen == {}, "\n".join(f"{path}: {texts}" for path, texts in seen.items())

"""The bundled bank, whole: every question parses and has a key, a source,
an explanation; codes and texts are unique; the Excel template ships the same bank;
documents no longer in force are cited as history; sources have official URLs;
the quality report finds nothing that lets a participant guess."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from contest.domain.banks.quality import report as quality_report
from contest.domain.banks.reader import read_bank
from contest.domain.banks.toml_format import load_directory
from contest.domain.models import Difficulty
from contest.services import demo

QUESTIONS = Path(__file__).resolve().parent.parent / "questions"


def test_bundled_bank_is_valid_and_complete() -> None:
    bank = load_directory(QUESTIONS)
    assert bank.problems == ()
    assert len(bank.questions) >= 250
    for q in bank.questions:
        assert q.correct, q.code
        assert q.source is not None and q.source.citation, q.code
        assert q.explanation, q.code
    assert len({q.code for q in bank.questions}) == len(bank.questions)
    assert len({" ".join(q.text.casefold().split()) for q in bank.questions}) == len(bank.questions)


def test_bundled_bank_mixes_topics_levels_and_kinds() -> None:
    bank = load_directory(QUESTIONS).questions
    topics = Counter(q.topic for q in bank)
    assert len(topics) >= 8 and min(topics.values()) >= 20
    assert set(Counter(q.difficulty for q in bank)) == set(Difficulty)
    assert sum(q.multiple for q in bank) >= 30
    assert sum(not q.multiple for q in bank) >= 150


def test_excel_template_holds_the_same_bank() -> None:
    template = read_bank("ngan-hang-cau-hoi.xlsx", (QUESTIONS / "ngan-hang-cau-hoi.xlsx").read_bytes())
    assert template.problems == ()
    assert template.questions == load_directory(QUESTIONS).questions, (
        "questions/ngan-hang-cau-hoi.xlsx is out of date: run "
        "`contest bank export --bundled --format xlsx -o questions/ngan-hang-cau-hoi.xlsx`"
    )


LAPSED = {
    "86/2015/QH13": (date(2026, 7, 1), "116/2025/QH15"),
    "24/2018/QH14": (date(2026, 7, 1), "116/2025/QH15"),
    "13/2023/NĐ-CP": (date(2026, 1, 1), "356/2025/NĐ-CP"),
    "130/2018/NĐ-CP": (date(2025, 4, 10), "23/2025/NĐ-CP"),
    "59/2022/NĐ-CP": (date(2024, 7, 1), "69/2024/NĐ-CP"),
    "59/2014/QH13": (date(2024, 7, 1), "26/2023/QH15"),
    "51/2005/QH11": (date(2024, 7, 1), "20/2023/QH15"),
}
"""Documents no longer in force when the bank was last checked (29/11/2026): the
first day each no longer applied and the document that replaced it, as the
questions' sources state."""

HISTORY = ("hết hiệu lực", "thay thế", "áp dụng đến")
"""Words by which a stem says that the document it names is no longer in force."""

PROVINCE_REPORTS = frozenset({"149/BC-UBND"})
"""Documents known only from the province's own report, with no public page."""

WEAK_HOSTS = (
    "kenh14.vn",
    "luatkhoa.com",
    "tokiomarine.com.vn",
    "luatvietan.com",
    "anhp.vn",
    "thutucphapluat.com",
    "vietnet24h.vn",
    "violet.vn",
    "runsystem.net",
    "dangkydoanhnghieponline.com",
    "nacencomm.vn",
)
"""Entertainment sites, vendors' blogs and magazines published abroad, once cited:
never a source for a provincial contest."""


def test_bundled_bank_cites_lapsed_documents_as_history() -> None:
    bank = load_directory(QUESTIONS).questions
    for q in bank:
        assert q.source is not None, q.code
        if q.source.document in LAPSED:
            assert (q.source.expired, q.source.replaced_by) == LAPSED[q.source.document], q.code
        for document in LAPSED:
            if document in q.text:
                assert any(word in q.text for word in HISTORY), q.code


def test_bundled_bank_sources_have_official_urls() -> None:
    for q in load_directory(QUESTIONS).questions:
        assert q.source is not None, q.code
        if q.source.document in PROVINCE_REPORTS:
            continue
        assert q.source.url, q.code
        host = urlsplit(q.source.url).hostname or ""
        assert not any(host == weak or host.endswith("." + weak) for weak in WEAK_HOSTS), (q.code, host)


def test_bundled_bank_tien_giang_topic_is_named_as_history() -> None:
    topics = {q.topic for q in load_directory(QUESTIONS).questions if q.code.startswith("TG-")}
    assert topics == {"Tiền Giang (trước sáp nhập 01/7/2025): chính quyền điện tử giai đoạn 2017–2023"}


def test_bundled_bank_has_no_guessing_cues() -> None:
    assert quality_report(load_directory(QUESTIONS).questions, on=None).warnings == ()


def test_demo_contest_says_its_province_facts_are_history() -> None:
    assert "trước khi tỉnh Tiền Giang sáp nhập vào tỉnh Đồng Tháp (01/7/2025)" in demo.DESCRIPTION
    assert len(demo.AREAS) == 11
    assert all(area.endswith(" (Tiền Giang, năm 2020)") for area in demo.AREAS)

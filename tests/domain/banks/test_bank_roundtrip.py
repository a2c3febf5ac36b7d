"""Export then import gives the same bank, in every export format."""

from __future__ import annotations

from datetime import date

import pytest

from contest.domain.banks.export import FORMATS, write_bank
from contest.domain.banks.reader import read_bank
from contest.domain.models import Difficulty, Question, Source

EXTENSIONS = {"xlsx": "xlsx", "json": "json", "gift": "gift.txt"}

BANK = [
    Question(
        code="CKS-001",
        text="Chữ ký số {x} = a ~ b # c: dùng để làm gì?",
        options=("Xác thực người ký", "Mã hóa nội dung", "Bảo đảm toàn vẹn dữ liệu", "Cả A và C"),
        correct=frozenset({0, 2}),
        topic="Chữ ký số",
        difficulty=Difficulty.HARD,
        multiple=True,
        keep_order=True,
        points=3,
        explanation="Theo Điều 3: chữ ký số {bảo đảm} = xác thực ~ toàn vẹn #1.",
        source=Source(
            citation="Điều 3 Luật Giao dịch điện tử 20/2023/QH15",
            document="20/2023/QH15",
            issued=date(2023, 6, 22),
            url="https://vbpl.vn/luat-20-2023",
        ),
    ),
    Question(
        code="DVC-002",
        text="Dịch vụ công trực tuyến mức độ 2 cho phép:\nchọn một phương án.",
        options=("= 2 + 3", "%50% hồ sơ", "[html] văn bản", "a\\b", "#N/A", "2020"),
        correct=frozenset({1}),
        topic="Dịch vụ công / Cổng quốc gia",
        difficulty=Difficulty.EASY,
        points=100,
        source=Source(
            citation="Điều 3 Nghị định 43/2011/NĐ-CP",
            document="43/2011/NĐ-CP",
            issued=date(2011, 6, 13),
            expired=date(2022, 8, 15),
            replaced_by="42/2022/NĐ-CP",
        ),
    ),
    Question(
        code="DVC-003",
        text="Câu chọn nhiều ô nhưng chỉ một đáp án đúng?",
        options=("Đúng", "Sai"),
        correct=frozenset({0}),
        topic="Dịch vụ công / Cổng quốc gia",
        multiple=True,
    ),
    Question(
        code="CDS-004",
        text="[plain] Câu có hai đáp án, thí sinh chọn nhiều ô?",
        options=("a: x", "b", "c"),
        correct=frozenset({0, 1}),
        multiple=True,
        explanation="[markdown] **in đậm**",
    ),
    Question(
        code="CDS-005",
        text="Câu không chủ đề, mặc định mọi trường",
        options=("%50 số phiếu", "Không"),
        correct=frozenset({1}),
    ),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_roundtrip_export_then_import_gives_the_same_bank(fmt: str) -> None:
    bank = read_bank(f"bank.{EXTENSIONS[fmt]}", write_bank(BANK, fmt))
    assert bank.problems == ()
    assert bank.questions == tuple(BANK)
    assert bank.topics == ("Chữ ký số", "Dịch vụ công / Cổng quốc gia")


def test_roundtrip_formats_are_xlsx_json_gift() -> None:
    assert FORMATS == ("xlsx", "json", "gift")


def test_roundtrip_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="Định dạng xuất «pdf» không được hỗ trợ"):
        write_bank(BANK, "pdf")


def test_roundtrip_gift_export_escapes_and_writes_categories() -> None:
    lines = write_bank(BANK[:2], "gift").decode("utf-8").split("\n")
    assert lines[:12] == [
        "$CATEGORY: $course$/Chữ ký số",
        "",
        "// [id:CKS-001]",
        '// hoithi: {"difficulty": "hard", "points": 3, "keep_order": true, "source": {"citation": '
        '"Điều 3 Luật Giao dịch điện tử 20/2023/QH15", "document": "20/2023/QH15", "issued": "2023-06-22", '
        '"expired": null, "replaced_by": "", "url": "https://vbpl.vn/luat-20-2023"}}',
        "::CKS-001::[plain]Chữ ký số \\{x\\} \\= a \\~ b \\# c\\: dùng để làm gì?{",
        "\t~%50%Xác thực người ký",
        "\t~%-100%Mã hóa nội dung",
        "\t~%50%Bảo đảm toàn vẹn dữ liệu",
        "\t~%-100%Cả A và C",
        "\t####Theo Điều 3\\: chữ ký số \\{bảo đảm\\} \\= xác thực \\~ toàn vẹn \\#1.",
        "}",
        "",
    ]
    assert lines[12:15] == ["$CATEGORY: $course$/Dịch vụ công // Cổng quốc gia", "", "// [id:DVC-002]"]
    assert lines[16:24] == [
        "::DVC-002::[plain]Dịch vụ công trực tuyến mức độ 2 cho phép\\:\\nchọn một phương án.{",
        "\t~\\= 2 + 3",
        "\t=%50% hồ sơ",
        "\t~[plain][html] văn bản",
        "\t~a\\\\b",
        "\t~\\#N/A",
        "\t~2020",
        "}",
    ]


def test_roundtrip_gift_protects_a_wrong_option_that_starts_with_percent() -> None:
    assert "\t~%0%%50 số phiếu" in write_bank(BANK[4:], "gift").decode("utf-8").split("\n")

"""The audit log as sentences: every kind of entry, old ones included, is
described in Vietnamese without action codes or subjects."""

from __future__ import annotations

from typing import Any

import pytest

from contest.services.journal import describe
from contest.storage.audit import AuditEntry
from tests.conftest import NOW

BANKS = {3: "Chuyển đổi số"}
ROUNDS = {2: "Vòng 1"}


def entry(action: str, subject: str, **details: Any) -> AuditEntry:
    return AuditEntry(id=1, actor="Lê Văn Tổ", action=action, subject=subject, details=details, created_at=NOW)


@pytest.mark.parametrize(
    ("logged", "sentence"),
    [
        (
            entry("bank.create", "bank:3", version=7, number=1, questions=40, note="Tải lên từ tệp a.xlsx"),
            "Tạo ngân hàng «Chuyển đổi số», phiên bản 1 (40 câu): Tải lên từ tệp a.xlsx",
        ),
        (
            entry(
                "bank.version", "bank:3", version=9, number=2, questions=41, note="Tải lên từ tệp b.json", kind="upload"
            ),
            "Tải lên phiên bản 2 của ngân hàng «Chuyển đổi số» (41 câu): Tải lên từ tệp b.json",
        ),
        (
            entry(
                "bank.version", "bank:3", number=3, questions=41, note="Sửa câu DVC-001", kind="edit", code="DVC-001"
            ),
            "Sửa câu DVC-001 của ngân hàng «Chuyển đổi số» (phiên bản 3)",
        ),
        (
            entry(
                "bank.version", "bank:3", number=4, questions=40, note="Bỏ câu DVC-002", kind="retire", code="DVC-002"
            ),
            "Bỏ câu DVC-002 khỏi ngân hàng «Chuyển đổi số» (phiên bản 4)",
        ),
        (  # written before entries carried their kind and number
            entry("bank.version", "bank:3", version=9, questions=40, note="Sửa câu DVC-001"),
            "Lưu phiên bản của ngân hàng «Chuyển đổi số» (40 câu): Sửa câu DVC-001",
        ),
        (
            entry(
                "round.rescore", "round:2", attempts_checked=12, attempts_rekeyed=3, results_changed=2, skipped=["X"]
            ),
            "Chấm lại vòng «Vòng 1»: kiểm tra 12 bài thi, cập nhật đáp án 3 bài, 2 kết quả thay đổi;"
            " không áp dụng cho câu X (phương án đã bị sửa)",
        ),
        (
            entry("bank.version", "bank:99", number=2, kind="edit", code="A"),
            "Sửa câu A của ngân hàng (không rõ tên) (phiên bản 2)",
        ),
        (
            entry("round.phase", "round:2", **{"from": "closed", "to": "under_review", "note": "Bắt đầu chấm"}),
            "Chuyển vòng «Vòng 1» từ «Đã kết thúc» sang «Đang chấm»: Bắt đầu chấm",
        ),
        (
            entry("round.phase", "round:2", **{"from": "provisional", "to": "final", "note": ""}),
            "Chuyển vòng «Vòng 1» từ «Kết quả tạm thời» sang «Kết quả chính thức»",
        ),
        (entry("account.disable", "user:7", name="btc"), "Khoá tài khoản «btc»"),
        (
            entry("account.disable", "user:8", name="Nguyễn Văn An", reason="Dùng CCCD của người khác"),
            "Khoá tài khoản «Nguyễn Văn An»: Dùng CCCD của người khác",
        ),
        (entry("account.enable", "user:7", name="btc"), "Mở khoá tài khoản «btc»"),
        (
            entry("account.role", "user:7", name="btc", role="judge", before={"role": "organiser"}),
            "Đổi vai trò của tài khoản «btc» từ Ban Tổ chức thành Ban Giám khảo",
        ),
        (
            entry("account.duplicate", "user:8", name="Nguyễn Văn An", of_name="Nguyễn An", reason="Cùng người"),
            "Đánh dấu tài khoản «Nguyễn Văn An» trùng với tài khoản «Nguyễn An»: Cùng người",
        ),
        (
            entry("account.unduplicate", "user:8", name="Nguyễn Văn An"),
            "Bỏ đánh dấu trùng của tài khoản «Nguyễn Văn An»",
        ),
        (
            entry("account.role", "user:7", name="btc", role="judge"),
            "Đổi vai trò của tài khoản «btc» thành Ban Giám khảo",
        ),
        (entry("account.password", "user:7", name="Nguyễn Văn An"), "Đặt mật khẩu mới cho tài khoản «Nguyễn Văn An»"),
        (
            entry(
                "round.prize_decision",
                "round:2",
                rank=3,
                tied=["An", "Bình"],
                before={"prize": "Giải Nhì", "winners": ["An"], "reason": "Bốc thăm"},
                after={"prize": "Giải Nhì", "winners": ["An", "Bình"], "reason": "Vượt cơ cấu"},
            ),
            "Quyết định đồng hạng 3 ở ranh giới giải vòng «Vòng 1»: Giải Nhì cho An, Bình (Vượt cơ cấu);"
            " thay quyết định trước: Giải Nhì cho An (Bốc thăm)",
        ),
        (
            entry(
                "round.rescore",
                "round:2",
                attempts_checked=4,
                attempts_rekeyed=2,
                results_changed=1,
                skipped=[],
                key={"code": "T-001", "before": "A", "after": "B", "reason": "Theo Điều 5"},
            ),
            "Sửa đáp án câu T-001 từ A thành B (Theo Điều 5). Chấm lại vòng «Vòng 1»: kiểm tra 4 bài thi,"
            " cập nhật đáp án 2 bài, 1 kết quả thay đổi",
        ),
        (entry("staff.something", "user:1"), "Thao tác khác của cán bộ"),
    ],
)
def test_every_entry_reads_as_a_vietnamese_sentence(logged: AuditEntry, sentence: str) -> None:
    line = describe(logged, banks=BANKS, rounds=ROUNDS)
    assert (line.text, line.actor, line.at) == (sentence, "Lê Văn Tổ", NOW)

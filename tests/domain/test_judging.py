"""The judges' review rules: the complaint window, final results, disqualifying
only under review, and what people write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contest.domain import judging
from contest.domain.judging import ComplaintsClosed, Move, NotUnderReview, Review
from contest.domain.models import Phase
from contest.domain.phases import PhaseRefused
from contest.errors import Invalid

PUBLISHED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def review(phase: Phase = Phase.PROVISIONAL, *, hours: int = 24, unanswered: int = 0) -> Review:
    return Review(phase, PUBLISHED, hours, unanswered)


def test_complaint_window_closes_the_hours_after_publication() -> None:
    assert review().window_closes == PUBLISHED + timedelta(hours=24)
    judging.check_complaint(review(), PUBLISHED + timedelta(hours=23, minutes=59))
    with pytest.raises(ComplaintsClosed, match="Đã hết thời hạn gửi khiếu nại"):
        judging.check_complaint(review(), PUBLISHED + timedelta(hours=24))


def test_complaint_refused_outside_provisional_results() -> None:
    for phase in (Phase.CLOSED, Phase.UNDER_REVIEW, Phase.FINAL):
        with pytest.raises(ComplaintsClosed, match="kết quả tạm thời"):
            judging.check_complaint(review(phase), PUBLISHED)
    never_published = Review(Phase.CLOSED, None, 24, 0)
    assert never_published.window_closes is None
    assert not never_published.window_open(PUBLISHED)


def test_complaint_window_of_zero_hours_takes_none() -> None:
    with pytest.raises(ComplaintsClosed):
        judging.check_complaint(review(hours=0), PUBLISHED)
    judging.check_final(review(hours=0), PUBLISHED)


def test_final_refused_while_the_window_is_open() -> None:
    with pytest.raises(PhaseRefused) as refused:
        judging.check_final(review(), PUBLISHED + timedelta(hours=1))
    assert refused.value.code == "complaint_window_open"
    assert refused.value.message == (  # 09:00 UTC the next day is 16:00 in Vietnam
        "Thời hạn khiếu nại chưa hết (đến 21/11/2026 16:00 giờ Việt Nam):"
        " chỉ công bố kết quả chính thức sau khi hết hạn."
    )
    judging.check_final(review(), PUBLISHED + timedelta(hours=24))


def test_final_refused_while_a_complaint_is_unanswered() -> None:
    after = PUBLISHED + timedelta(days=2)
    with pytest.raises(PhaseRefused, match="Còn 2 khiếu nại chưa được trả lời") as refused:
        judging.check_final(review(unanswered=2), after)
    assert refused.value.code == "complaints_unanswered"


def test_disqualifying_allowed_only_under_review() -> None:
    judging.check_under_review(Phase.UNDER_REVIEW)
    with pytest.raises(NotUnderReview, match="«Đang chấm» \\(hiện tại: «Kết quả tạm thời»\\)"):
        judging.check_under_review(Phase.PROVISIONAL)


def test_written_text_is_trimmed_and_bounded() -> None:
    assert judging.written("  Câu 3 có hai đáp án đúng.  ", field="text", limit=30, missing="…") == (
        "Câu 3 có hai đáp án đúng."
    )
    for value in ("   ", None, 5):
        with pytest.raises(Invalid) as empty:
            judging.written(value, field="text", limit=30, missing="Hãy viết nội dung khiếu nại.")
        assert empty.value.errors == {"text": "Hãy viết nội dung khiếu nại."}
    with pytest.raises(Invalid) as long:
        judging.written("x" * 31, field="reason", limit=30, missing="…")
    assert long.value.errors == {"reason": "Dài tối đa 30 ký tự."}


def test_moves_list_who_changed_rank_between_publications() -> None:
    before = {1: ("An", 1), 2: ("Bình", 2), 3: ("Chi", 3), 4: ("Dung", 4)}
    after = {2: ("Bình", 1), 3: ("Chi", 2), 4: ("Dung", 4), 5: ("Em", 3)}
    assert judging.moves(before, after) == [
        Move(2, "Bình", 2, 1),
        Move(3, "Chi", 3, 2),
        Move(5, "Em", None, 3),
        Move(1, "An", 1, None),
    ]
    assert judging.moves(after, after) == []

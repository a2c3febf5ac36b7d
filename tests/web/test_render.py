"""The page helpers: numbers per language, hyphenated tokens kept whole,
messages with values translated."""

from __future__ import annotations

from contest.domain.durations import Duration
from contest.errors import Message, TooManyRequests
from contest.web.render import format_number, keep_whole, translate


def test_numbers_follow_the_language() -> None:
    assert [format_number(30038), format_number(1234, "en"), format_number(7, "en")] == ["30.038", "1,234", "7"]
    assert [format_number(2.5, places=1), format_number(-0.125, places=2), format_number(1234.5, "en", 1)] == [
        "2,5",
        "-0,12",
        "1,234.5",
    ]
    assert format_number(30038.04, places=1) == "30.038,0"


def test_keep_whole_wraps_hyphenated_tokens_and_escapes_the_rest() -> None:
    assert str(keep_whole("Nghị quyết 52-NQ/TW về <b>COVID-19</b>, a - b")) == (
        'Nghị quyết <span class="nowrap">52-NQ/TW</span> về '
        '<span class="nowrap">&lt;b&gt;COVID-19&lt;/b&gt;,</span> a - b'
    )


def test_a_message_with_values_translates_by_its_template() -> None:
    message = Message("Vui lòng thử lại sau {wait}.", wait=Duration(5_400_000))
    assert message == "Vui lòng thử lại sau 1 giờ 30 phút."
    assert translate("vi", message) == message
    assert translate("en", message) == "Vui lòng thử lại sau 1 h 30 min."  # no entry: the template, in English words
    refused = TooManyRequests("Đã gửi nhiều mã trong thời gian ngắn. Vui lòng thử lại sau {wait}.", retry_after=45)
    assert translate("en", refused.message) == "Too many codes were sent in a short time. Please try again in 45 s."

"""Free text as it is stored (contest/domain/text.py): the one reader every
text a person sends goes through, and the one reader of choices."""

from __future__ import annotations

import pytest

from contest.domain.models import Counting
from contest.domain.text import NOT_TEXT, read_choice, read_text
from contest.errors import Invalid


def test_read_text_stores_nfc_without_invisible_characters() -> None:
    assert read_text("  A\u0301\u200bn  ", field="title") == "Án"
    assert read_text("Dòng 1\r\nDòng  2", field="description") == "Dòng 1\nDòng  2"
    assert read_text("Dòng 1\n\tDòng  2", field="title", one_line=True) == "Dòng 1 Dòng 2"
    assert read_text(None, field="note") == ""


@pytest.mark.parametrize("value", ["a\u0000b", "\u0007", "\u202e", "x\u2066y", "a\u009bb", "\ud800"])
def test_read_text_refuses_control_characters_naming_the_field(value: str) -> None:
    with pytest.raises(Invalid) as refused:
        read_text(value, field="reason")
    assert list(refused.value.errors) == ["reason"]
    assert "ký tự" in refused.value.errors["reason"]


@pytest.mark.parametrize("value", [5, 1.5, True, ["a"], {"a": 1}])
def test_read_text_refuses_anything_but_a_string(value: object) -> None:
    with pytest.raises(Invalid) as refused:
        read_text(value, field="title")
    assert refused.value.errors == {"title": NOT_TEXT}


def test_read_choice_gives_the_key_and_refuses_other_types() -> None:
    labels = {Counting.BEST: "Cao nhất", Counting.FIRST: "Đầu tiên"}
    assert read_choice("best", field="counting", choices=labels) is Counting.BEST
    for value in (["best"], {}, 1, None, True, "BEST", ""):
        with pytest.raises(Invalid) as refused:
            read_choice(value, field="counting", choices=labels)
        assert refused.value.errors == {"counting": "Chọn một trong: best (Cao nhất), first (Đầu tiên)."}

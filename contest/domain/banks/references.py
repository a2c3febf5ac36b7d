"""Options that point at other options, which shuffling would break.

"Cả A và B đều đúng" names options by letter; "Tất cả các phương án trên" and
"Không phương án nào đúng" by position. Once the options are shuffled the
letters shown are not those the text names, and "trên" may be below. Every
importer builds its questions through ``common.build_question``, which asks
:func:`refers_to_others` about each option and keeps such a question's order
fixed (``Question.keep_order``), warning the organiser.

Letters count only as whole words (A–F, or a–f as some banks write them),
and only in a shape that names options: after "phương án", "đáp án", "lựa
chọn", "ý"; after "Cả"; or an option made of letters alone ("A và C", "b, c
đều đúng"). Numbered positions count in the same shapes: two or more after
those words ("Phương án 1 và 2"), one after "phương án", "đáp án" or "lựa
chọn", or an option of numbers alone with a verdict ("1 và 2 đúng"). "Hạng
A", "Vitamin A", "Điều 3", "Mức độ 3 và 4" or "Tất cả người dân" are
ordinary text.
"""

from __future__ import annotations

import re

from contest.domain.banks.diacritics import strip_accents

_LETTER = r"[A-Fa-f]"
_JOIN = r"(?:\s*(?:,|;|&|/|\bva\b|\bhoac\b|\band\b|\bor\b)\s*)"
_LIST = rf"\b{_LETTER}\b(?:{_JOIN}\b{_LETTER}\b)+"
_NUMBERS = rf"\b[1-6]\b(?:{_JOIN}\b[1-6]\b)+"
_VERDICT = r"(?:\s+(?:deu\s+)?(?:la\s+)?(?:dung|sai))"
_WORD = r"(?:phuong\s+an|dap\s+an|lua\s+chon|cau\s+tra\s+loi|cau|y|options?|answers?|choices?)"
"""Words for an option, diacritics stripped ("ý", "câu" as in "không câu nào")."""
_POINTING = r"(?=\s*(?:$|[.,;:!…]|(?:noi|ke|neu|o)?\s*tren\b|deu\b|dung\b|sai\b|nao\b|con\s+lai\b|[a-f]\b))"
"""What must follow such a word for it to name options: "phương án" is also
"a plan" ("tất cả các phương án phòng cháy"), "ý" also begins "ý kiến"."""

_BY_LETTER = (
    # "Phương án A và C", "đáp án B sai", "Ý a, b đúng", "Options A and B"
    re.compile(rf"(?i:\b{_WORD})\s+\b{_LETTER}\b"),
    # "Cả A và B đều đúng", "Cả a và b", "Tất cả A, B, C", "Both A and B"
    re.compile(rf"(?i:\bca|\bboth)\s+{_LIST}"),
    # an option made of letters only: "A và C", "A, B và C đều đúng"
    re.compile(rf"^\s*{_LIST}(?i:{_VERDICT}?)\s*[.!]?\s*$"),
    # numbered positions: "Phương án 1 và 2", "ý 1, 3", "đáp án 2 sai", "1 và 2 đúng"
    re.compile(rf"(?i:\b{_WORD})\s+{_NUMBERS}"),
    re.compile(r"(?i:\b(?:phuong\s+an|dap\s+an|lua\s+chon))\s+\b[1-6]\b(?!\s*[/.-]?\s*[0-9])"),
    re.compile(rf"^\s*{_NUMBERS}(?i:{_VERDICT})\s*[.!]?\s*$"),
)
_BY_POSITION = re.compile(
    r"\b(?:"
    # "Tất cả các phương án trên", "tất cả các ý đều đúng", "Tất cả đều sai", "Tất cả"
    rf"tat\s+ca(?:\s+cac)?\s+{_WORD}{_POINTING}|tat\s+ca\s+deu\s+(?:dung|sai)|^\s*tat\s+ca\s*[.!]?\s*$"
    # "Cả hai phương án …", "cả ba đều đúng", "Cả hai"
    rf"|ca\s+(?:hai|ba|bon|nam|[2-5])(?:\s+{_WORD})?{_POINTING}"
    # "Không phương án nào đúng", "không có đáp án nào", "không câu nào đúng", "không có ý đúng"
    rf"|khong\s+(?:co\s+)?{_WORD}\s+(?:nao|dung|sai)\b"
    # "các phương án trên đều sai", "đáp án nói trên", "những ý còn lại"
    rf"|(?:cac|nhung|hai|ba)\s+{_WORD}\s+(?:(?:noi|ke|neu|o)\s+)?(?:tren|con\s+lai)\b"
    # English banks: "All of the above", "None of the above", "Both of these"
    r"|(?:all|none|both|neither)\s+of\s+(?:the\s+)?(?:above|these|them)"
    r")",
    re.IGNORECASE,
)


def refers_to_others(option: str) -> bool:
    """Whether an option's text names other options by letter or position."""
    bare = strip_accents(option)
    return any(p.search(bare) for p in _BY_LETTER) or _BY_POSITION.search(bare.lower()) is not None

"""Rules the Moodle formats (GIFT, Aiken, Moodle XML) share: HTML to plain
text, categories to topics, grades to keys, names to codes, and the warning for
question types the platform does not run.

The platform only runs multiple-choice questions with plain-text wording and
all-or-nothing keys, so everything Moodle allows beyond that is either turned
into that shape (with a warning when meaning may be lost) or refused by name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html.parser import HTMLParser

from contest.domain.banks.common import Problem, Severity
from contest.domain.banks.diacritics import strip_accents
from contest.domain.models import LETTERS
from contest.domain.text import clean_text

TRUE_FALSE = ("Đúng", "Sai")
"""The options a Moodle true/false question becomes (key A for true, B for false)."""

_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "tr", "table", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_HIDDEN = frozenset({"script", "style", "head", "title"})
_IMG = re.compile(r"<img\b", re.IGNORECASE)

IMAGE = "Hình ảnh"
"""The placeholder's word: an image becomes "[Hình ảnh: its alt text]"."""


class _PlainText(HTMLParser):
    """Collects the text of an HTML fragment, with line breaks where a browser
    would start a new line; script and style contents are dropped."""

    def __init__(self, keep_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.parts: list[str] = []
        self.hidden = 0
        self.line_open = False
        """Whether text was written since the last line break."""

    def _break(self, hard: bool) -> None:
        if hard or self.line_open:
            self.parts.append("\n")
            self.line_open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "img" and not self.hidden:
            alt = " ".join((dict(attrs).get("alt") or "").split())
            self.parts.append(f" [{IMAGE}: {alt}] " if alt else f" [{IMAGE}] ")
            self.line_open = True
        elif tag == "br":
            self._break(hard=True)
        elif tag in _BLOCKS:
            self._break(hard=False)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self._break(hard=False)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            text = data if self.keep_newlines else re.sub(r"\s+", " ", data)
            self.parts.append(text)
            *before, last = text.split("\n")
            self.line_open = bool(last.strip()) or (self.line_open and not before)


def html_to_text(html: str, *, keep_newlines: bool = False) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, a line
    break for each ``<br>`` and around paragraphs, and "[Hình ảnh: alt]" where
    an ``<img>`` was, so that nobody reads the text as if nothing were missing. ``keep_newlines`` is for
    Moodle's auto-format, where a newline in the source is a line break."""
    parser = _PlainText(keep_newlines)
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return clean_text("\n".join(lines))


def format_text(text: str, fmt: str) -> str:
    """Plain text of Moodle text in format ``fmt`` (GIFT's marker names or
    Moodle XML's ``format`` attribute); plain text and Markdown stay as written."""
    if fmt in ("plain", "plain_text", "markdown"):
        return clean_text(text)
    return html_to_text(text, keep_newlines=fmt in ("moodle", "moodle_auto_format"))


def category_topic(path: str) -> str:
    """The topic for a Moodle category path such as ``$course$/top/Luật/Chương 1``.

    The context prefix (``$course$``, ``$module$``, ``$system$``, ``$cat1$``…)
    and Moodle's implicit ``top`` level are dropped and the rest of the path
    is kept, joined by "/": two categories named "Chương 1" under different
    parents stay different topics. A "/" inside a name is written "//".
    """
    parts = [html_to_text(p.replace("\0", "/")) for p in path.strip().replace("//", "\0").split("/")]
    if parts and re.fullmatch(r"\$[a-z]+\d*\$", parts[0], flags=re.IGNORECASE):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(p for p in parts if p)


_GRADES = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
    0.0,
)
"""Moodle's fixed list of grades for an option (and their negatives)."""


def resolve_key(
    name: str, percents: Sequence[float], *, single: bool, line: int | None, problems: list[Problem]
) -> list[int] | None:
    """The correct options from Moodle's per-option grades (in percent).

    A grade off Moodle's list (33 for 33.33333) is an error, as in Moodle,
    where it stops the whole import. Single-answer: the one option at 100% is
    the key; options with part credit count as wrong here, with a warning.
    Multi-answer: the options with a positive grade are the key, and those
    grades must add up to 100%.
    """
    before = len(problems)
    for letter, percent in zip(LETTERS, percents, strict=False):
        if not any(abs(abs(percent) / 100 - g) < 0.00001 for g in _GRADES):
            problems.append(
                Problem(
                    f"Câu «{name}»: phương án {letter} có điểm {percent:g}%, không thuộc các mức "
                    "Moodle cho phép (ví dụ 100%, 50%, 33.33333%).",
                    line=line,
                    column=letter,
                )
            )
    positive = [i for i, p in enumerate(percents) if p > 0]
    key = [i for i in positive if abs(percents[i] - 100) < 0.001] if single else positive
    if single and len(key) != 1:
        problems.append(
            Problem(
                f"Câu «{name}» chọn một đáp án nhưng có {len(key)} phương án được 100% điểm.",
                line=line,
                column="answer",
            )
        )
    total = sum(percents[i] for i in positive)
    if not single and round(total / 100, 2) != 1:
        problems.append(
            Problem(
                f"Câu «{name}»: tổng điểm các phương án đúng là {total:g}%, phải bằng 100%.", line=line, column="answer"
            )
        )
    if len(problems) > before:
        return None
    for i in (i for i in positive if i not in key):
        problems.append(
            Problem(
                f"Câu «{name}»: phương án {LETTERS[i]} được {percents[i]:g}% điểm trong Moodle; "
                "nền tảng chấm đúng/sai nên tính là sai.",
                line=line,
                column=LETTERS[i],
                severity=Severity.WARNING,
            )
        )
    return key


def unsupported(name: str, kind: str, line: int | None) -> Problem:
    """The warning for a question of a type the platform does not run."""
    return Problem(
        f"Bỏ qua câu «{name}» (loại {kind}): nền tảng chỉ hỗ trợ câu trắc nghiệm.", line=line, severity=Severity.WARNING
    )


def image_count(*html: str) -> int:
    """How many ``<img>`` tags the HTML fields of one question hold."""
    return sum(len(_IMG.findall(h)) for h in html)


def media_warning(name: str, count: int, line: int | None) -> Problem:
    """The warning for a question whose images or files cannot be shown."""
    return Problem(
        f"Câu «{name}» có {count} hình ảnh hoặc tệp nhúng: nền tảng chỉ nhập phần chữ, chỗ có hình ghi "
        f"«[{IMAGE}]». Hãy kiểm tra câu còn hiểu được khi không có hình.",
        line=line,
        severity=Severity.WARNING,
    )


def name_from_text(text: str) -> str:
    """Moodle's name for a question that has none: its text, cut to 80 characters."""
    return " ".join(text.split())[:80].rstrip()


def slug(name: str) -> str:
    """A code from a name: ASCII letters, digits and dashes, at most 48."""
    return re.sub(r"[^A-Za-z0-9]+", "-", strip_accents(name)).strip("-")[:48].rstrip("-")


class Codes:
    """Hands out question codes for one file.

    A Moodle ``idnumber`` is the organiser's own identifier and is kept as
    written (a repeated one is then reported by :func:`check_bank`). Without
    one, the code is the slug of the question's name, which stays the same
    when the file is exported again; a repeated name gets "-2", "-3" and a
    warning, since Moodle allows two questions with one name.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int | None] = {}

    def take(self, idnumber: str, name: str, line: int | None, problems: list[Problem]) -> str:
        code = clean_text(idnumber)
        if not code:
            base = slug(name) or "CAU"
            code, n = base, 2
            while code in self._seen:
                code, n = f"{base}-{n}", n + 1
            if code != base:
                first = self._seen[base]
                where = f" (dòng {first})" if first is not None else ""
                problems.append(
                    Problem(
                        f"Tên câu «{name}» trùng với câu trước{where}: đặt mã «{code}».",
                        line=line,
                        column="code",
                        severity=Severity.WARNING,
                    )
                )
        self._seen.setdefault(code, line)
        return code

"""Moodle XML: read multiple-choice and true/false questions.

Parsed with defusedxml (an upload is untrusted: no DTDs, no entity expansion).
Follows Moodle's importer (question/format/xml/format.php): ``<text>`` values
are trimmed, a missing ``<single>`` means single-answer, the first of a
repeated tag wins, "false", "0" or empty mean no, and an option's grade is
its ``fraction`` in percent.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from contest.domain.banks.common import BankError, ParsedBank, Problem, Severity, build_question, finish_bank
from contest.domain.banks.moodle import (
    TRUE_FALSE,
    Codes,
    category_topic,
    format_text,
    image_count,
    media_warning,
    name_from_text,
    resolve_key,
    unsupported,
)
from contest.domain.models import Question

_ENCODING = re.compile(r"""\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_QUESTION_TAG = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|(<question\b)", re.DOTALL)


def parse_moodle_xml(text: str) -> ParsedBank:
    """Read a Moodle XML file (already decoded from UTF-8). A file declaring
    another encoding (``<?xml … encoding="ISO-8859-1"?>``) is refused, as
    docs/bank-formats.md says: its text would be read as mojibake."""
    declared = _ENCODING.match(text)
    if declared and declared[1].lower().replace("-", "").replace("_", "") != "utf8":
        raise BankError(
            f"Tệp XML khai báo bảng mã «{declared[1]}»: tệp Moodle XML phải được lưu với mã UTF-8 "
            '(dòng đầu ghi encoding="UTF-8").'
        )
    try:
        root = fromstring(text.encode("utf-8"))
    except DefusedXmlException:
        raise BankError(
            "Tệp XML có khai báo DTD hoặc thực thể (<!DOCTYPE>, <!ENTITY>): không nhận vì lý do "
            "an toàn; tệp Moodle XML không cần những khai báo này."
        ) from None
    except ParseError as exc:
        row, column = exc.position
        raise BankError(f"Tệp XML không đúng cú pháp ở dòng {row}, cột {column + 1}.") from None
    if root.tag != "quiz":
        raise BankError("Tệp XML không phải định dạng Moodle XML (thiếu thẻ <quiz>).")
    lines = _question_lines(text)
    problems: list[Problem] = []
    parsed: list[tuple[Question, int | None]] = []
    codes = Codes()
    topic = ""
    elements = root.findall("question")
    numbers: list[int | None] = list(lines) if len(lines) == len(elements) else [None] * len(elements)
    for element, line in zip(elements, numbers, strict=True):
        kind = element.get("type", "")
        if kind == "category":
            if (category := element.find("category")) is not None:
                topic = category_topic(_text(category) or category.text or "")
            continue
        name = format_text(_text(element.find("name")), "html") or name_from_text(
            format_text(_text(element.find("questiontext")), "html")
        )
        if kind not in ("multichoice", "truefalse"):
            problems.append(unsupported(name, kind, line))
            continue
        question = _question(element, kind, name, topic, line, codes, problems)
        if question is not None:
            parsed.append((question, line))
    return finish_bank(parsed, problems)


def _question_lines(text: str) -> list[int]:
    """The line of each ``<question`` tag outside comments and CDATA, counted
    incrementally so that a 10 MB file stays linear."""
    lines: list[int] = []
    line, seen = 1, 0
    for match in _QUESTION_TAG.finditer(text):
        if match[1]:
            line, seen = line + text.count("\n", seen, match.start()), match.start()
            lines.append(line)
    return lines


def _question(
    element: Element, kind: str, name: str, topic: str, line: int | None, codes: Codes, problems: list[Problem]
) -> Question | None:
    body = element.find("questiontext")
    fmt = body.get("format", "html") if body is not None else "html"
    answers = element.findall("answer")
    texts = [format_text(_text(a), a.get("format", fmt)) for a in answers]
    try:
        percents = [float(a.get("fraction", "0")) for a in answers]
    except ValueError:
        problems.append(Problem(f"Câu «{name}»: điểm (fraction) của phương án không phải số.", line=line))
        return None
    if kind == "truefalse":
        options, single = list(TRUE_FALSE), True
        words = [t.casefold() for t in texts]
        if sorted(words) == ["false", "true"]:
            percents = [percents[words.index("true")], percents[words.index("false")]]
        else:
            problems.append(
                Problem(
                    f"Câu «{name}»: phương án không ghi true/false; coi phương án đầu là Đúng.",
                    line=line,
                    severity=Severity.WARNING,
                )
            )
    else:
        options, single = texts, _flag(element.find("single"), missing=True)
    key = resolve_key(name, percents, single=single, line=line, problems=problems)
    if key is None:
        return None
    feedback = element.find("generalfeedback")
    files = len(element.findall(".//file")) + len(element.findall(".//image_base64"))
    if shown := max(image_count(_text(body), _text(feedback), *(_text(a) for a in answers)), files):
        problems.append(media_warning(name, shown, line))
    return build_question(
        code=codes.take(element.findtext("idnumber") or "", name, line, problems),
        text=format_text(_text(body), fmt),
        options=options,
        answer=key,
        topic=topic,
        multiple=not single,
        keep_order=kind == "truefalse" or not _flag(element.find("shuffleanswers"), missing=False),
        points=_grade(element.findtext("defaultgrade")),
        explanation=format_text(_text(feedback), feedback.get("format", fmt)) if feedback is not None else "",
        line=line,
        problems=problems,
    )


def _text(element: Element | None) -> str:
    """The trimmed ``<text>`` child, as Moodle reads every text field."""
    found = element.find("text") if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _grade(text: str | None) -> object:
    """``<defaultgrade>`` as Moodle writes it ("1.0000000"): a whole grade
    becomes that number; anything else is left for ``build_question`` to refuse."""
    try:
        grade = float(text or "")
    except ValueError:
        return text
    return int(grade) if grade.is_integer() else text


def _flag(element: Element | None, *, missing: bool) -> bool:
    if element is None:
        return missing
    return (element.text or "").strip().lower() not in ("", "0", "false")

"""JSON banks: the platform's own documented format (also its export format)
and the two simple shapes public Vietnamese banks are published in.

    {"format": "hoithi-bank", "version": 1, "questions": [{"code": …}, …]}
    [{"question": "…", "options": ["…", "…", "…", "…"], "answer": 2}, …]
    [{"question": "…\\nA. …\\nB. …", "answer": "B"}, …]

The layout is documented in docs/bank-formats.md. Problems carry the line
where each question's object starts, found by decoding the array item by item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from contest.domain.banks.common import (
    QUESTION_FIELDS,
    BankError,
    ParsedBank,
    Problem,
    Severity,
    build_question,
    finish_bank,
    source_fields,
    source_from,
)
from contest.domain.models import LETTERS, MAX_OPTIONS, Question
from contest.domain.numbers import int_or_none
from contest.domain.text import clean_text

FORMAT = "hoithi-bank"
VERSION = 1
_QUESTIONS_KEY = re.compile(r'"questions"\s*:\s*\[')
_OPTION_LINE = re.compile(r"([A-F])\s*[.)]\s*(.*)")
_ITEM_START = re.compile(r"[^\s,]")
_SIMPLE_FIELDS = frozenset({"code", "id", "question", "options", "answer", "topic", "explanation", "source"})


def parse_json(text: str) -> ParsedBank:
    """Read a JSON bank (already decoded; a leading BOM or U+200B is ignored)."""
    text = text.lstrip("\ufeff\u200b")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BankError(f"Tệp JSON không hợp lệ (dòng {exc.lineno}, cột {exc.colno}): {exc.msg}.") from None
    if isinstance(data, dict):
        if data.get("format") != FORMAT:
            raise BankError(f'Tệp JSON không ghi «"format": "{FORMAT}"»; xem tài liệu định dạng ngân hàng.')
        if data.get("version") != VERSION:
            raise BankError(f"Phiên bản định dạng «{data.get('version')}» chưa được hỗ trợ (chỉ có {VERSION}).")
        found = _QUESTIONS_KEY.search(text)
        if not isinstance(data.get("questions"), list) or found is None:
            raise BankError("Tệp JSON thiếu danh sách «questions».")
        items, start, simple = data["questions"], found.end() - 1, False
    elif isinstance(data, list):
        items, start, simple = data, text.index("["), True
    else:
        raise BankError("Tệp JSON phải là một đối tượng «hoithi-bank» hoặc một danh sách câu hỏi.")
    problems: list[Problem] = []
    parsed: list[tuple[Question, int | None]] = []
    for number, (item, line) in enumerate(zip(items, _item_lines(text, start, len(items)), strict=True), start=1):
        if not isinstance(item, dict):
            problems.append(Problem(f"Mục thứ {number} không phải một đối tượng {{…}}.", line=line))
            continue
        question = _simple(item, number, line, problems) if simple else _question(item, line, problems)
        if question is not None:
            parsed.append((question, line))
    return finish_bank(parsed, problems)


def _item_lines(text: str, start: int, count: int) -> list[int | None]:
    """The line where each item of the array opening at ``start`` begins
    (None for all when the array cannot be walked)."""
    decoder = json.JSONDecoder()
    lines: list[int | None] = []
    line, seen, position = 1, 0, start + 1
    try:
        while (found := _ITEM_START.search(text, position)) and found[0] != "]":
            position = found.start()
            line, seen = line + text.count("\n", seen, position), position
            lines.append(line)
            position = decoder.raw_decode(text, position)[1]
    except json.JSONDecodeError:
        pass
    return lines if len(lines) == count else [None] * count


def _question(item: dict[str, Any], line: int | None, problems: list[Problem]) -> Question | None:
    options = item.get("options")
    if not isinstance(options, list):
        problems.append(Problem("«options» phải là một danh sách.", line=line, column="options"))
        return None
    _unknown_keys(item, QUESTION_FIELDS, line, problems)
    return build_question(
        code=item.get("code"),
        text=item.get("text"),
        options=options,
        answer=item.get("answer"),
        topic=item.get("topic"),
        difficulty=item.get("difficulty"),
        multiple=item.get("multiple"),
        keep_order=item.get("keep_order"),
        points=item.get("points"),
        explanation=item.get("explanation"),
        source=source_from(item.get("source"), line=line, problems=problems, code=clean_text(item.get("code"))),
        line=line,
        problems=problems,
    )


def _simple(item: dict[str, Any], number: int, line: int | None, problems: list[Problem]) -> Question | None:
    """``{"question", "options", "answer": index}`` or ``{"question": "…\\nA. …", "answer": "B"}``."""
    _unknown_keys(item, _SIMPLE_FIELDS, line, problems)
    text = clean_text(item.get("question"))
    options = item.get("options")
    answer = item.get("answer")
    if isinstance(options, list):
        index = int_or_none(answer)  # 2 or "2" (ASCII digits only); "B" stays letters
        if index is not None:
            if not 0 <= index < min(len(options), MAX_OPTIONS):
                problems.append(
                    Problem(
                        f"Đáp án «{answer}» không hợp lệ: là số thứ tự phương án, tính từ 0 "
                        f"(0 đến {len(options) - 1}).",
                        line=line,
                        column="answer",
                    )
                )
                return None
            answer = LETTERS[index]
    else:
        text, options = _split_options(text)
    return build_question(
        code=item.get("code") or item.get("id") or f"CAU-{number:04d}",
        text=text,
        options=options,
        answer=answer,
        topic=item.get("topic"),
        explanation=item.get("explanation"),
        source=source_from(item.get("source"), line=line, problems=problems),
        line=line,
        problems=problems,
    )


def _unknown_keys(item: dict[str, Any], known: frozenset[str], line: int | None, problems: list[Problem]) -> None:
    """A warning for each key this reader does not know: its value would
    otherwise be dropped without a word."""
    for key in item:
        if key not in known:
            problems.append(
                Problem(
                    f"Bỏ qua khóa «{key}»: không thuộc định dạng (các khóa: {', '.join(sorted(known))}).",
                    line=line,
                    column=key,
                    severity=Severity.WARNING,
                )
            )


def _split_options(text: str) -> tuple[str, list[str]]:
    """Stem and options of a question written as one string with "A. …" lines;
    a line that does not start the next letter continues the option above."""
    stem: list[str] = []
    options: list[str] = []
    for line in text.split("\n"):
        expected = LETTERS[len(options)] if len(options) < MAX_OPTIONS else ""
        match = _OPTION_LINE.match(line.strip())
        if match and match[1] == expected:
            options.append(match[2])
        elif options:
            options[-1] = f"{options[-1]} {line.strip()}".strip()
        else:
            stem.append(line)
    return "\n".join(stem), options


def write_json(questions: Sequence[Question]) -> bytes:
    """The ``hoithi-bank`` document for a bank, UTF-8, indented for review."""
    document = {"format": FORMAT, "version": VERSION, "questions": [_item(q) for q in questions]}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _item(q: Question) -> dict[str, Any]:
    return {
        "code": q.code,
        "topic": q.topic,
        "difficulty": q.difficulty.value,
        "text": q.text,
        "options": list(q.options),
        "answer": q.answer_letters,
        "multiple": q.multiple,
        "keep_order": q.keep_order,
        "points": q.points,
        "explanation": q.explanation,
        "source": source_fields(q.source) if q.source else None,
    }

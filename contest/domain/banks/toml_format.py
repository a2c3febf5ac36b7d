"""The bundled bank's own format: TOML, one file per topic.

TOML because it is plain text that diffs line by line in review, Python reads
it with the standard library (``tomllib``), and dates are a native type, which
the structured sources need. The layout is documented in ``docs/bank-format.md``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from contest.domain.banks.common import (
    QUESTION_FIELDS,
    BankError,
    ParsedBank,
    Problem,
    Severity,
    build_question,
    check_bank,
    source_from,
)
from contest.domain.banks.encoding import decode_utf8
from contest.domain.models import Question
from contest.domain.text import clean_text

_CODE_LINE = re.compile(r'^\s*code\s*=\s*"([^"]*)"', re.MULTILINE)


_TOML_WHERE = re.compile(r"(.*?)\s*\(at (?:line (\d+), column (\d+)|end of document)\)")
_TOML_REASONS = {
    "Invalid date or datetime": "ngày hoặc giờ không có thật hoặc sai dạng (ghi YYYY-MM-DD)",
    "Cannot overwrite a value": "một khóa được ghi hai lần",
    "Cannot declare": "một bảng được khai báo hai lần",
    "Invalid value": "giá trị sai dạng (chữ phải đặt trong ngoặc kép)",
    "Unclosed array": "danh sách thiếu dấu «]»",
    "Unterminated string": "chuỗi thiếu dấu ngoặc kép đóng",
    "Illegal character": "có ký tự không được phép trong chuỗi",
}


def _toml_error(english: str) -> str:
    """tomllib's message in Vietnamese, with its line and column."""
    found = _TOML_WHERE.fullmatch(english)
    what, line, column = found.groups() if found else (english, None, None)
    reason = next((v for k, v in _TOML_REASONS.items() if what.startswith(k)), "sai cú pháp TOML")
    where = f" ở dòng {line}, cột {column}" if line else " ở cuối tệp" if found else ""
    return f"tệp TOML không hợp lệ{where}: {reason}."


def parse_toml(text: str, *, name: str = "") -> ParsedBank:
    """Read one topic file. ``name`` (the file's) prefixes every problem's
    message, so that a folder's report says which file each is in."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{name}: {_toml_error(str(exc))}") from None
    except RecursionError:
        raise BankError(f"{name}: tệp TOML lồng nhau quá sâu (ngoặc mở liên tiếp): không đọc được.") from None
    lines = {m.group(1): text.count("\n", 0, m.start()) + 1 for m in _CODE_LINE.finditer(text)}
    topic = clean_text(data.get("topic"))
    problems: list[Problem] = []
    if not topic:
        problems.append(Problem("Thiếu khóa «topic» ở đầu tệp.", line=1, column="topic"))
    entries = data.get("questions")
    if not isinstance(entries, list) or not entries:
        raise BankError(f"{name}: không có câu hỏi nào ([[questions]]).")
    parsed: list[tuple[Question, int | None]] = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(Problem(f"Mục câu hỏi thứ {index} không phải bảng TOML."))
            continue
        code = clean_text(entry.get("code"))
        line = lines.get(code)
        for key in entry.keys() - QUESTION_FIELDS:
            problems.append(
                Problem(
                    f"Bỏ qua khóa «{key}» không thuộc định dạng (xem docs/bank-format.md).",
                    line=line,
                    column=key,
                    severity=Severity.WARNING,
                    code=code,
                )
            )
        source = source_from(entry.get("source"), line=line, problems=problems, code=code)
        options = entry.get("options")
        if not isinstance(options, list):
            problems.append(Problem("«options» phải là một danh sách.", line=line, column="options"))
            continue
        question = build_question(
            code=entry.get("code"),
            text=entry.get("text"),
            options=options,
            answer=entry.get("answer"),
            topic=entry.get("topic", topic),
            difficulty=entry.get("difficulty"),
            multiple=entry.get("multiple"),
            keep_order=entry.get("keep_order"),
            points=entry.get("points"),
            explanation=entry.get("explanation"),
            source=source,
            line=line,
            problems=problems,
        )
        if question is not None:
            parsed.append((question, line))
    return ParsedBank(
        questions=tuple(q for q, _ in parsed),
        problems=tuple(replace(p, message=f"{name}: {p.message}") if name else p for p in problems),
        topics=(topic,) if topic else (),
    )


def load_directory(folder: Path) -> ParsedBank:
    """Read every ``*.toml`` in ``folder`` (sorted by name) as one bank and run
    the checks that span files (duplicate codes and text)."""
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise BankError(f"Không có tệp .toml nào trong {folder}.")
    return merge(_read(f) for f in files)


def load_path(path: Path) -> ParsedBank:
    """The bundled bank's format from a folder (as :func:`load_directory`,
    how the platform loads ``questions/``) or from one ``.toml`` file, with
    the same checks. Raises :class:`BankError` for what cannot be read, and
    ``OSError`` for a path that cannot be opened."""
    if path.is_dir():
        return load_directory(path)
    return merge([_read(path)])


def _read(file: Path) -> ParsedBank:
    return parse_toml(decode_utf8(file.read_bytes(), f"TOML ({file.name})"), name=file.name)


def merge(parts: Iterable[ParsedBank]) -> ParsedBank:
    questions: list[Question] = []
    problems: list[Problem] = []
    topics: list[str] = []
    for part in parts:
        questions.extend(part.questions)
        problems.extend(part.problems)
        topics.extend(t for t in part.topics if t not in topics)
    problems.extend(check_bank((q, None) for q in questions))
    return ParsedBank(questions=tuple(questions), problems=tuple(problems), topics=tuple(topics))

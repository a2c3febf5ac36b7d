"""Moodle GIFT: read multiple-choice and true/false questions, write a bank.

Parsing follows Moodle's own importer (question/format/gift/format.php) so a
file reads here as it does in Moodle: blank lines end a question, ``//`` lines
are comments, ``::name::``, ``{…}`` holds the answers, ``\\`` escapes the
control characters, ``####`` starts the general feedback (kept here as the
explanation). GIFT has no place for difficulty, points, kept order or sources,
so the exporter writes them on a comment line ``// hoithi: {json}`` that
Moodle ignores and this importer reads back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from contest.domain.banks.common import (
    ParsedBank,
    Problem,
    build_question,
    finish_bank,
    source_fields,
    source_from,
)
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
from contest.domain.models import Difficulty, Question

_HIDE = {
    "\\": "\ue000",
    ":": "\ue001",
    "#": "\ue002",
    "=": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    "~": "\ue006",
    "n": "\n",
}
_SHOW = str.maketrans({v: k for k, v in _HIDE.items() if k != "n"})
_ESCAPED = re.compile(r"\\([\\:#={}~n])")
_WRITE_ESCAPES = str.maketrans({c: "\\" + c for c in "\\:#={}~"} | {"\n": "\\n"})
_MARKER = re.compile(r"\[(html|moodle|plain|markdown)\]")
_WEIGHT = re.compile(r"%(-?[0-9]+(?:\.[0-9]+)?)%")
_BAD_WEIGHT = re.compile(r"%[^%\s]*%")
_IDNUMBER = re.compile(r"\[id:((?:\\\]|[^\]])*)\]")
_META = "hoithi:"
_CATEGORY = "$CATEGORY:"


def _hide(text: str) -> str:
    """Escaped characters become placeholders, so that splitting on ``~ = # { }``
    only sees the unescaped ones; :func:`_show` puts the characters back."""
    return _ESCAPED.sub(lambda m: _HIDE[m[1]], text)


def _show(text: str) -> str:
    return text.translate(_SHOW)


def _marker(text: str, default: str) -> tuple[str, str]:
    """A leading ``[html]``-style format marker, or the inherited format."""
    match = _MARKER.match(text)
    return (match[1], text[match.end() :]) if match else (default, text)


def _blocks(text: str) -> Iterator[tuple[list[tuple[int, str]], list[str]]]:
    """Questions as (numbered lines, comment lines); blank lines separate them."""
    lines: list[tuple[int, str]] = []
    comments: list[str] = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.strip()
        if line.startswith("//"):
            comments.append(line)
        elif line:
            lines.append((number, line))
        else:
            if lines:
                yield lines, comments
            lines, comments = [], []
    if lines:
        yield lines, comments


def parse_gift(text: str) -> ParsedBank:
    """Read a GIFT file (already decoded from UTF-8). Unlike Moodle, a
    ``$CATEGORY:`` line directly followed by a question (no blank line) is
    taken as the category and then the question, not as one long category name."""
    problems: list[Problem] = []
    parsed: list[tuple[Question, int | None]] = []
    codes = Codes()
    topic = ""
    for lines, comments in _blocks(text):
        if lines[0][1].startswith(_CATEGORY):
            topic = category_topic(_show(_hide(lines[0][1][len(_CATEGORY) :])))
            lines = lines[1:]
            if not lines:
                continue
        line = lines[0][0]
        question = _question(_hide("\n".join(t for _, t in lines)), comments, topic, line, codes, problems)
        if question is not None:
            parsed.append((question, line))
    return finish_bank(parsed, problems)


def _question(
    text: str, comments: list[str], topic: str, line: int, codes: Codes, problems: list[Problem]
) -> Question | None:
    name = ""
    if text.startswith("::") and (end := text.find("::", 2)) >= 0:
        name = format_text(_show(text[2:end]), "html")
        text = text[end + 2 :].strip()
    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        problems.append(unsupported(name or name_from_text(_show(text)), "description", line))
        return None
    if start < 0 or end < start:
        problems.append(
            Problem(
                f"Câu «{name or name_from_text(_show(text))}»: thiếu dấu «{{» hoặc «}}» của phần "
                "đáp án (dấu ngoặc trong nội dung phải viết \\{ và \\}).",
                line=line,
            )
        )
        return None
    if "{" in text[end + 1 :]:
        problems.append(
            Problem(
                f"Câu «{name or name_from_text(_show(text[:start]))}» có hơn một phần đáp án {{…}}: mỗi câu chỉ có "
                "một. Nếu đây là hai câu, hãy ngăn cách chúng bằng một dòng trống.",
                line=line,
            )
        )
        return None
    answer = text[start + 1 : end].strip()
    fmt, stem = _marker((text[:start] + ("" if text.endswith("}") else "_____") + text[end + 1 :]).strip(), "moodle")
    name = name or name_from_text(format_text(_show(stem), fmt))
    explanation = ""
    if (feedback := answer.rfind("####")) >= 0:
        feedback_fmt, general = _marker(answer[feedback + 4 :].strip(), fmt)
        explanation = format_text(_show(general), feedback_fmt)
        answer = answer[:feedback].strip()
    kind = _kind(answer)
    if kind not in ("multichoice", "truefalse"):
        problems.append(unsupported(name, kind, line))
        return None
    meta = _metadata(comments, line, problems)
    if meta is None:
        return None
    key: list[int] | None
    if kind == "truefalse":
        options, single = list(TRUE_FALSE), True
        key = [0 if answer.split("#")[0].strip() in ("T", "TRUE") else 1]
    else:
        single = "=" in answer
        choices = _choices(answer, fmt, name=name, line=line, problems=problems)
        if choices is None:
            return None
        options, weights = choices
        key = resolve_key(name, weights, single=single, line=line, problems=problems)
    if key is None:
        return None
    if (images := image_count(text)) and fmt != "plain":
        problems.append(media_warning(name, images, line))
    code = codes.take(_idnumber(comments), name, line, problems)
    return build_question(
        code=code,
        text=format_text(_show(stem), fmt),
        options=options,
        answer=key,
        topic=topic,
        difficulty=meta.get("difficulty", ""),
        multiple=meta.get("multiple", not single),
        keep_order=meta.get("keep_order", kind == "truefalse"),
        points=meta.get("points"),
        explanation=explanation,
        source=source_from(meta.get("source"), line=line, problems=problems, code=code),
        line=line,
        problems=problems,
    )


def _kind(answer: str) -> str:
    """Moodle's order of rules for telling the question type from ``{…}``."""
    if not answer:
        return "essay"
    if answer.startswith("#"):
        return "numerical"
    if "~" in answer:
        return "multichoice"
    if "=" in answer and "->" in answer:
        return "matching"
    if answer.split("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
        return "truefalse"
    return "shortanswer"


def _choices(
    answer: str, fmt: str, *, name: str, line: int, problems: list[Problem]
) -> tuple[list[str], list[float]] | None:
    """Options and their grades in percent: ``=`` is 100, ``~%50%`` is 50, ``~`` is 0;
    an option's own ``#feedback`` is dropped. A weight that is not a number
    (``~%abc%``, ``~%nan%``) is an error, never part of the option's text."""
    pieces = [p.strip() for p in answer.replace("=", "~=").split("~")]
    options: list[str] = []
    weights: list[float] = []
    for piece in pieces[1:] if not pieces[0] else pieces:
        weight = 0.0
        if piece.startswith("="):
            weight, piece = 100.0, piece[1:]
        elif match := _WEIGHT.match(piece):
            weight, piece = float(match[1]), piece[match.end() :]
        elif bad := _BAD_WEIGHT.match(piece):
            problems.append(
                Problem(
                    f"Câu «{name}»: trọng số «{_show(bad[0])}» không phải một số phần trăm (ví dụ ~%50%).",
                    line=line,
                )
            )
            return None
        option_fmt, option = _marker(piece.split("#")[0].strip(), fmt)
        options.append(format_text(_show(option), option_fmt))
        weights.append(weight)
    return options, weights


def _idnumber(comments: list[str]) -> str:
    for comment in comments:
        if match := _IDNUMBER.search(comment):
            return match[1].replace("\\]", "]").strip()
    return ""


def _metadata(comments: list[str], line: int, problems: list[Problem]) -> dict[str, Any] | None:
    """The ``// hoithi: {…}`` line this exporter writes, or {} when there is none."""
    for comment in comments:
        body = comment[2:].strip()
        if body.startswith(_META):
            try:
                meta = json.loads(body[len(_META) :])
            except json.JSONDecodeError:
                meta = None
            if not isinstance(meta, dict):
                problems.append(Problem("Dòng chú thích «// hoithi:» không phải một đối tượng JSON hợp lệ.", line=line))
                return None
            return meta
    return {}


def write_gift(questions: Sequence[Question]) -> bytes:
    """A GIFT file Moodle can import: ``$CATEGORY`` per topic, ``[id:code]``,
    ``=``/``~`` for single-answer and ``%weight%`` for multi-answer options."""
    out: list[str] = []
    topic = ""
    for q in questions:
        if q.topic != topic:
            path = _escape(q.topic).replace("/", "//") if q.topic else "top"
            out += [f"{_CATEGORY} $course$/{path}", ""]
            topic = q.topic
        out.append("// [id:{}]".format(q.code.replace("]", "\\]")))
        single = len(q.correct) == 1 and not q.multiple
        if meta := _meta_for(q, single):
            out.append(f"// {_META} {json.dumps(meta, ensure_ascii=False)}")
        out.append(f"::{_escape(q.code)}::[plain]{_escape(q.text)}{{")
        share = _percent(100 / len(q.correct))
        for i, option in enumerate(q.options):
            if single:
                prefix = "=" if i in q.correct else "~%0%" if option.startswith("%") else "~"
            else:
                prefix = f"~%{share}%" if i in q.correct else "~%-100%"
            out.append(f"\t{prefix}{_escape(option, marker=True)}")
        if q.explanation:
            out.append(f"\t####{_escape(q.explanation, marker=True)}")
        out += ["}", ""]
    return "\n".join(out).encode("utf-8")


def _meta_for(q: Question, single: bool) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if q.difficulty is not Difficulty.MEDIUM:
        meta["difficulty"] = q.difficulty.value
    if q.points != 1:
        meta["points"] = q.points
    if q.keep_order:
        meta["keep_order"] = True
    if q.multiple == single:
        meta["multiple"] = q.multiple
    if q.source is not None:
        meta["source"] = source_fields(q.source)
    return meta


def _escape(text: str, *, marker: bool = False) -> str:
    """GIFT escapes; ``marker`` protects a text that starts with "[" from being
    read as a format marker."""
    escaped = text.translate(_WRITE_ESCAPES)
    return f"[plain]{escaped}" if marker and text.startswith("[") else escaped


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")

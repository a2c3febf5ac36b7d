"""Aiken: the simplest text format Moodle imports.

    Câu hỏi trên một dòng
    A. Phương án
    B) Phương án
    ANSWER: B

Read as Moodle reads it (question/format/aiken/format.php): lines shorter than
two characters are skipped, an option is a capital letter with "." or ")",
any other line starts a new question, and line numbers count every line. The
text is kept as plain text (Moodle escapes it into HTML instead). One
extension: ``ANSWER: A, C`` gives a multi-answer question. Options must be
labelled A, B, C… in that order: "B. y / A. x / ANSWER: A" is an error (Moodle
would key the first option, "y", whatever its label says).

One departure: Moodle takes any line starting with a letter and "." or ")"
as an option, so a question such as "H.265 là chuẩn nén …" cannot be
imported. Here an option is a letter, "." or ")" and then a space or tab; a
letter glued to its text ("A)Đúng", which Moodle's own tests use) is an
option only where the next option of an open question is expected.
"""

from __future__ import annotations

import re

from contest.domain.banks.common import ParsedBank, Problem, build_question, finish_bank
from contest.domain.banks.moodle import Codes
from contest.domain.models import LETTERS, Question

_OPTION = re.compile(r"([A-Z])[.)]([ \t])?")


def parse_aiken(text: str) -> ParsedBank:
    """Read an Aiken file (already decoded from UTF-8)."""
    problems: list[Problem] = []
    parsed: list[tuple[Question, int | None]] = []
    codes = Codes()
    stem: tuple[int, str] | None = None
    options: list[str] = []
    labels: list[str] = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.strip()
        if len(line) < 2:
            continue
        is_option = _is_option(line, stem is not None, len(options))
        if (is_option or line.startswith("ANSWER:")) and stem is None:
            problems.append(Problem("Dòng phương án hoặc ANSWER nằm ngoài câu hỏi nào.", line=number))
        elif is_option:
            options.append(line[2:].strip())
            labels.append(line[0])
        elif line.startswith("ANSWER:") and stem is not None:
            expected = list(LETTERS[: len(labels)])
            if len(options) < 2:
                problems.append(Problem("Câu hỏi cần ít nhất hai phương án.", line=number, column="options"))
            elif labels[: len(expected)] != expected:  # more than six: build_question says so
                problems.append(
                    Problem(
                        f"Các phương án ghi chữ {', '.join(labels[: len(expected)])}, không theo thứ tự "
                        f"{', '.join(expected)}: "
                        "hãy sắp lại để đáp án trỏ đúng phương án.",
                        line=stem[0],
                        column="options",
                    )
                )
            else:
                question = build_question(
                    code=codes.take("", stem[1], stem[0], problems),
                    text=stem[1],
                    options=options,
                    answer=line[len("ANSWER:") :],
                    multiple=None,
                    line=stem[0],
                    problems=problems,
                )
                if question is not None:
                    parsed.append((question, stem[0]))
            stem, options, labels = None, [], []
        else:
            if stem is not None:
                problems.append(
                    Problem(f"Câu hỏi ở dòng {stem[0]} chưa có dòng ANSWER: trước khi sang câu mới.", line=number)
                )
            stem, options, labels = (number, line), [], []
    if stem is not None:
        problems.append(Problem("Câu hỏi cuối tệp chưa có dòng ANSWER:.", line=stem[0]))
    return finish_bank(parsed, problems)


def _is_option(line: str, open_question: bool, count: int) -> bool:
    """Whether a line is an option: "B. …" always; "B)…" without a space only
    when B is the next letter of an open question."""
    match = _OPTION.match(line)
    if match is None:
        return False
    return match[2] is not None or (open_question and count < len(LETTERS) and match[1] == LETTERS[count])

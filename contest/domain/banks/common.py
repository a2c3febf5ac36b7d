"""What every bank format shares: problems found while reading, and the one
function that turns loosely typed fields into a :class:`Question`.

Each format's parser only knows how to find the fields (a spreadsheet row, a
GIFT block, a TOML table); the rules for what makes a valid question live here
once, so a bank reads the same whichever format it came in.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from contest.domain.models import LETTERS, MAX_OPTIONS, Difficulty, Question, Source


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in an uploaded bank, said in Vietnamese, with where it is.

    ``line`` is a spreadsheet row or a text line (1-based); ``column`` a column
    name or a field name. Errors block confirming the bank; warnings can be
    accepted.
    """

    message: str
    line: int | None = None
    column: str = ""
    severity: Severity = Severity.ERROR
    code: str = ""

    @property
    def where(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"dòng {self.line}")
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        label = "Lỗi" if self.severity is Severity.ERROR else "Cảnh báo"
        where = f" ({self.where})" if self.where else ""
        return f"{label}{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedBank:
    """The outcome of reading one file: the questions that parsed and every
    problem found. A bank with any error must not be stored."""

    questions: tuple[Question, ...]
    problems: tuple[Problem, ...] = ()
    topics: tuple[str, ...] = field(default=())

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors


class BankError(ValueError):
    """A file that cannot be read as a bank at all (wrong format, undecodable)."""


def clean_text(value: object) -> str:
    """Text as we store it: NFC-normalised, outer whitespace trimmed, inner
    runs of spaces kept (a question may rely on line breaks)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "")
    return unicodedata.normalize("NFC", text).strip()


_DIFFICULTY_WORDS = {
    "easy": Difficulty.EASY,
    "de": Difficulty.EASY,
    "dễ": Difficulty.EASY,
    "1": Difficulty.EASY,
    "medium": Difficulty.MEDIUM,
    "trung bình": Difficulty.MEDIUM,
    "trung binh": Difficulty.MEDIUM,
    "tb": Difficulty.MEDIUM,
    "2": Difficulty.MEDIUM,
    "hard": Difficulty.HARD,
    "khó": Difficulty.HARD,
    "kho": Difficulty.HARD,
    "3": Difficulty.HARD,
}


def parse_difficulty(value: object) -> Difficulty | None:
    word = clean_text(value).lower().replace("_", " ")
    if not word:
        return Difficulty.MEDIUM
    return _DIFFICULTY_WORDS.get(word)


_TRUE_WORDS = {"1", "x", "true", "yes", "có", "co", "đúng", "giữ", "giu"}
_FALSE_WORDS = {"", "0", "false", "no", "không", "khong", "sai"}


def parse_flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    word = clean_text(value).lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def parse_letters(value: object) -> list[int] | None:
    """``"B"``, ``"A, C"``, ``"a;c"`` or ``"AC"`` -> zero-based indexes; None
    when something other than letters A–F is there."""
    text = clean_text(value).upper()
    letters = [c for c in re.split(r"[\s,;/+&]+", text) if c]
    if len(letters) == 1 and len(letters[0]) > 1 and letters[0].isalpha():
        letters = list(letters[0])
    if not letters or any(len(c) != 1 or c not in LETTERS for c in letters):
        return None
    return [LETTERS.index(c) for c in letters]


def parse_date(value: object) -> date | str | None:
    """A date from a cell or text (dd/mm/yyyy or yyyy-mm-dd); None when empty;
    the original text when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text


def build_source(fields: Mapping[str, object], *, line: int | None, problems: list[Problem]) -> Source | None:
    """A :class:`Source` from ``citation`` plus optional ``document``, ``issued``,
    ``expired``, ``replaced_by`` and ``url``; reports dates it cannot read."""
    citation = clean_text(fields.get("citation"))
    if not citation:
        return None
    dates: dict[str, date | None] = {}
    for name in ("issued", "expired"):
        parsed = parse_date(fields.get(name))
        if isinstance(parsed, str):
            problems.append(Problem(f"Ngày «{parsed}» không đúng dạng dd/mm/yyyy.", line=line, column=name))
            parsed = None
        dates[name] = parsed
    return Source(
        citation=citation,
        document=clean_text(fields.get("document")),
        issued=dates["issued"],
        expired=dates["expired"],
        replaced_by=clean_text(fields.get("replaced_by")),
        url=clean_text(fields.get("url")),
    )


def build_question(
    *,
    code: object,
    text: object,
    options: Iterable[object],
    answer: object,
    topic: object = "",
    difficulty: object = "",
    multiple: object = None,
    keep_order: object = None,
    points: object = None,
    explanation: object = "",
    source: Source | None = None,
    line: int | None = None,
    problems: list[Problem],
) -> Question | None:
    """Check one question's fields and build it, or append why it cannot be.

    ``options`` are the option cells in order A, B, …; empty cells at the end
    are dropped, an empty cell between two filled ones is an error (the letters
    after it would shift). ``answer`` is letters ("B", "A, C") or a list of
    zero-based indexes.
    """
    before = len(problems)
    code_text = clean_text(code)
    question_text = clean_text(text)
    if not question_text:
        problems.append(Problem("Thiếu nội dung câu hỏi.", line=line, column="question", code=code_text))

    cells = [clean_text(o) for o in options]
    while cells and not cells[-1]:
        cells.pop()
    for i, cell in enumerate(cells):
        if not cell:
            problems.append(
                Problem(
                    f"Phương án {LETTERS[i] if i < MAX_OPTIONS else i + 1} để trống nhưng có phương án sau nó.",
                    line=line,
                    column=LETTERS[i] if i < MAX_OPTIONS else str(i + 1),
                    code=code_text,
                )
            )
    if len(cells) < 2:
        problems.append(Problem("Cần ít nhất hai phương án.", line=line, column="options", code=code_text))
    if len(cells) > MAX_OPTIONS:
        problems.append(
            Problem(f"Nhiều nhất {MAX_OPTIONS} phương án (A–F).", line=line, column="options", code=code_text)
        )
    if len({c.casefold() for c in cells if c}) < len([c for c in cells if c]):
        problems.append(Problem("Hai phương án trùng nhau.", line=line, column="options", code=code_text))

    if isinstance(answer, list | tuple | set | frozenset):
        indexes: list[int] | None = [int(i) for i in answer]
    else:
        indexes = parse_letters(answer)
    if not clean_text(answer) and not isinstance(answer, list | tuple | set | frozenset):
        problems.append(Problem("Thiếu đáp án đúng.", line=line, column="answer", code=code_text))
    elif not indexes:
        problems.append(
            Problem(
                f"Đáp án «{clean_text(answer)}» không hợp lệ: ghi chữ cái A–F, ví dụ «B» hoặc «A, C».",
                line=line,
                column="answer",
                code=code_text,
            )
        )
    else:
        for i in indexes:
            if i >= len(cells) or not cells[i]:
                letter = LETTERS[i] if i < MAX_OPTIONS else str(i + 1)
                problems.append(
                    Problem(
                        f"Đáp án {letter} trỏ tới phương án trống.",
                        line=line,
                        column="answer",
                        code=code_text,
                    )
                )

    level = parse_difficulty(difficulty)
    if level is None:
        problems.append(
            Problem(
                f"Mức độ «{clean_text(difficulty)}» không hợp lệ: dùng Dễ, Trung bình hoặc Khó.",
                line=line,
                column="difficulty",
                code=code_text,
            )
        )

    flags: dict[str, bool] = {}
    for name, value in (("keep_order", keep_order), ("multiple", multiple)):
        if value is None or value == "":
            continue
        flag = parse_flag(value)
        if flag is None:
            problems.append(
                Problem(f"Giá trị «{clean_text(value)}» không phải có/không.", line=line, column=name, code=code_text)
            )
        else:
            flags[name] = flag

    score = 1
    if points is not None and clean_text(points) != "":
        try:
            score = int(float(clean_text(points).replace(",", ".")))
            if score < 1 or score > 100 or float(clean_text(points).replace(",", ".")) != score:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(
                    f"Điểm «{clean_text(points)}» không hợp lệ: một số nguyên từ 1 đến 100.",
                    line=line,
                    column="points",
                    code=code_text,
                )
            )

    if not code_text:
        problems.append(Problem("Thiếu mã câu hỏi.", line=line, column="code"))

    if len(problems) > before or indexes is None or level is None:
        return None
    correct = frozenset(indexes)
    return Question(
        code=code_text,
        text=question_text,
        options=tuple(cells),
        correct=correct,
        topic=clean_text(topic),
        difficulty=level,
        multiple=flags.get("multiple", len(correct) > 1),
        keep_order=flags.get("keep_order", False),
        points=score,
        explanation=clean_text(explanation),
        source=source,
    )


def _text_key(text: str) -> str:
    return " ".join(text.casefold().split())


def check_bank(questions: Iterable[tuple[Question, int | None]]) -> list[Problem]:
    """Problems that only show across questions, given each question with the
    line it came from: a duplicate code or the same question twice is an error;
    the same wording with other options is only a warning (banks sometimes ask
    "Phát biểu nào đúng?" more than once)."""
    problems: list[Problem] = []
    codes: dict[str, int | None] = {}
    texts: dict[str, str] = {}
    whole: dict[tuple[str, ...], str] = {}
    for question, line in questions:
        if question.code in codes:
            first = codes[question.code]
            problems.append(
                Problem(
                    f"Mã câu hỏi «{question.code}» trùng" + (f" với dòng {first}." if first is not None else "."),
                    line=line,
                    column="code",
                    code=question.code,
                )
            )
        else:
            codes[question.code] = line
        key = _text_key(question.text)
        full = (key, *sorted(_text_key(o) for o in question.options))
        if full in whole:
            problems.append(
                Problem(
                    f"Câu hỏi trùng hoàn toàn với câu «{whole[full]}».",
                    line=line,
                    column="question",
                    code=question.code,
                )
            )
        elif key in texts:
            problems.append(
                Problem(
                    f"Nội dung câu hỏi trùng với câu «{texts[key]}» (phương án khác).",
                    line=line,
                    column="question",
                    severity=Severity.WARNING,
                    code=question.code,
                )
            )
        whole.setdefault(full, question.code)
        texts.setdefault(key, question.code)
    return problems


def strip_accents(text: str) -> str:
    """Text without diacritics, đ and Đ becoming d and D, as people type
    Vietnamese on a keyboard without a Vietnamese layout."""
    bare = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in bare if not unicodedata.combining(c))


def fold(text: str) -> str:
    """A key for matching words the way people type them: without diacritics,
    lower case, punctuation as spaces. "Đáp án đúng", "dap an dung" and
    "ĐÁP ÁN ĐÚNG:" all fold to ``"dap an dung"``."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", strip_accents(text).casefold()).split())


def finish_bank(parsed: Iterable[tuple[Question, int | None]], problems: list[Problem]) -> ParsedBank:
    """Close one file's reading the same way for every format: run the checks
    across questions (:func:`check_bank`), refuse a file that yielded nothing,
    and list the topics in the order they first appear."""
    pairs = list(parsed)
    problems.extend(check_bank(pairs))
    if not pairs and not any(p.severity is Severity.ERROR for p in problems):
        problems.append(Problem("Tệp không có câu hỏi nào nhập được."))
    return ParsedBank(
        questions=tuple(q for q, _ in pairs),
        problems=tuple(problems),
        topics=tuple(dict.fromkeys(q.topic for q, _ in pairs if q.topic)),
    )


def source_fields(source: Source) -> dict[str, str | None]:
    """A source as the text formats write it (the inverse of
    :func:`build_source`): dates as ISO ``YYYY-MM-DD`` or None."""
    return {
        "citation": source.citation,
        "document": source.document,
        "issued": source.issued.isoformat() if source.issued else None,
        "expired": source.expired.isoformat() if source.expired else None,
        "replaced_by": source.replaced_by,
        "url": source.url,
    }


Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while a large file is read (rows of a
spreadsheet), so that a command line or a page can show how far it got."""

"""The organiser's spreadsheet layout, shared by the .xlsx and CSV readers and
the .xlsx exporter.

Organisers keep banks in Excel with headers they typed themselves ("Mã câu",
"Nội dung câu hỏi", "Đáp án A", "Answer"…), in any order, sometimes under a
title row. Headers are matched on their folded form (see :func:`fold`) against
the synonyms below; the exporter writes each column's ``title``, so an
exported file reads back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from contest.domain.banks.common import (
    SOURCE_FIELDS,
    ParsedBank,
    Problem,
    Progress,
    Severity,
    build_question,
    build_source,
    finish_bank,
    fold,
)
from contest.domain.models import LETTERS, Question
from contest.domain.text import clean_text

HEADER_SEARCH_ROWS = 10
"""How far down a sheet the header row may be (title rows above it are common)."""

_OPTION_PREFIXES = ("", "phuong an", "pa", "dap an", "lua chon", "cau tra loi", "option", "choice", "answer")


@dataclass(frozen=True, slots=True)
class Column:
    """One field of the layout: ``field`` is the name :func:`build_question`
    and :func:`build_source` use in their problems."""

    field: str
    title: str
    synonyms: tuple[str, ...]
    help: str
    required: bool = False


def _option(index: int) -> Column:
    letter = LETTERS[index]
    words = tuple(f"{p} {letter.lower()}".strip() for p in _OPTION_PREFIXES)
    numbers = tuple(f"{p} {index + 1}" for p in _OPTION_PREFIXES if p)
    return Column(
        letter,
        f"Phương án {letter}",
        words + numbers,
        "Nội dung phương án. Để trống các phương án không dùng ở cuối (cần ít nhất A và B).",
        required=index < 2,
    )


COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        "Mã câu",
        ("ma cau", "ma", "ma cau hoi", "ma so", "code", "id"),
        "Mã duy nhất trong ngân hàng, ví dụ DVC-001.",
        required=True,
    ),
    Column(
        "topic",
        "Chủ đề",
        ("chu de", "chuyen de", "linh vuc", "nhom", "topic", "category"),
        "Tên chủ đề; dùng để chia số câu theo chủ đề khi rút đề.",
    ),
    Column(
        "difficulty",
        "Mức độ",
        ("muc do", "do kho", "cap do", "difficulty", "level"),
        "Dễ, Trung bình hoặc Khó (để trống là Trung bình).",
    ),
    Column(
        "question",
        "Câu hỏi",
        ("cau hoi", "noi dung cau hoi", "noi dung", "de bai", "question", "text"),
        "Nội dung câu hỏi, chữ thường (không định dạng).",
        required=True,
    ),
    *(_option(i) for i in range(len(LETTERS))),
    Column(
        "answer",
        "Đáp án đúng",
        (
            "dap an dung",
            "dap an",
            "dap an chinh xac",
            "phuong an dung",
            "answer",
            "answers",
            "correct",
            "correct answer",
            "key",
        ),
        "Chữ cái của phương án đúng: «B», hoặc nhiều chữ cái «A, C».",
        required=True,
    ),
    Column(
        "multiple",
        "Chọn nhiều",
        ("chon nhieu", "nhieu dap an", "multiple", "multiple choice"),
        "Có: thí sinh chọn bằng ô đánh dấu. Để trống: tự bật khi có nhiều đáp án đúng. "
        "Không mà có nhiều đáp án đúng là lỗi.",
    ),
    Column(
        "keep_order",
        "Giữ thứ tự",
        ("giu thu tu", "giu thu tu phuong an", "khong dao", "khong tron", "keep order"),
        "Có: không đảo thứ tự phương án. Tự bật (kèm cảnh báo) khi có phương án nhắc tới phương án khác, "
        "như «Cả A và B» hay «Tất cả các phương án trên».",
    ),
    Column("points", "Điểm", ("diem", "so diem", "points", "score"), "Số nguyên từ 1 đến 100; để trống là 1."),
    Column(
        "explanation", "Giải thích", ("giai thich", "explanation", "feedback"), "Giải thích đáp án, hiện sau khi thi."
    ),
    Column(
        "citation",
        "Nguồn",
        ("nguon", "can cu", "can cu phap ly", "trich dan", "source", "citation"),
        "Căn cứ của đáp án, ví dụ «Khoản 4 Điều 3 Nghị định 43/2011/NĐ-CP».",
    ),
    Column(
        "document",
        "Số văn bản",
        ("so van ban", "so hieu van ban", "so hieu", "van ban", "document"),
        "Số hiệu văn bản được trích dẫn, ví dụ 43/2011/NĐ-CP.",
    ),
    Column("issued", "Ngày ban hành", ("ngay ban hanh", "ngay ky", "issued"), "Ngày dạng dd/mm/yyyy."),
    Column(
        "expired",
        "Ngày hết hiệu lực",
        ("ngay het hieu luc", "het hieu luc", "ngay het han", "expired"),
        "Ngày đầu tiên văn bản không còn hiệu lực, dạng dd/mm/yyyy.",
    ),
    Column(
        "replaced_by",
        "Thay thế bởi",
        ("thay the boi", "duoc thay the boi", "van ban thay the", "replaced by"),
        "Số hiệu văn bản thay thế.",
    ),
    Column("url", "Đường dẫn", ("duong dan", "lien ket", "url", "link"), "Địa chỉ trang văn bản."),
)

_BY_SYNONYM = {s: c for c in COLUMNS for s in c.synonyms}
_TITLES = {c.field: c.title for c in COLUMNS}
_FALLBACK_CODE = frozenset({"stt", "so thu tu"})
"""Row numbers serve as codes only in a sheet that has no code column."""

DATE_FIELDS = frozenset({"issued", "expired"})


def column_letter(index: int) -> str:
    """Spreadsheet letters for a zero-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Header:
    """Where each field is in the sheet: ``line`` is the header's row number,
    ``index`` maps a field to its zero-based column."""

    line: int
    index: dict[str, int]
    titles: dict[str, str]
    problems: tuple[Problem, ...]

    def label(self, name: str) -> str:
        """How a problem names a column: its letter and the organiser's header;
        for a field the sheet has no column for (the kept order of a question
        whose options name others), the template's title."""
        if name == "options":
            letters = [column_letter(self.index[c]) for c in LETTERS if c in self.index]
            return f"{letters[0]}–{letters[-1]} (phương án)"
        if name in self.index:
            return f"{column_letter(self.index[name])} ({self.titles[name]})"
        return _TITLES.get(name, name)


def _match_header(cells: Sequence[object], line: int) -> Header | None:
    """Read one row as a header; None unless it has a question column, an
    answer column and options A and B."""
    index: dict[str, int] = {}
    titles: dict[str, str] = {}
    problems: list[Problem] = []
    fallback: int | None = None
    for i, cell in enumerate(cells):
        title = clean_text(cell)
        key = fold(title)
        if not key:
            continue
        column = _BY_SYNONYM.get(key)
        if column is None:
            if key in _FALLBACK_CODE and fallback is None:
                fallback = i
                titles.setdefault("code", title)
            else:
                problems.append(
                    Problem(
                        f"Không nhận ra cột «{title}»: bỏ qua cột này.",
                        line=line,
                        column=f"{column_letter(i)} ({title})",
                        severity=Severity.WARNING,
                    )
                )
            continue
        if column.field in index:
            first = column_letter(index[column.field])
            problems.append(
                Problem(
                    f"Cột «{column.title}» có hai lần (cột {first} và {column_letter(i)}).",
                    line=line,
                    column=f"{column_letter(i)} ({title})",
                )
            )
            continue
        index[column.field] = i
        titles[column.field] = title
    if not all(c.field in index for c in COLUMNS if c.required and c.field != "code"):
        return None
    if "code" not in index and fallback is not None:
        index["code"] = fallback
    elif "code" not in index:
        problems.append(Problem("Thiếu cột «Mã câu».", line=line))
    return Header(line, index, titles, tuple(problems))


def find_header(rows: Sequence[tuple[int, Sequence[object]]]) -> Header | None:
    """The first row among ``rows`` (numbered) that reads as a header."""
    for line, cells in rows:
        header = _match_header(cells, line)
        if header is not None:
            return header
    return None


MISSING_HEADER = (
    f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu: cần ít nhất các cột "
    "«Câu hỏi», «Phương án A», «Phương án B» và «Đáp án đúng» (xem mẫu tải về)."
)


def _question_from_row(header: Header, cells: Sequence[object], line: int, problems: list[Problem]) -> Question | None:
    """Build the question in one data row; problems name fields, which
    :func:`read_rows` turns into the sheet's columns."""

    def get(name: str) -> object:
        i = header.index.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    source = build_source(
        {f: get(f) for f in SOURCE_FIELDS}, line=line, problems=problems, code=clean_text(get("code"))
    )
    return build_question(
        code=get("code"),
        text=get("question"),
        options=[get(c) for c in LETTERS],
        answer=get("answer"),
        topic=get("topic"),
        difficulty=get("difficulty"),
        multiple=get("multiple"),
        keep_order=get("keep_order"),
        points=get("points"),
        explanation=get("explanation"),
        source=source,
        line=line,
        problems=problems,
    )


def _is_blank(cells: Sequence[object], header: Header) -> bool:
    """A row with nothing in any known column (stray notes elsewhere do not count)."""
    return all(clean_text(cells[i]) == "" for i in header.index.values() if i < len(cells))


def read_rows(
    header: Header,
    rows: Iterable[tuple[int, Sequence[object] | None]],
    problems: list[Problem],
    *,
    progress: Progress | None = None,
    total: int = 0,
) -> ParsedBank:
    """Questions from the rows under the header. A row given as None had
    cells that cannot be read at all (already reported in ``problems``).
    ``progress`` hears the row number every 100 rows, out of ``total``."""
    parsed: list[tuple[Question, int | None]] = []
    for line, cells in rows:
        if progress is not None and line % 100 == 0:
            progress(line, total)
        if cells is None or _is_blank(cells, header):
            continue
        question = _question_from_row(header, cells, line, problems)
        if question is not None:
            parsed.append((question, line))
    if progress is not None:
        progress(total, total)
    bank = finish_bank(parsed, problems)
    labelled = tuple(replace(p, column=header.label(p.column)) for p in bank.problems)
    return replace(bank, problems=header.problems + labelled)

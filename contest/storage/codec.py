"""Turning domain objects into column values and back, the same for every
backend: times as integer milliseconds (UTC), structured values as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from contest.domain.banks.common import build_source, source_fields
from contest.domain.models import LETTERS, Difficulty, DrawnKey, Question, Source


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def maybe_from_ms(value: int | None) -> datetime | None:
    return None if value is None else from_ms(value)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def keys_to_json(keys: Sequence[DrawnKey]) -> str:
    """An attempt's questions as stored: about 40 bytes each, the text stays in
    the bank version."""
    return dumps([[k.code, k.letters, sorted(k.correct), k.points, k.multiple] for k in keys])


def keys_from_json(text: str) -> tuple[DrawnKey, ...]:
    return tuple(
        DrawnKey(id=i, code=code, letters=letters, correct=frozenset(correct), points=points, multiple=multiple)
        for i, (code, letters, correct, points, multiple) in enumerate(json.loads(text), start=1)
    )


def answers_to_json(options: frozenset[int]) -> str:
    return dumps(sorted(options))


def source_to_json(source: Source | None) -> str | None:
    return None if source is None else dumps(source_fields(source))


def source_from_json(text: str | None) -> Source | None:
    """The inverse of :func:`source_to_json`, through the same builder the
    bank formats use."""
    return build_source(json.loads(text), line=None, problems=[]) if text else None


def question_row(question: Question) -> dict[str, Any]:
    return {
        "code": question.code,
        "topic": question.topic,
        "difficulty": question.difficulty.value,
        "text": question.text,
        "options": dumps(list(question.options)),
        "correct": ",".join(LETTERS[i] for i in sorted(question.correct)),
        "multiple": question.multiple,
        "keep_order": question.keep_order,
        "points": question.points,
        "explanation": question.explanation,
        "source": source_to_json(question.source),
    }


def question_from_row(row: Any) -> Question:
    return Question(
        code=row["code"],
        text=row["text"],
        options=tuple(json.loads(row["options"])),
        correct=frozenset(LETTERS.index(c) for c in row["correct"].split(",") if c),
        topic=row["topic"],
        difficulty=Difficulty(row["difficulty"]),
        multiple=bool(row["multiple"]),
        keep_order=bool(row["keep_order"]),
        points=row["points"],
        explanation=row["explanation"],
        source=source_from_json(row["source"]),
    )

"""How fast an organiser's 10,000-question .xlsx reads.

Generates a bank of synthetic Vietnamese questions (four to six options, some
multi-answer, some with sources and dates), writes it with the platform's own
exporter, then times ``read_bank`` on the bytes, best of a few runs, then the
quality report on what was read and on the worst case for its near-duplicate
search (stems that differ only by a number), each also as a ratio to the
read: the report must stay a fraction of the read however alike the stems.

    .venv/bin/python bench/bank_import.py [--count 10000] [--runs 3] [--format xlsx]
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from contest.domain.banks.export import FORMATS, write_bank
from contest.domain.banks.quality import report
from contest.domain.banks.reader import read_bank
from contest.domain.models import Difficulty, Question, Source

EXTENSIONS = {"xlsx": "xlsx", "json": "json", "gift": "gift.txt"}


def make_questions(count: int) -> list[Question]:
    levels = list(Difficulty)
    questions = []
    for i in range(1, count + 1):
        width = 4 + i % 3
        correct = frozenset({0, 2}) if i % 5 == 0 else frozenset({i % width})
        questions.append(
            Question(
                code=f"BENCH-{i:05d}",
                text=f"Theo Nghị định số {i}/2022/NĐ-CP, cơ quan nào chịu trách nhiệm hướng dẫn thủ tục số {i}?",
                options=tuple(
                    f"Đơn vị thứ {k + 1} của câu {i}: Bộ, ngành hoặc Ủy ban nhân dân cấp tỉnh" for k in range(width)
                ),
                correct=correct,
                topic=f"Chủ đề {i % 12 + 1}",
                difficulty=levels[i % 3],
                multiple=len(correct) > 1,
                keep_order=i % 7 == 0,
                points=1 + i % 3,
                explanation=f"Giải thích cho câu {i}.",
                source=Source(
                    citation=f"Điều {i % 40 + 1} Nghị định 42/2022/NĐ-CP",
                    document="42/2022/NĐ-CP",
                    issued=date(2022, 6, 24),
                )
                if i % 2
                else None,
            )
        )
    return questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=FORMATS, default="xlsx")
    args = parser.parse_args()

    questions = make_questions(args.count)
    started = time.perf_counter()
    data = write_bank(questions, args.format)
    written = time.perf_counter() - started
    print(f"wrote {args.count} questions as {args.format}: {len(data) / 1024 / 1024:.1f} MB in {written:.2f} s")

    best = float("inf")
    for _ in range(args.runs):
        started = time.perf_counter()
        parsed = read_bank(f"bench.{EXTENSIONS[args.format]}", data)
        best = min(best, time.perf_counter() - started)
    assert list(parsed.questions) == questions, "the bank did not read back unchanged"
    assert parsed.ok, parsed.errors[:3]
    print(f"read_bank: {best:.2f} s (best of {args.runs}), {args.count / best:,.0f} questions/second")
    alike = [
        Question(
            code=f"N{n}",
            text=f"Câu hỏi số {n} trong bộ đề thi thử là gì?",
            options=("Có", "Không"),
            correct=frozenset({0}),
        )
        for n in range(args.count)
    ]
    for label, bank in (("report", questions), ("report, alike stems", alike)):
        started = time.perf_counter()
        report(bank)
        took = time.perf_counter() - started
        print(f"{label}: {took:.2f} s, {took / best:.2f} × read_bank")


if __name__ == "__main__":
    main()

"""Sources that expire: laws change under a contest.

Decree 43/2011 on online service levels was replaced by Decree 42/2022; the
2005 Law on Electronic Transactions by the 2023 one. A question citing a
document that no longer applied on a round's dates may have the wrong key for
that round, so organisers are warned before the round opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from contest.domain.models import Question


@dataclass(frozen=True, slots=True)
class Outdated:
    question: Question
    expired: date
    replaced_by: str

    @property
    def message(self) -> str:
        source = self.question.source
        document = (source.document or source.citation) if source else ""
        replaced = f", được thay thế bởi {self.replaced_by}" if self.replaced_by else ""
        return (
            f"Câu {self.question.code} trích dẫn {document}, văn bản hết hiệu lực từ {self.expired:%d/%m/%Y}{replaced}."
        )


def outdated(questions: Iterable[Question], *, on: date) -> list[Outdated]:
    """Questions whose cited document no longer applied on ``on`` (for a round,
    its last day: a document that lapses during the round is flagged too)."""
    found = []
    for q in questions:
        if q.source is not None and q.source.expired is not None and not q.source.applies_on(on):
            found.append(Outdated(q, q.source.expired, q.source.replaced_by))
    return found

"""Sources that expire: laws change under a contest.

Decree 43/2011 on online service levels was replaced by Decree 42/2022; the
2005 Law on Electronic Transactions by the 2023 one. A question citing a
document that no longer applied on a round's dates may have the wrong key for
that round, so organisers are warned before the round opens, unless the
question says so itself (:data:`HISTORY`): then it asks about history.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from contest.domain.models import Question

HISTORY = re.compile(
    r"hết hiệu lực|áp dụng đến|nay đã|thay thế (?:luật|văn bản|nghị định|quyết định|thông tư|nghị quyết) nào"
    r"|được [^.?]{0,40}thay thế"
)
"""How a stem says that the document it asks about no longer applies: "Luật An
toàn thông tin mạng năm 2015 (hết hiệu lực từ ngày 01/7/2026)", "(nay đã được
Luật Căn cước năm 2023 thay thế)", "Luật Giao dịch điện tử năm 2023 thay thế
luật nào?". Such a question asks about history: no later law makes its key
wrong. Matched on the case-folded stem."""


def told_as_history(question: Question) -> bool:
    return HISTORY.search(question.text.casefold()) is not None


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
    its last day: a document that lapses during the round is flagged too),
    except those :func:`told_as_history`."""
    found = []
    for q in questions:
        if (
            q.source is not None
            and q.source.expired is not None
            and not q.source.applies_on(on)
            and not told_as_history(q)
        ):
            found.append(Outdated(q, q.source.expired, q.source.replaced_by))
    return found

"""Finding things the way organisers type: without diacritics, in any case.

One rule for every search box of the console (questions in a bank,
participants of a contest): the words typed, folded by
:func:`~contest.domain.banks.common.fold`, must appear in the folded text, so
"chu ky so" finds "Chữ ký số" and "nguyen van an" finds "Nguyễn Văn An".
"""

from __future__ import annotations

from contest.domain.banks.common import fold


def matches(query: str, *texts: str | None) -> bool:
    """True when ``query`` is empty or, folded, appears in ``texts`` joined
    by spaces (each folded too); ``None`` texts count as empty."""
    needle = fold(query)
    return not needle or needle in fold(" ".join(t or "" for t in texts))

"""The signed leaderboard's bytes made by pieces (``publication.canonical_document``)
are exactly the canonical serialisation of the document."""

from __future__ import annotations

from contest.domain.publication import PIECE, PublicEntry, canonical, canonical_document, document


def entries(n: int) -> list[PublicEntry]:
    odd = ['Nguyễn "Văn" An', "Lê\\Thị\nBình", "Trần\u0001Chi", "", "😀 Đào"]
    return [
        PublicEntry(
            i,
            odd[i % 5],
            "09xx xxx 123",
            "Thành phố Mỹ Tho",
            odd[(i + 2) % 5],
            i % 41,
            i % 11,
            None if i % 3 else i * 7,
            i / 8,
        )
        for i in range(1, n + 1)
    ]


def test_canonical_document_equals_the_canonical_document() -> None:
    for n in (0, 1, 7, PIECE, PIECE + 3):
        for true_figure in (None, 1234):
            made = canonical_document(
                round_id=3,
                round_title="Vòng “một”",
                phase="final",
                rule="Điểm",
                true_figure=true_figure,
                entries=iter(entries(n)),
            )
            doc = document(
                round_id=3,
                round_title="Vòng “một”",
                phase="final",
                rule="Điểm",
                true_figure=true_figure,
                entries=entries(n),
            )
            assert made == canonical(doc)

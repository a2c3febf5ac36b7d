"""Vietnamese without its diacritics, as people type it on a keyboard
without a Vietnamese layout: the base every loose match of text starts from
(headers, search, codes, options that name other options)."""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """Text without diacritics, đ and Đ becoming d and D."""
    bare = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in bare if not unicodedata.combining(c))

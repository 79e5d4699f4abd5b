"""Text helpers shared by every domain: Vietnamese folding and slugs."""

from __future__ import annotations

import re
import unicodedata

from django.utils.text import slugify

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Fold Vietnamese text for matching: lower case, no diacritics, đ -> d.

    >>> fold("Chả cá Đặc Sản")
    'cha ca dac san'
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", stripped.lower()).split())


def vi_slugify(text: str) -> str:
    """A URL slug for Vietnamese text: "Nước mắm Phú Quốc" -> "nuoc-mam-phu-quoc"."""
    return slugify(fold(text))

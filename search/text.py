"""Query text handling shared by both backends: tokens, trigrams and highlights."""

from __future__ import annotations

import html
import re
import unicodedata

from backend.core.text import fold

from .backends.base import MAX_QUERY_LENGTH

MAX_TOKENS = 10
_WORD = re.compile(r"\w+", re.UNICODE)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def _strip_char(ch: str) -> str:
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _table() -> dict[int, str]:
    """Per character, what `fold` makes of it before its final regex: letters lose their
    diacritics (Vietnamese uses Latin-1, Extended-A/B and Extended Additional), combining
    marks vanish, and other symbols of these blocks (dashes, quotes) become separators,
    as the regex would make them anyway."""
    table: dict[int, str] = {}
    blocks = [range(0x80, 0x370), range(0x1E00, 0x1F00), range(0x2000, 0x2070)]
    for cp in (cp for block in blocks for cp in block):
        ch = chr(cp)
        stripped = _strip_char(ch)
        if stripped != ch:
            table[cp] = stripped
        elif not ch.isascii():
            table[cp] = " "
    return table


_STRIP = _table()


def fast_fold(text: str | None) -> str:
    """`backend.core.text.fold`, computed with one translation table (indexing folds every
    description); anything the table does not cover goes through `fold` itself."""
    if not text:
        return ""
    stripped = text.translate(_STRIP)
    if not stripped.isascii():
        return fold(text)
    return " ".join(_NON_WORD.sub(" ", stripped.lower()).split())


def clean_query(text: str | None) -> str:
    """The query as the engines see it: bounded length, control characters dropped."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


def query_tokens(text: str | None) -> list[str]:
    """Folded words of a query, duplicates removed, at most MAX_TOKENS."""
    return list(dict.fromkeys(fold(clean_query(text)).split()))[:MAX_TOKENS]


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """Trigram similarity as pg_trgm computes it: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`, as
    Elasticsearch's fuzzy matching counts them; any value above `limit` is `limit + 1`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def max_edits(token: str) -> int:
    """How many typos a word may carry (Elasticsearch's fuzziness AUTO:4,7): none below
    four letters, where Vietnamese syllables differ by one letter."""
    return 0 if len(token) < 4 else 1 if len(token) < 7 else 2


def highlight(text: str, alternatives: list[list[str]], size: int = 160) -> str | None:
    """`text` with the words that match the query wrapped in <em>, HTML-escaped, cut to a
    window of about `size` characters around the first match; None when nothing matches."""
    if not text or not alternatives:
        return None
    words = {a for alts in alternatives for a in alts}
    parts: list[str] = []
    first = None
    pos = 0
    for m in _WORD.finditer(text):
        word = fold(m.group())
        if word in words:
            if first is None:
                first = m.start()
            parts.append(html.escape(text[pos : m.start()]))
            parts.append(f"<em>{html.escape(m.group())}</em>")
            pos = m.end()
    if first is None:
        return None
    parts.append(html.escape(text[pos:]))
    marked = "".join(parts)
    if len(text) <= size:
        return marked
    # Cut on the original text's window and re-mark it (simpler than cutting markup).
    start = max(0, first - size // 4)
    window = text[start : start + size]
    inner = highlight(window, alternatives, size=size + 1) or html.escape(window)
    return ("…" if start else "") + inner + ("…" if start + size < len(text) else "")


def word_suffixes(name: str, limit: int = 8) -> list[str]:
    """'Gốm Bát Tràng men lam' -> the name and the name from each later word on, so that a
    completion suggester (which matches from the start of an input) finds inner words too."""
    words = name.split()
    return [" ".join(words[i:]) for i in range(min(len(words), limit))]


def suggestion_name(prefix: str, name_vi: str, name_en: str, language: str) -> str:
    """The name to show for a product suggestion: the request's language, unless only the
    other name contains what was typed."""
    preferred, other = (name_en, name_vi) if language == "en" else (name_vi, name_en)
    preferred = preferred or other
    if other and prefix not in fold(preferred) and prefix in fold(other):
        return other
    return preferred

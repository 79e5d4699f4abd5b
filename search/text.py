"""Query text handling shared by both backends: tokens, trigrams and highlights."""

from __future__ import annotations

import html
import re

from backend.core.text import fold

from .backends.base import MAX_QUERY_LENGTH

MAX_TOKENS = 10
_WORD = re.compile(r"\w+", re.UNICODE)


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


def max_edits(token: str) -> int:
    """How many typos a word may carry (Elasticsearch's fuzziness AUTO:4,7): none below
    four letters, where Vietnamese syllables differ by one letter."""
    return 0 if len(token) < 4 else 1 if len(token) < 7 else 2


def highlight(text: str, alternatives: list[list[str]], size: int = 160) -> str | None:
    """`text` with the words that match the query wrapped in <em>, HTML-escaped, cut to a
    window of about `size` characters around the first match; None when nothing matches."""
    if not text or not alternatives:
        return None
    prefixes = [a for alts in alternatives for a in alts]
    parts: list[str] = []
    first = None
    pos = 0
    for m in _WORD.finditer(text):
        word = fold(m.group())
        if any(word.startswith(p) for p in prefixes):
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

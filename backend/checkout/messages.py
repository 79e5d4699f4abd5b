"""Shopper-facing messages in the request's language (Vietnamese by default, English when the
request asks for it: Accept-Language, the language cookie, or an activated translation)."""

from __future__ import annotations

from django.utils import translation


def t(vi: str, en: str) -> str:
    """`vi` or `en`, whichever the active language is."""
    language = (translation.get_language() or "vi")[:2]
    return en if language == "en" else vi

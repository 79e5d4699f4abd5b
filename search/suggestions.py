"""Autocomplete of categories and places: small reference tables, matched on folded word
starts the same way whichever backend serves product suggestions."""

from __future__ import annotations

from backend.catalogue.models import Category
from backend.core.text import fold
from backend.places.models import CraftVillage, Province, ProvinceAlias

from .backends.base import Suggestion, SuggestionKind
from .text import query_tokens


def _starts_word(prefix: str, *names: str) -> bool:
    return any(f" {prefix}" in f" {fold(n)}" for n in names if n)


def suggest_places_and_categories(text: str, limit: int, language: str) -> list[Suggestion]:
    prefix = " ".join(query_tokens(text))
    if not prefix:
        return []
    en = language == "en"
    out: list[Suggestion] = []
    for c in Category.objects.all():
        if _starts_word(prefix, c.name_vi, c.name_en):
            out.append(Suggestion(SuggestionKind.CATEGORY, c.name_en if en else c.name_vi, c.code))
    provinces = list(Province.objects.all())
    for p in provinces:
        if _starts_word(prefix, p.short_name, p.name_en):
            name = (p.name_en or p.short_name) if en else p.short_name
            out.append(Suggestion(SuggestionKind.PROVINCE, name, p.code))
    for a in ProvinceAlias.objects.select_related("province"):
        if _starts_word(prefix, a.name):
            out.append(
                Suggestion(
                    SuggestionKind.PROVINCE, f"{a.name} → {a.province.short_name}", a.province.code
                )
            )
    villages = CraftVillage.objects.filter(folded_name__contains=prefix.split()[0])[:50]
    for v in villages:
        if _starts_word(prefix, v.name, v.name_en):
            out.append(
                Suggestion(
                    SuggestionKind.CRAFT_VILLAGE, (v.name_en or v.name) if en else v.name, v.slug
                )
            )
    return out[:limit]

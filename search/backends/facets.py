"""Facet labels and selection, shared by both backends (they only count)."""

from __future__ import annotations

import functools

from backend.catalogue.models import Category
from backend.places.models import CraftVillage, Province
from backend.producers.models import ProducerKind

from .base import PRICE_RANGES, Facet, FacetBucket, FacetField, SearchQuery

_KIND_LABELS = {
    ProducerKind.COOPERATIVE.value: ("Hợp tác xã", "Cooperative"),
    ProducerKind.ENTERPRISE.value: ("Doanh nghiệp", "Enterprise"),
    ProducerKind.COOPERATIVE_GROUP.value: ("Tổ hợp tác", "Cooperative group"),
    ProducerKind.HOUSEHOLD_BUSINESS.value: ("Hộ kinh doanh", "Household business"),
}


def _vnd(amount: object) -> str:
    return f"{int(amount):,}".replace(",", ".") + " ₫"  # type: ignore[call-overload]


def price_range_label(key: str, language: str) -> str:
    r = next((r for r in PRICE_RANGES if r.key == key), None)
    if r is None:
        return key
    if r.low is None:
        return ("Dưới " if language == "vi" else "Under ") + _vnd(r.high)
    if r.high is None:
        return ("Từ " if language == "vi" else "From ") + _vnd(r.low)
    return f"{_vnd(r.low)} – {_vnd(r.high)}"


def _selected(query: SearchQuery) -> dict[FacetField, set[str]]:
    f = query.filters
    return {
        FacetField.CATEGORY_GROUP: set(f.category_groups),
        FacetField.CATEGORY: set(f.category_sets),
        FacetField.STARS: {str(s) for s in f.stars},
        FacetField.PROVINCE: set(f.provinces),
        FacetField.CRAFT_VILLAGE: set(f.craft_villages),
        FacetField.PRODUCER_KIND: set(f.producer_kinds),
        FacetField.MARKET: set(f.markets),
        FacetField.PRICE_RANGE: set(f.price_ranges),
    }


def resolve_facets(counts: dict[FacetField, dict[str, int]], query: SearchQuery) -> list[Facet]:
    """Turn raw counts into labelled, ordered buckets; a selected value always shows, with
    a count of 0 when nothing matches it."""
    en = query.language == "en"
    selected = _selected(query)
    for field, values in selected.items():
        for v in values:
            counts.setdefault(field, {}).setdefault(v, 0)

    cat_codes = set(counts.get(FacetField.CATEGORY, {})) | set(
        counts.get(FacetField.CATEGORY_GROUP, {})
    )
    categories = {c.code: c for c in Category.objects.filter(code__in=cat_codes)}
    provinces = {
        p.code: p for p in Province.objects.filter(code__in=counts.get(FacetField.PROVINCE, {}))
    }
    from backend.markets.models import Market

    market_codes = list(counts.get(FacetField.MARKET, {}))
    markets = (
        {m.code: m for m in Market.objects.filter(code__in=market_codes)} if market_codes else {}
    )
    villages = {
        v.slug: v
        for v in CraftVillage.objects.filter(slug__in=counts.get(FacetField.CRAFT_VILLAGE, {}))
    }

    def label(field: FacetField, value: str) -> str:
        if field in (FacetField.CATEGORY, FacetField.CATEGORY_GROUP):
            c = categories.get(value)
            return (c.name_en if en else c.name_vi) if c else value
        if field == FacetField.PROVINCE:
            p = provinces.get(value)
            return ((p.name_en or p.short_name) if en else p.short_name) if p else value
        if field == FacetField.CRAFT_VILLAGE:
            v = villages.get(value)
            return ((v.name_en or v.name) if en else v.name) if v else value
        if field == FacetField.PRODUCER_KIND:
            vi, eng = _KIND_LABELS.get(value, (value, value))
            return eng if en else vi
        if field == FacetField.STARS:
            return f"{value}★"
        if field == FacetField.PRICE_RANGE:
            return price_range_label(value, query.language)
        if field == FacetField.MARKET and value in markets:
            return markets[value].name_en if en else markets[value].name_vi
        return value

    def order(field: FacetField, bucket: FacetBucket) -> tuple:
        if field == FacetField.STARS:
            return (-int(bucket.value),)
        if field == FacetField.PRICE_RANGE:
            keys = [r.key for r in PRICE_RANGES]
            # A stale or hand-made URL may select a range that doesn't exist: it sorts last.
            return (keys.index(bucket.value) if bucket.value in keys else len(keys),)
        if field in (FacetField.CATEGORY, FacetField.CATEGORY_GROUP):
            c = categories.get(bucket.value)
            return (c.sort_order if c else 999, bucket.value)
        return (-bucket.count, bucket.label)

    facets = []
    for field in FacetField:
        buckets = [
            FacetBucket(
                value=value,
                label=label(field, value),
                count=n,
                selected=value in selected.get(field, set()),
            )
            for value, n in counts.get(field, {}).items()
        ]
        buckets.sort(key=functools.partial(order, field))
        facets.append(Facet(field=field, buckets=buckets))
    return facets

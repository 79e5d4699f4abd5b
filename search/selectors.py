"""Reads: search and suggestions through the configured backend, with the fallback rule.

`search_product_ids` is what other read paths (e.g. `products(filter: {search})`) call to
route a text search through the same backend."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from backend.core.errors import ServiceError

from . import get_backend
from .backends.base import (
    SearchBackend,
    SearchFilters,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    SortField,
    Suggestion,
)
from .error_codes import SearchErrorCode

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "Tìm kiếm tạm thời không khả dụng, vui lòng thử lại sau. / "
    "Search is temporarily unavailable, please try again later."
)


def _with_fallback(call):  # type: ignore[no-untyped-def]
    backend: SearchBackend = get_backend()
    try:
        return call(backend)
    except SearchUnavailable as exc:
        if backend.name != "database" and settings.SEARCH_FALLBACK_TO_DATABASE:
            logger.warning(
                "search backend %s unavailable (%s); using the database", backend.name, exc
            )
            return call(get_backend("database"))
        raise ServiceError.single(SearchErrorCode.SEARCH_UNAVAILABLE, UNAVAILABLE_MESSAGE) from exc


def search_products(query: SearchQuery) -> SearchResult:
    """Raises ServiceError(SEARCH_UNAVAILABLE) when the engine is down and no fallback."""
    return _with_fallback(lambda b: b.search(query))  # type: ignore[no-any-return]


def suggest(text: str, *, limit: int = 10, language: str = "vi") -> list[Suggestion]:
    return _with_fallback(lambda b: b.suggest(text, limit, language))  # type: ignore[no-any-return]


def search_product_ids(
    text: str,
    *,
    filters: SearchFilters | None = None,
    limit: int = 10_000,
    language: str = "vi",
) -> list[int]:
    """Ids of the products matching `text`, best first, for callers that paginate and
    filter themselves (e.g. the catalogue's product list with a `search` filter)."""
    query = SearchQuery(
        text=text,
        filters=filters or SearchFilters(),
        sort=SortField.RELEVANCE,
        limit=limit,
        language=language,
        with_facets=False,
        with_highlights=False,
    )
    return search_products(query).product_ids


def filters_from_product_filter(spec: Any) -> SearchFilters:
    """The search filters of a validated catalogue `ProductFilter` (ids to the codes and
    slugs the index holds; communes, which the index does not hold, become product ids)."""
    from backend.catalogue.models import Category, Product
    from backend.places.models import CraftVillage, Province

    filters = SearchFilters()
    if spec is None:
        return filters
    if spec.category_ids is not None:
        filters.categories = list(
            Category.objects.filter(pk__in=spec.category_ids).values_list("code", flat=True)
        )
    if spec.province_ids is not None:
        filters.provinces = list(
            Province.objects.filter(pk__in=spec.province_ids).values_list("code", flat=True)
        )
    if spec.craft_village_ids is not None:
        filters.craft_villages = list(
            CraftVillage.objects.filter(pk__in=spec.craft_village_ids).values_list(
                "slug", flat=True
            )
        )
    if spec.producer_ids is not None:
        filters.producer_ids = list(spec.producer_ids)
    ids: set[int] | None = None
    if spec.product_ids is not None:
        ids = set(spec.product_ids)
    if spec.commune_ids is not None:
        in_communes = set(
            Product.objects.filter(commune_id__in=spec.commune_ids).values_list("pk", flat=True)
        )
        ids = in_communes if ids is None else ids & in_communes
    # An empty list filters everything out (as it does in the catalogue's own filter).
    empty = [
        given is not None and not found
        for given, found in (
            (spec.category_ids, filters.categories),
            (spec.province_ids, filters.provinces),
            (spec.craft_village_ids, filters.craft_villages),
            (spec.producer_ids, filters.producer_ids),
        )
    ]
    if any(empty):
        ids = set()
    if ids is not None:
        filters.product_ids = sorted(ids)
    filters.stars = list(spec.stars or [])
    filters.potential_five_star = spec.potential_five_star
    filters.certificate_valid = spec.certificate_valid
    filters.in_stock = spec.in_stock
    filters.price_gte = spec.price_gte
    filters.price_lte = spec.price_lte
    return filters

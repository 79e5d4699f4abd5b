"""Reads: search and suggestions through the configured backend, with the fallback rule.

`search_product_ids` is what other read paths (e.g. `products(filter: {search})`) call to
route a text search through the same backend."""

from __future__ import annotations

import logging

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

"""`search` and `searchSuggestions`: product search through the configured backend."""

from __future__ import annotations

from typing import Any

import graphene
from graphene.relay import PageInfo
from graphql_relay import to_global_id

from backend.catalogue.models import Product as ProductModel
from backend.core.errors import ServiceError
from backend.graphql.catalogue.filters import (
    ProductFilterInput,
    ProductOrder,
    product_filter_from_input,
)
from backend.graphql.core.connection import check_page_size, decode_cursor, encode_cursor
from backend.graphql.core.types import LanguageCodeEnum, language_of, remember_language
from search import selectors
from search.backends.base import MAX_OFFSET, PRICE_RANGE_BY_KEY, SearchQuery, SortField
from search.documents import public_products
from search.error_codes import SearchErrorCode

from .types import ProductSearchConnection, ProductSearchEdge, SearchFacet, SearchSuggestion

DEFAULT_PAGE_SIZE = 20
MAX_SUGGESTIONS = 20


def _sort(order: Any) -> SortField:
    if not order:
        return SortField.RELEVANCE
    field = str(getattr(order["field"], "value", order["field"]))
    direction = str(getattr(order["direction"], "value", order["direction"])).upper()
    if field == "price":
        return SortField.PRICE_DESC if direction == "DESC" else SortField.PRICE_ASC
    if field == "stars" and direction == "DESC":
        return SortField.STARS
    if field == "newest" and direction == "DESC":
        return SortField.NEWEST
    raise ServiceError.single(
        SearchErrorCode.INVALID,
        "Kết quả tìm kiếm sắp xếp theo độ liên quan, giá, số sao (giảm dần) hoặc mới nhất. / "
        "Search results sort by relevance, price, stars (DESC) or newest (DESC).",
        "sortBy",
    )


def _hydrate(ids: list[int]) -> dict[int, ProductModel]:
    """The page's products in one query (their relations come through the DataLoaders)."""
    return public_products().in_bulk(ids)


class SearchQueries(graphene.ObjectType):
    search = graphene.Field(
        ProductSearchConnection,
        required=True,
        query=graphene.String(description="Words to find; empty browses everything."),
        filter=graphene.Argument(ProductFilterInput),
        sort_by=graphene.Argument(ProductOrder, description="Relevance when not given."),
        first=graphene.Int(description=f"Page size (default {DEFAULT_PAGE_SIZE}, ≤ 100)."),
        after=graphene.String(description="Cursor to start after."),
        language_code=graphene.Argument(LanguageCodeEnum),
        price_ranges=graphene.List(
            graphene.NonNull(graphene.String),
            description="Price-range facet values to keep ('100000-300000'), any of them.",
        ),
        markets=graphene.List(
            graphene.NonNull(graphene.String),
            description="Market codes the products may ship to ('EU', 'US'), any of them.",
        ),
        description="Search public products, with highlights and disjunctive facets.",
    )
    search_suggestions = graphene.List(
        graphene.NonNull(SearchSuggestion),
        required=True,
        query=graphene.String(required=True),
        first=graphene.Int(description=f"How many (default 10, ≤ {MAX_SUGGESTIONS})."),
        language_code=graphene.Argument(LanguageCodeEnum),
        description="Autocomplete: products, categories and places while typing.",
    )

    @staticmethod
    def resolve_search(
        root: Any,
        info: Any,
        query: str | None = None,
        filter: Any = None,
        sort_by: Any = None,
        first: int | None = None,
        after: str | None = None,
        language_code: Any = None,
        price_ranges: list[str] | None = None,
        markets: list[str] | None = None,
    ) -> ProductSearchConnection:
        remember_language(info, language_code)
        language = language_of(info, language_code)
        check_page_size(first, None)
        limit = DEFAULT_PAGE_SIZE if first is None else first
        offset = decode_cursor(after, "after") + 1 if after else 0
        if offset > MAX_OFFSET:
            raise ServiceError.single(
                SearchErrorCode.INVALID,
                f"Search pages go up to {MAX_OFFSET} results; narrow the query.",
                "after",
            )
        spec = product_filter_from_input(filter)
        text = query if query and query.strip() else (spec.search or "")
        filters = selectors.filters_from_product_filter(spec)
        unknown = [key for key in price_ranges or [] if key not in PRICE_RANGE_BY_KEY]
        if unknown:
            raise ServiceError.single(
                SearchErrorCode.INVALID,
                f"Unknown price range: {', '.join(unknown)[:200]}. Use a facet value: "
                f"{', '.join(PRICE_RANGE_BY_KEY)}.",
                "priceRanges",
            )
        filters.price_ranges = list(price_ranges or [])
        filters.markets = [m.strip().upper() for m in markets or [] if m.strip()]
        result = selectors.search_products(
            SearchQuery(
                text=text,
                filters=filters,
                sort=_sort(sort_by),
                offset=offset,
                limit=limit,
                language=language,
            )
        )
        products = _hydrate(result.product_ids)
        edges = [
            ProductSearchEdge(
                node=products[hit.product_id],
                highlight=hit.highlight,
                cursor=encode_cursor(offset + i),
            )
            for i, hit in enumerate(result.hits)
            if hit.product_id in products
        ]
        page_info = PageInfo(
            start_cursor=encode_cursor(offset) if result.hits else None,
            end_cursor=encode_cursor(offset + len(result.hits) - 1) if result.hits else None,
            has_previous_page=offset > 0,
            has_next_page=offset + len(result.hits) < result.total,
        )
        return ProductSearchConnection(
            total_count=result.total,
            edges=edges,
            facets=[SearchFacet(field=f.field, buckets=f.buckets) for f in result.facets],
            page_info=page_info,
        )

    @staticmethod
    def resolve_search_suggestions(
        root: Any, info: Any, query: str, first: int | None = None, language_code: Any = None
    ) -> list[SearchSuggestion]:
        language = language_of(info, language_code)
        limit = 10 if first is None else first
        if limit < 0 or limit > MAX_SUGGESTIONS:
            raise ServiceError.single(
                SearchErrorCode.INVALID,
                f"`first` must be between 0 and {MAX_SUGGESTIONS}.",
                "first",
            )
        out = []
        for s in selectors.suggest(query, limit=limit, language=language):
            value = to_global_id("Product", s.value) if s.kind.value == "PRODUCT" else s.value
            out.append(SearchSuggestion(kind=s.kind.value, text=s.text, value=value))
        return out


class SearchMutations(graphene.ObjectType):
    pass

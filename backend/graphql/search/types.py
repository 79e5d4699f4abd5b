"""GraphQL types of product search: the result connection with highlights and facets."""

from __future__ import annotations

from typing import Any

import graphene
from graphene.relay import PageInfo

from backend.graphql.catalogue.types import Product
from backend.graphql.core.validation import set_list_size_hint
from search.backends.base import FacetField, SuggestionKind

SearchFacetFieldEnum = graphene.Enum(
    "SearchFacetField",
    [(f.name, f.value) for f in FacetField],
    description="What a facet counts by.",
)
SearchSuggestionKindEnum = graphene.Enum.from_enum(SuggestionKind, name="SearchSuggestionKind")


class SearchFacetBucket(graphene.ObjectType):
    value = graphene.String(
        required=True,
        description="The filter value: category code, stars, province code, craft village "
        "slug, producer kind, market code or price-range key ('100000-300000').",
    )
    label = graphene.String(required=True, description="For people, in the request's language.")
    count = graphene.Int(required=True, description="Products matching with this value.")
    selected = graphene.Boolean(required=True, description="Whether the filter has it.")


class SearchFacet(graphene.ObjectType):
    field = graphene.Field(SearchFacetFieldEnum, required=True)
    buckets = graphene.List(graphene.NonNull(SearchFacetBucket), required=True)

    class Meta:
        description = (
            "Counts of one facet. Facets are disjunctive: a facet's counts ignore the facet's "
            "own selection (picking 5★ still shows how many 4★ products match)."
        )

    @staticmethod
    def resolve_field(root: Any, info: Any) -> str:
        return str(root.field.value)


class ProductSearchEdge(graphene.ObjectType):
    node = graphene.Field(Product, required=True)
    cursor = graphene.String(required=True)
    highlight = graphene.String(
        description="A snippet with the matching words in <em>…</em> (HTML-escaped text)."
    )


class ProductSearchConnection(graphene.ObjectType):
    total_count = graphene.Int(required=True, description="Hits across all pages.")
    edges = graphene.List(graphene.NonNull(ProductSearchEdge), required=True)
    facets = graphene.List(graphene.NonNull(SearchFacet), required=True)
    page_info = graphene.Field(PageInfo, required=True)


class SearchSuggestion(graphene.ObjectType):
    kind = graphene.Field(SearchSuggestionKindEnum, required=True)
    text = graphene.String(required=True, description="What to show.")
    value = graphene.String(
        required=True,
        description="Product: its global ID; category: code; province: code; craft village: slug.",
    )


# Query cost: there are 8 facets with at most a few dozen buckets each.
set_list_size_hint("ProductSearchConnection", "facets", len(FacetField))
set_list_size_hint("SearchFacet", "buckets", 35)

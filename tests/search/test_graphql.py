"""The GraphQL face of search: `search` and `searchSuggestions`, over both backends."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from tests.factories import ProductVariantFactory
from tests.graphql.conftest import gql  # noqa: F401

pytestmark = pytest.mark.django_db

SEARCH = """
query Search($q: String, $filter: ProductFilterInput, $sort: ProductOrder, $first: Int,
             $after: String, $lang: LanguageCodeEnum) {
  search(query: $q, filter: $filter, sortBy: $sort, first: $first, after: $after,
         languageCode: $lang) {
    totalCount
    edges { cursor highlight node { id name stars category { name } producer { name } } }
    facets { field buckets { value label count selected } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def search(gql, **variables):  # noqa: F811
    result = gql(SEARCH, variables)
    assert not result.errors, result.errors
    return result.data["search"]


def facet(data, field):
    found = next(f for f in data["facets"] if f["field"] == field)
    return {b["value"]: b["count"] for b in found["buckets"]}


def gid(product):
    return to_global_id("Product", product.pk)


def test_search_returns_products_with_highlights(gql, backend, catalogue):  # noqa: F811
    data = search(gql, q="cha ca")
    assert data["totalCount"] == 1
    [edge] = data["edges"]
    assert edge["node"]["id"] == gid(catalogue.cha_ca)
    assert edge["node"]["name"] == "Chả cá Lã Vọng"
    assert edge["node"]["stars"] == 4
    assert "<em>" in edge["highlight"]


def test_language_code_switches_names_and_labels(gql, backend, catalogue):  # noqa: F811
    data = search(gql, q="fish sauce", lang="EN")
    assert [e["node"]["name"] for e in data["edges"]] == ["Cat Hai fish sauce"]
    labels = {
        b["label"] for f in data["facets"] if f["field"] == "CATEGORY_GROUP" for b in f["buckets"]
    }
    assert labels == {"Food"}


def test_filter_input_and_disjunctive_facets(gql, backend, catalogue):  # noqa: F811
    data = search(gql, filter={"stars": [5]})
    assert {e["node"]["id"] for e in data["edges"]} == {gid(catalogue.gom), gid(catalogue.lua)}
    assert facet(data, "STARS") == {"5": 2, "4": 3}
    data = search(gql, filter={"provinces": ["Hà Giang"]})  # a former province name
    assert {e["node"]["id"] for e in data["edges"]} == {gid(catalogue.mat_ong), gid(catalogue.tra)}
    data = search(gql, filter={"categories": ["IV"], "price": {"lte": 700000}})
    assert [e["node"]["id"] for e in data["edges"]] == [gid(catalogue.lua)]
    village = to_global_id("CraftVillage", catalogue.villages["bat-trang"].pk)
    data = search(gql, filter={"craftVillages": [village]})
    assert [e["node"]["id"] for e in data["edges"]] == [gid(catalogue.gom)]


def test_filter_search_field_goes_through_the_backend(gql, backend, catalogue):  # noqa: F811
    data = search(gql, filter={"search": "bat trag"})
    assert data["edges"][0]["node"]["id"] == gid(catalogue.gom)


def test_sort_and_pagination(gql, backend, catalogue):  # noqa: F811
    sort = {"field": "PRICE", "direction": "ASC"}
    names, after = [], None
    while True:
        data = search(gql, sort=sort, first=3, after=after)
        assert data["totalCount"] == 7
        names.extend(e["node"]["id"] for e in data["edges"])
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    by_price = sorted(catalogue.public, key=lambda p: p.price_min)
    assert names == [gid(p) for p in by_price]
    desc = search(gql, sort={"field": "PRICE", "direction": "DESC"}, first=1)
    assert desc["edges"][0]["node"]["id"] == gid(catalogue.gom)


def test_suggestions(gql, backend, catalogue):  # noqa: F811
    result = gql('{ searchSuggestions(query: "gom bat", first: 5) { kind text value } }')
    assert not result.errors
    products = [s for s in result.data["searchSuggestions"] if s["kind"] == "PRODUCT"]
    assert products == [
        {"kind": "PRODUCT", "text": "Gốm Bát Tràng men lam", "value": gid(catalogue.gom)}
    ]
    result = gql('{ searchSuggestions(query: "ha n") { kind value } }')
    assert {"kind": "PROVINCE", "value": "01"} in result.data["searchSuggestions"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ search(first: 101) { totalCount } }", "PAGE_SIZE_EXCEEDED"),
        ("{ search(first: -1) { totalCount } }", "INVALID_PAGE_SIZE"),
        ('{ search(after: "nonsense") { totalCount } }', "INVALID_CURSOR"),
        ("{ search(sortBy: {field: NAME, direction: ASC}) { totalCount } }", "INVALID"),
        ("{ search(filter: {stars: [7]}) { totalCount } }", "INVALID"),
        ('{ searchSuggestions(query: "a", first: 500) { text } }', "INVALID"),
        ('{ search(priceRanges: ["1-2"]) { totalCount } }', "INVALID"),
    ],
)
def test_bad_arguments_get_typed_errors(gql, db, query, code):  # noqa: F811
    result = gql(query)
    assert result.status_code == 200
    assert code in result.error_codes


def test_lucene_syntax_and_empty_queries_are_safe(gql, backend, catalogue):  # noqa: F811
    for text in ['a:(b" ~ ^2 [x TO y] {z} / \\ && || !', "", "   ", "chả cá " * 200]:
        data = search(gql, q=text)
        assert data["totalCount"] >= 0


def test_elasticsearch_down_is_a_typed_error(gql, settings, db):  # noqa: F811
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_TIMEOUT = 1.0
    settings.SEARCH_FALLBACK_TO_DATABASE = False
    result = gql('{ search(query: "cha ca") { totalCount } }')
    assert result.status_code == 200
    assert result.error_codes == ["SEARCH_UNAVAILABLE"]
    settings.SEARCH_FALLBACK_TO_DATABASE = True
    result = gql('{ search(query: "cha ca") { totalCount } }')
    assert not result.errors


def _page_queries(gql, first):  # noqa: F811
    with CaptureQueriesContext(connection) as ctx:
        data = search(gql, first=first)
    return len(ctx.captured_queries), len(data["edges"])


def test_hydrating_a_page_takes_constant_queries(gql, settings, db):  # noqa: F811
    from search import get_backend

    settings.SEARCH_BACKEND = "database"
    for _ in range(3):
        ProductVariantFactory()
    get_backend().reindex()
    small, n_small = _page_queries(gql, 100)
    for _ in range(12):
        ProductVariantFactory()
    get_backend().reindex()
    large, n_large = _page_queries(gql, 100)
    assert (n_small, n_large) == (3, 15)
    assert large == small


def test_price_range_and_market_facet_values_filter(gql, backend, catalogue):  # noqa: F811
    result = gql(
        '{ search(priceRanges: ["0-100000", "1000000-"], markets: []) { totalCount '
        "facets { field buckets { value count selected } } } }"
    )
    assert not result.errors
    data = result.data["search"]
    assert data["totalCount"] == 3
    price = next(f for f in data["facets"] if f["field"] == "PRICE_RANGE")
    assert {b["value"] for b in price["buckets"] if b["selected"]} == {"0-100000", "1000000-"}
    result = gql('{ search(markets: ["eu"]) { totalCount } }')
    assert result.data["search"]["totalCount"] == 0

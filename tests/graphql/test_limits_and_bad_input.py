"""Limits (page size, depth, aliases, cost, string length) and bad input: always a clear,
typed GraphQL error, never an HTTP 500."""

from __future__ import annotations

import logging

import pytest
from graphql_relay import to_global_id

from tests.factories import ProductFactory, province
from tests.graphql.catalogue_data import PRODUCTS_QUERY

pytestmark = pytest.mark.django_db


def test_page_size_above_100_is_refused(gql):
    result = gql("{ products(first: 101) { totalCount edges { node { id } } } }")
    assert result.status_code == 200
    assert result.error_codes == ["PAGE_SIZE_EXCEEDED"]
    message = result.errors[0]["message"]
    assert "101" in message and "100" in message
    assert result.data == {"products": None} or result.data is None


def test_negative_page_size_is_refused(gql):
    result = gql("{ products(last: -1) { totalCount } }")
    assert result.error_codes == ["INVALID_PAGE_SIZE"]


def test_malformed_cursor_is_refused(gql):
    result = gql('{ products(first: 5, after: "%%%") { totalCount } }')
    assert result.error_codes == ["INVALID_CURSOR"]


def test_depth_limit(gql, settings):
    settings.GRAPHQL_MAX_DEPTH = 5
    query = """{ products(first: 1) { edges { node { category { parent { children {
        parent { code } } } } } } } }"""
    result = gql(query)
    assert result.status_code == 400
    assert result.error_codes == ["QUERY_TOO_DEEP"]
    assert "at most 5" in result.errors[0]["message"]
    shallow = gql("{ products(first: 1) { edges { node { category { code } } } } }")
    assert shallow.status_code == 200 and not shallow.errors


def test_alias_limit(gql, settings):
    settings.GRAPHQL_MAX_ALIASES = 3
    fields = " ".join(f"a{i}: me {{ email }}" for i in range(4))
    result = gql("{ " + fields + " }")
    assert result.status_code == 400
    assert result.error_codes == ["TOO_MANY_ALIASES"]
    assert "4 aliases" in result.errors[0]["message"]


def test_cost_limit_counts_page_sizes(gql, settings):
    settings.GRAPHQL_MAX_COST = 1000
    cheap = gql(PRODUCTS_QUERY, {"first": 2})
    assert not cheap.errors, cheap.errors
    expensive = gql(PRODUCTS_QUERY, {"first": 100})
    assert expensive.status_code == 400
    assert expensive.error_codes == ["QUERY_TOO_COMPLEX"]
    extensions = expensive.errors[0]["extensions"]
    assert extensions["cost"] > 1000 and extensions["limit"] == 1000


def test_the_full_product_page_fits_the_default_cost_limit(gql):
    from django.conf import settings
    from graphql import parse

    from backend.graphql.api import schema
    from backend.graphql.core.validation import query_cost

    cost = query_cost(schema.graphql_schema, parse(PRODUCTS_QUERY), {"first": 100})
    assert cost <= settings.GRAPHQL_MAX_COST
    assert cost > query_cost(schema.graphql_schema, parse(PRODUCTS_QUERY), {"first": 10})


def test_overlong_string_variable_is_refused(gql, settings):
    settings.GRAPHQL_MAX_STRING_LENGTH = 50
    result = gql(
        "query($f: ProductFilterInput) { products(first: 1, filter: $f) { totalCount } }",
        {"f": {"search": "x" * 51}},
    )
    assert result.status_code == 400
    assert result.error_codes == ["INPUT_TOO_LONG"]
    assert result.errors[0]["extensions"]["field"] == "f.search"


def test_overlong_string_literal_is_refused(gql, settings):
    settings.GRAPHQL_MAX_STRING_LENGTH = 50
    result = gql('{ products(first: 1, filter: {search: "%s"}) { totalCount } }' % ("y" * 60))
    assert result.error_codes == ["INPUT_TOO_LONG"]


def test_malformed_global_id(gql):
    result = gql('{ product(id: "not-an-id") { id } }')
    assert result.status_code == 200
    assert result.error_codes == ["GRAPHQL_ERROR"]
    assert result.errors[0]["extensions"]["field"] == "id"


def test_global_id_of_the_wrong_type(gql):
    wrong = to_global_id("Province", province("01").pk)
    result = gql("query($id: ID) { product(id: $id) { id } }", {"id": wrong})
    assert result.error_codes == ["INVALID"]
    assert "Product" in result.errors[0]["message"]


def test_wrong_type_id_inside_a_filter(gql):
    wrong = to_global_id("Product", 1)
    result = gql(
        "query($f: ProductFilterInput) { products(first: 1, filter: $f) { totalCount } }",
        {"f": {"producers": [wrong]}},
    )
    assert result.error_codes == ["INVALID"]
    assert result.errors[0]["extensions"]["field"] == "filter.producers"


def test_unknown_enum_value(gql):
    result = gql(
        "{ products(first: 1, sortBy: {field: POPULARITY, direction: ASC}) { totalCount } }"
    )
    assert result.status_code == 400
    assert result.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "POPULARITY" in result.errors[0]["message"]


def test_unknown_enum_value_in_variables(gql):
    result = gql(
        "query($l: LanguageCodeEnum) { products(first: 1, languageCode: $l) { totalCount } }",
        {"l": "FR"},
    )
    assert result.status_code in (200, 400)
    assert result.errors and "FR" in result.errors[0]["message"]


@pytest.mark.parametrize(
    ("price", "field"),
    [
        ({"gte": -1}, "filter.price.gte"),
        ({"lte": -5}, "filter.price.lte"),
        ({"gte": 500000, "lte": 100000}, "filter.price"),
    ],
)
def test_negative_or_inverted_price_range(gql, price, field):
    result = gql(
        "query($f: ProductFilterInput) { products(first: 1, filter: $f) { totalCount } }",
        {"f": {"price": price}},
    )
    assert result.status_code == 200
    assert result.error_codes == ["INVALID"]
    assert result.errors[0]["extensions"]["field"] == field


def test_invalid_stars_value(gql):
    result = gql("{ products(first: 1, filter: {stars: [7]}) { totalCount } }")
    assert result.error_codes == ["INVALID"]


def test_invalid_json_body_is_400_not_500(client):
    response = client.post("/graphql/", data="{not json", content_type="application/json")
    assert response.status_code == 400


def test_syntax_error_is_400(gql):
    result = gql("{ products(first: 1) { ")
    assert result.status_code == 400
    assert result.errors


def test_unexpected_exception_is_hidden_and_logged(gql, monkeypatch, caplog):
    from backend.graphql.catalogue import types

    ProductFactory()

    def boom(root, info):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(types.Product, "resolve_hs_code", staticmethod(boom), raising=False)
    from backend.graphql.api import schema

    field = schema.graphql_schema.type_map["Product"].fields["hsCode"]
    monkeypatch.setattr(field, "resolve", boom)
    with caplog.at_level(logging.ERROR, logger="backend.graphql"):
        result = gql("{ products(first: 1) { edges { node { name hsCode } } } }")
    assert result.status_code == 200
    assert result.error_codes == ["INTERNAL_ERROR"]
    assert "secret" not in str(result.content)
    assert "Traceback" not in str(result.content)
    assert "secret internal detail" in caplog.text


def test_graphiql_page_in_the_browser(client):
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"graphiql" in response.content.lower()


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("get", {"path": "/graphql/"}, 400),
        ("put", {"path": "/graphql/", "data": "{}", "content_type": "application/json"}, 405),
        ("post", {"path": "/graphql/", "data": "[]", "content_type": "application/json"}, 400),
        (
            "post",
            {"path": "/graphql/", "data": '{"query": 5}', "content_type": "application/json"},
            400,
        ),
        (
            "post",
            {
                "path": "/graphql/",
                "data": '{"query": "{ me { email } }", "variables": "{bad"}',
                "content_type": "application/json",
            },
            400,
        ),
        ("get", {"path": "/graphql/?query=mutation{tokensDeactivateAll{errors{code}}}"}, 405),
        (
            "post",
            {"path": "/graphql/", "data": b"\xff\xfe", "content_type": "application/json"},
            400,
        ),
    ],
)
def test_garbage_requests_never_give_a_500(client, method, kwargs, status):
    response = getattr(client, method)(**kwargs)
    assert response.status_code == status, response.content


def test_every_input_problem_is_listed(gql):
    result = gql(
        "{ products(first: 1, filter: {price: {gte: -1, lte: -2}, stars: [9]}) { totalCount } }"
    )
    details = result.errors[0]["extensions"]["errors"]
    assert {(d["field"], d["code"]) for d in details} == {
        ("filter.stars", "INVALID"),
        ("filter.price.gte", "INVALID"),
        ("filter.price.lte", "INVALID"),
    }

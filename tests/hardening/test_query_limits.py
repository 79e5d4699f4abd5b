"""Query limits beyond tests/graphql/test_limits_and_bad_input.py: the cost multiplies by
first/last (nested pages multiply), the mutation count per request, and every limit error says
what was asked and what is allowed."""

from __future__ import annotations

import pytest
from graphql import parse

from backend.graphql.api import schema
from backend.graphql.core.validation import query_cost

pytestmark = pytest.mark.django_db


def _cost(query: str, variables: dict | None = None) -> int:
    return query_cost(schema.graphql_schema, parse(query), variables)


def test_cost_multiplies_by_first_and_last():
    one = _cost("{ products(first: 1) { edges { node { id name } } } }")
    ten = _cost("{ products(first: 10) { edges { node { id name } } } }")
    hundred = _cost("{ products(last: 100) { edges { node { id name } } } }")
    assert one < ten < hundred
    # products (1) + 10 x (edges 1 + node 1 + id 1 + name 1) = 41
    assert ten == 1 + 10 * 4
    assert hundred == 1 + 100 * 4
    assert _cost("query($n: Int) { products(first: $n) { edges { node { id } } } }", {"n": 50}) == (
        1 + 50 * 3
    )


def test_nested_pages_multiply(gql, settings):
    settings.GRAPHQL_MAX_COST = 5_000
    nested = """{ provinces(first: 100) { edges { node { code
        communes(first: 100) { edges { node { code } } } } } } }"""
    cost = _cost(nested)
    # provinces + 100 x (edges, node, code, communes + 100 x (edges, node, code))
    assert cost == 1 + 100 * (4 + 100 * 3)
    result = gql(nested)
    assert result.error_codes == ["QUERY_TOO_COMPLEX"]
    ext = result.errors[0]["extensions"]
    assert ext["cost"] == cost and ext["limit"] == 5_000
    assert str(cost) in result.errors[0]["message"] and "5000" in result.errors[0]["message"]
    small = gql("{ provinces(first: 2) { edges { node { communes(first: 3) { totalCount } } } } }")
    assert small.error_codes == []


def test_too_many_mutations_in_one_request(gql, settings):
    settings.GRAPHQL_MAX_MUTATIONS = 3
    settings.RATE_LIMITS = ""
    body = " ".join(
        f'm{i}: tokenCreate(email: "a{i}@example.com", password: "x") {{ token }}' for i in range(4)
    )
    result = gql("mutation {" + body + "}")
    assert result.error_codes == ["TOO_MANY_MUTATIONS"]
    error = result.errors[0]
    assert error["extensions"]["mutations"] == 4 and error["extensions"]["limit"] == 3
    assert "4 mutations" in error["message"] and "at most 3" in error["message"]
    assert result.data is None
    three = " ".join(
        f'm{i}: tokenCreate(email: "a{i}@example.com", password: "x") {{ token }}' for i in range(3)
    )
    assert "TOO_MANY_MUTATIONS" not in gql("mutation {" + three + "}").error_codes


def test_mutations_in_fragments_are_counted(gql, settings):
    settings.GRAPHQL_MAX_MUTATIONS = 1
    settings.RATE_LIMITS = ""
    query = """mutation { ...Two }
      fragment Two on Mutation {
        a: tokenCreate(email: "a@example.com", password: "x") { token }
        b: tokenCreate(email: "b@example.com", password: "x") { token } }"""
    assert gql(query).error_codes == ["TOO_MANY_MUTATIONS"]


def test_depth_and_alias_errors_say_asked_and_allowed(gql, settings):
    settings.GRAPHQL_MAX_DEPTH = 3
    settings.GRAPHQL_MAX_ALIASES = 2
    deep = gql("{ products(first: 1) { edges { node { category { code } } } } }")
    assert deep.error_codes == ["QUERY_TOO_DEEP"]
    assert deep.errors[0]["extensions"]["depth"] == 5
    assert deep.errors[0]["extensions"]["limit"] == 3
    aliased = gql(
        "{ a: products(first: 1) { totalCount } b: products(first: 1) { totalCount } "
        "c: products(first: 1) { totalCount } }"
    )
    assert aliased.error_codes == ["TOO_MANY_ALIASES"]
    assert "3 aliases" in aliased.errors[0]["message"]
    assert "at most 2" in aliased.errors[0]["message"]

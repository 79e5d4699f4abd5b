"""The markets helper wired into the catalogue API: `products(filter: {market, compliance})`
and `Product.marketCompliance`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.compliance.services import verdicts_recompute
from tests.factories import ProductFactory, product_set

pytestmark = pytest.mark.django_db

QUERY = """
query($f: ProductFilterInput, $first: Int) {
  products(first: $first, filter: $f) {
    totalCount edges { node { name marketCompliance(market: "EU") { market verdict } } }
  }
}
"""


@pytest.fixture
def products():
    ok = ProductFactory(name_vi="Cà phê", category=product_set("IV-1"))
    nest = ProductFactory(name_vi="Yến sào", category=product_set("I-3d"), contains_birds_nest=True)
    verdicts_recompute(product_ids=[ok.pk, nest.pk])
    return ok, nest


def _names(result):
    assert not result.errors, result.errors
    return [e["node"]["name"] for e in result.data["products"]["edges"]]


def test_market_filter(gql, products):
    assert _names(gql(QUERY, {"first": 10, "f": {"market": "EU"}})) == ["Cà phê"]
    blocked = gql(QUERY, {"first": 10, "f": {"market": "EU", "compliance": ["BLOCKED"]}})
    assert _names(blocked) == ["Yến sào"]
    assert len(_names(gql(QUERY, {"first": 10}))) == 2


def test_market_compliance_field(gql, products):
    result = gql(QUERY, {"first": 10})
    verdicts = {
        e["node"]["name"]: [c["verdict"] for c in e["node"]["marketCompliance"]]
        for e in result.data["products"]["edges"]
    }
    assert verdicts["Yến sào"] == ["BLOCKED"]
    assert verdicts["Cà phê"] != ["BLOCKED"]


def test_market_filter_bad_input(gql, products):
    unknown = gql(QUERY, {"first": 10, "f": {"market": "ATLANTIS"}})
    assert unknown.status_code == 200 and unknown.errors
    missing = gql(QUERY, {"first": 10, "f": {"compliance": ["ELIGIBLE"]}})
    assert missing.error_codes == ["REQUIRED"]
    assert missing.errors[0]["extensions"]["field"] == "filter.market"


def test_market_compliance_is_one_query_whatever_the_page(gql, products):
    for _ in range(8):
        ProductFactory()
    counts = []
    for first in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            result = gql(QUERY, {"first": first})
        assert not result.errors
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]

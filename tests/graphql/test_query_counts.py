"""DataLoaders keep the number of queries of a product list the same whatever the page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.graphql.catalogue_data import PRODUCTS_QUERY, many_full_products

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8


def _count(gql, first: int) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        result = gql(PRODUCTS_QUERY, {"first": first})
    assert result.status_code == 200
    assert not result.errors, result.errors
    return len(queries.captured_queries), result.data


def test_products_first_100_with_every_field_takes_at_most_8_queries(gql):
    many_full_products(105)
    count_100, data = _count(gql, 100)
    connection_data = data["products"]
    assert connection_data["totalCount"] == 105
    assert len(connection_data["edges"]) == 100
    node = connection_data["edges"][0]["node"]
    # Everything was really resolved, not left empty.
    assert node["stars"] == 4
    assert node["certificate"]["status"] == "ACTIVE"
    assert len(node["variants"]) == 2
    assert node["variants"][0]["pricing"]["price"] == {"amount": 120000.0, "currency": "VND"}
    assert node["pricing"]["priceRange"]["stop"]["amount"] == 210000.0
    assert node["media"][0]["thumbnail"].endswith("-256.webp")
    assert node["traceabilityUrl"].endswith("/")
    assert node["qrCodeUrl"].endswith("/qr.svg")
    assert node["origin"]["craftVillage"] is not None
    assert node["category"]["parent"]["code"] == "I"
    assert count_100 <= MAX_QUERIES, count_100

    count_10, data_10 = _count(gql, 10)
    assert len(data_10["products"]["edges"]) == 10
    assert count_10 == count_100
    print(f"products(first: 100) with every field: {count_100} queries")


def test_signed_in_member_and_staff_stay_within_the_budget(gql):
    from tests.factories import ProducerMemberFactory, UserFactory

    products = many_full_products(30)
    member = ProducerMemberFactory(producer=products[0].producer).user
    staff = UserFactory(is_staff=True)
    for user in (member, staff):
        counts = []
        for first in (5, 30):
            with CaptureQueriesContext(connection) as queries:
                result = gql(PRODUCTS_QUERY, {"first": first}, user=user)
            assert not result.errors, result.errors
            assert len(result.data["products"]["edges"]) == first
            counts.append(len(queries.captured_queries))
        assert counts[0] == counts[1] <= MAX_QUERIES, counts

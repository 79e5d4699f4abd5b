"""Producers see and ship only their own part of an order through the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.checkout import services
from backend.orders.models import OrderStatus
from backend.payments.services import payment_create_for_checkout
from tests.checkout.factories import ready_checkout, sellable_variant
from tests.factories import ProducerFactory, ProducerMemberFactory, UserFactory
from tests.graphql.conftest import gql  # noqa: F401

pytestmark = pytest.mark.django_db

PARTS = """query($status: ProducerOrderStatus) {
  producerOrders(first: 20, status: $status) { totalCount edges { node {
    id orderNumber status producerName commissionRate commission { amount } payout { amount }
    lines { productSku quantity } shippingAddress { communeCode }
  } } }
}"""
FULFIL = """mutation($id: ID!) { producerOrderFulfill(id: $id, trackingNumber: "GHN-1") {
  producerOrder { status trackingNumber } errors { field code } } }"""
ORDER = """query($t: UUID!) { orderByToken(token: $t) {
  status producerOrders { producerName commission { amount } payout { amount } } } }"""


def place_order(variants, user=None):
    info = ready_checkout([(v, 1) for v in variants], user=user)
    payment_create_for_checkout(
        token=info.checkout.token, user=user, gateway_id="ocop.payments.demo", amount=info.total
    )
    return services.checkout_complete(token=info.checkout.token, user=user)


@pytest.fixture
def two_producer_order():
    p1, p2 = ProducerFactory(), ProducerFactory()
    member1 = ProducerMemberFactory(producer=p1).user
    member2 = ProducerMemberFactory(producer=p2).user
    shopper = UserFactory()
    order = place_order([sellable_variant(producer=p1), sellable_variant(producer=p2)], shopper)
    return order, (p1, member1), (p2, member2), shopper


def test_a_member_sees_only_its_producers_parts(gql, two_producer_order):  # noqa: F811
    order, (p1, member1), _, _ = two_producer_order
    result = gql(PARTS, user=member1)
    assert not result.errors, result.errors
    parts = result.data["producerOrders"]
    assert parts["totalCount"] == 1
    node = parts["edges"][0]["node"]
    assert node["producerName"] == p1.name and node["orderNumber"] == order.number
    assert node["commissionRate"] == 0.08 and node["commission"]["amount"] > 0
    assert [line["quantity"] for line in node["lines"]] == [1]
    assert node["shippingAddress"]["communeCode"] == "00004"


def test_shoppers_and_anonymous_cannot_list_parts_nor_see_commission(gql, two_producer_order):  # noqa: F811
    order, _, _, shopper = two_producer_order
    for user in (None, shopper):
        result = gql(PARTS, user=user)
        assert result.data is None or result.data.get("producerOrders") is None
        assert "PERMISSION_DENIED" in result.error_codes
    mine = gql(ORDER, {"t": str(order.token)}, user=shopper).data["orderByToken"]
    assert all(p["commission"] is None and p["payout"] is None for p in mine["producerOrders"])
    assert gql(ORDER, {"t": str(order.token)}).data["orderByToken"] is None  # not the owner


def test_fulfil_own_part_only(gql, two_producer_order):  # noqa: F811
    order, (p1, member1), (p2, _member2), _ = two_producer_order
    part1 = order.producer_orders.get(producer=p1)
    part2_id = to_global_id("ProducerOrder", order.producer_orders.get(producer=p2).pk)
    refused = gql(FULFIL, {"id": part2_id}, user=member1).data["producerOrderFulfill"]
    assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]
    done = gql(FULFIL, {"id": to_global_id("ProducerOrder", part1.pk)}, user=member1).data[
        "producerOrderFulfill"
    ]
    assert done["errors"] == []
    assert done["producerOrder"] == {"status": "FULFILLED", "trackingNumber": "GHN-1"}
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_FULFILLED
    again = gql(FULFIL, {"id": to_global_id("ProducerOrder", part1.pk)}, user=member1).data[
        "producerOrderFulfill"
    ]
    assert [e["code"] for e in again["errors"]] == ["CANNOT_FULFILL"]
    unknown = gql(FULFIL, {"id": to_global_id("ProducerOrder", 99999)}, user=member1).data[
        "producerOrderFulfill"
    ]
    assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"]
    staff = UserFactory(is_staff=True)
    assert gql(FULFIL, {"id": part2_id}, user=staff).data["producerOrderFulfill"]["errors"] == []
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED


def test_parts_list_queries_are_constant(gql):  # noqa: F811
    producer = ProducerFactory()
    member = ProducerMemberFactory(producer=producer).user
    place_order([sellable_variant(producer=producer)])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            result = gql(PARTS, user=member)
        assert not result.errors
        return len(ctx.captured_queries)

    one = count()
    for _ in range(4):
        place_order([sellable_variant(producer=producer), sellable_variant(producer=producer)])
    assert count() == one

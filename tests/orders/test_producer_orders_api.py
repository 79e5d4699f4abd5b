"""An order's parts per producer in the API: the shopper sees who ships what, never the
platform's commission; staff see it. (Producers list and ship their own parts through the
producer workspace API, which calls orders.services.producer_order_fulfill.)"""

from __future__ import annotations

import pytest

from backend.checkout import services
from backend.payments.services import payment_create_for_checkout
from tests.checkout.factories import ready_checkout, sellable_variant
from tests.factories import ProducerFactory, ProducerMemberFactory, UserFactory
from tests.graphql.conftest import gql  # noqa: F401

pytestmark = pytest.mark.django_db

ORDER = """query($t: UUID!) { orderByToken(token: $t) {
  status producerOrders {
    producerName status subtotal { amount } shippingPrice { amount }
    commissionRate commission { amount } payout { amount }
    lines { productSku quantity } shippingAddress { communeCode }
  } } }"""


@pytest.fixture
def two_producer_order():
    p1, p2 = ProducerFactory(), ProducerFactory()
    shopper = UserFactory()
    v1, v2 = sellable_variant(producer=p1), sellable_variant(producer=p2)
    info = ready_checkout([(v1, 1), (v2, 2)], user=shopper)
    payment_create_for_checkout(
        token=info.checkout.token, user=shopper, gateway_id="ocop.payments.demo", amount=info.total
    )
    order = services.checkout_complete(token=info.checkout.token, user=shopper)
    return order, p1, p2, shopper


def test_the_shopper_sees_each_producers_part_without_commission(gql, two_producer_order):  # noqa: F811
    order, p1, p2, shopper = two_producer_order
    result = gql(ORDER, {"t": str(order.token)}, user=shopper)
    assert not result.errors, result.errors
    parts = {p["producerName"]: p for p in result.data["orderByToken"]["producerOrders"]}
    assert set(parts) == {p1.name, p2.name}
    assert [line["quantity"] for line in parts[p2.name]["lines"]] == [2]
    assert parts[p1.name]["shippingAddress"]["communeCode"] == "00004"
    for part in parts.values():
        assert part["commissionRate"] is None
        assert part["commission"] is None and part["payout"] is None


def test_staff_see_commission_and_payout(gql, two_producer_order):  # noqa: F811
    order, p1, _, _ = two_producer_order
    staff = UserFactory(is_staff=True)
    parts = gql(ORDER, {"t": str(order.token)}, user=staff).data["orderByToken"]["producerOrders"]
    part = next(p for p in parts if p["producerName"] == p1.name)
    assert part["commissionRate"] == 0.08
    expected = order.producer_orders.get(producer=p1)
    assert part["commission"]["amount"] == float(expected.commission_amount)
    assert part["payout"]["amount"] == float(expected.payout_amount)


def test_strangers_and_other_producers_do_not_see_the_order(gql, two_producer_order):  # noqa: F811
    order, p1, _, _ = two_producer_order
    member = ProducerMemberFactory(producer=p1).user
    for user in (None, UserFactory(), member):
        assert gql(ORDER, {"t": str(order.token)}, user=user).data["orderByToken"] is None

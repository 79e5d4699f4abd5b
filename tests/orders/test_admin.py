from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from backend.checkout import services
from backend.orders.models import OrderStatus, PayoutEntry, PayoutEntryKind
from backend.orders.selectors import producer_balance
from backend.payments.models import PaymentStatus, Refund
from backend.payments.services import payment_create_for_checkout
from tests.checkout.factories import ready_checkout, sellable_variant
from tests.factories import ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


@pytest.fixture
def paid_order():
    producer = ProducerFactory()
    info = ready_checkout([(sellable_variant(producer=producer, price=200_000), 1)])
    payment = payment_create_for_checkout(
        token=info.checkout.token, user=None, gateway_id="ocop.payments.demo", amount=info.total
    )
    order = services.checkout_complete(token=info.checkout.token, user=None)
    payment.refresh_from_db()
    return order, payment, producer


def test_staff_see_orders_and_their_parts(staff_client, paid_order):
    order, _, producer = paid_order
    listing = staff_client.get(reverse("admin:orders_order_changelist"))
    assert listing.status_code == 200 and order.number in listing.content.decode()
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert page.status_code == 200 and producer.name in page.content.decode()


def test_partial_refund_from_the_admin(staff_client, paid_order):
    _, payment, _ = paid_order
    url = reverse("admin:payments_refund_add")
    response = staff_client.post(
        url, {"payment": payment.pk, "amount": "50000", "reason": "one jar broken"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded_amount == Decimal(50_000)
    assert Refund.objects.get().reason == "one jar broken"
    # More than what is left is refused with a form error, nothing changes.
    too_much = staff_client.post(url, {"payment": payment.pk, "amount": str(payment.amount)})
    assert too_much.status_code == 200 and "Refund between" in too_much.content.decode()
    assert Refund.objects.count() == 1


def test_full_refund_action(staff_client, paid_order):
    order, payment, _ = paid_order
    staff_client.post(
        reverse("admin:payments_payment_changelist"),
        {"action": "refund_in_full", "_selected_action": [payment.pk]},
    )
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert order.status == OrderStatus.REFUNDED


def test_cancel_action_and_payout(staff_client, paid_order):
    order, _, producer = paid_order
    staff_client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "cancel_orders", "_selected_action": [order.pk]},
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    response = staff_client.post(
        reverse("admin:orders_payoutentry_add"),
        {"producer": producer.pk, "amount": "10000", "note": "bank transfer"},
    )
    assert response.status_code == 302
    entry = PayoutEntry.objects.get(kind=PayoutEntryKind.PAID_OUT)
    assert entry.amount == Decimal(-10_000)
    assert producer_balance(producer_id=producer.pk) == Decimal(-10_000)

"""Stripe PaymentIntents against localstripe: happy path, decline, zero-decimal amounts,
webhook signatures and replays, and the crash-then-webhook reconciliation."""

from __future__ import annotations

import json
from decimal import Decimal
from unittest import mock

import pytest
import stripe

from backend.catalogue.models import ProductVariant
from backend.checkout import services
from backend.checkout.error_codes import CheckoutErrorCode
from backend.checkout.models import Checkout
from backend.core.errors import ServiceError
from backend.orders.models import Order, OrderStatus
from backend.payments.gateways import from_minor_units, to_minor_units
from backend.payments.gateways.stripe import stripe_client
from backend.payments.models import Payment, PaymentStatus, StripeEvent
from backend.payments.services import payment_create_for_checkout, payment_refund
from tests.checkout.factories import ready_checkout, sellable_variant
from tests.factories import UserFactory
from tests.graphql.conftest import gql  # noqa: F401

pytestmark = pytest.mark.django_db

STRIPE = "ocop.payments.stripe"
WEBHOOK_URL = "/payments/stripe/webhook/"
DECLINED_CARD = "4000000000000341"  # attaches, then the charge is declined


def pay(info, pm):
    return payment_create_for_checkout(
        token=info.checkout.token,
        user=None,
        gateway_id=STRIPE,
        customer_token=pm,
        amount=info.total,
    )


def intent(payment):
    return stripe_client().v1.payment_intents.retrieve(payment.psp_reference)


def deliver(client, body, signature):
    return client.post(
        WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (Decimal("150000"), "VND", 150000),
        (Decimal("1200"), "JPY", 1200),
        (Decimal("12.34"), "USD", 1234),
        (Decimal("9.90"), "EUR", 990),
    ],
)
def test_zero_decimal_currencies(amount, currency, minor):
    assert to_minor_units(amount, currency) == minor
    assert from_minor_units(minor, currency) == amount


def test_card_payment_happy_path(card):
    variant = sellable_variant(price=250_000)
    info = ready_checkout([(variant, 2)])
    payment = pay(info, card())
    assert payment.psp_reference.startswith("pi_")
    assert payment.client_secret
    pi = intent(payment)
    assert pi["amount"] == int(info.total)  # VND is zero-decimal: no * 100
    assert pi["currency"] == "vnd"
    assert pi["metadata"]["checkout_token"] == str(info.checkout.token)
    order = services.checkout_complete(token=info.checkout.token, user=None)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CHARGED and payment.order == order
    assert intent(payment)["status"] == "succeeded"
    # Retrying after a timeout gives the same order and does not charge again.
    assert services.checkout_complete(token=info.checkout.token, user=None) == order
    charges = stripe_client().v1.charges.list(params={"limit": 100})
    assert [c for c in charges["data"] if c["payment_intent"] == payment.psp_reference] != []
    assert len([c for c in charges["data"] if c["payment_intent"] == payment.psp_reference]) == 1


def test_declined_card_keeps_checkout_and_releases_stock(card):
    variant = sellable_variant(quantity=3)
    info = ready_checkout([(variant, 3)])
    pay(info, card(DECLINED_CARD))
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_complete(token=info.checkout.token, user=None)
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.PAYMENT_DECLINED]
    assert "declined" in excinfo.value.errors[0].message
    variant.refresh_from_db()
    assert variant.quantity_allocated == 0
    assert Checkout.objects.filter(token=info.checkout.token).exists()
    assert not Order.objects.exists()
    # A good card afterwards works.
    pay(info, card())
    assert services.checkout_complete(token=info.checkout.token, user=None).lines.count() == 1


def test_admin_refunds_partial_and_full_at_stripe(card):
    info = ready_checkout([(sellable_variant(price=300_000), 1)])
    payment = pay(info, card())
    order = services.checkout_complete(token=info.checkout.token, user=None)
    staff = UserFactory(is_staff=True)
    payment_refund(payment=payment, amount=Decimal(100_000), user=staff, reason="broken box")
    payment_refund(payment=payment, amount=payment.amount - Decimal(100_000), user=staff)
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": payment.psp_reference})
    assert sorted(r["amount"] for r in refunds["data"]) == sorted(
        [100_000, int(payment.amount) - 100_000]
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED


def test_webhook_rejects_bad_signatures(client, stripe_on):
    body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}})
    assert deliver(client, body, "t=1,v1=deadbeef").status_code == 400
    assert deliver(client, body, "").status_code == 400
    assert not StripeEvent.objects.exists()


def test_crash_after_charge_then_webhook_creates_the_order(client, card, webhook_inbox):
    variant = sellable_variant(quantity=5)
    info = ready_checkout([(variant, 2)])
    payment = pay(info, card())
    with (
        mock.patch(
            "backend.orders.services.order_create_from_checkout",
            side_effect=SystemExit("the process died"),
        ),
        pytest.raises(SystemExit),
    ):
        services.checkout_complete(token=info.checkout.token, user=None)
    assert not Order.objects.exists()
    assert intent(payment)["status"] == "succeeded"  # the money was taken
    body, signature = webhook_inbox.wait_for("payment_intent.succeeded", payment.psp_reference)
    response = deliver(client, body, signature)
    assert response.status_code == 200, response.content
    assert response.json()["outcome"].startswith("order ")
    order = Order.objects.get()
    assert order.checkout_token == info.checkout.token
    payment.refresh_from_db()
    assert payment.order == order and payment.status == PaymentStatus.CHARGED
    variant.refresh_from_db()
    assert variant.quantity_allocated == 2
    # Replaying the same event changes nothing.
    again = deliver(client, body, signature)
    assert again.json()["outcome"] == "duplicate"
    assert Order.objects.count() == 1
    assert StripeEvent.objects.count() == 1
    # The shopper's retry returns the order the webhook made.
    assert services.checkout_complete(token=info.checkout.token, user=None) == order


def test_crash_then_webhook_refunds_when_the_order_cannot_be_made(client, card, webhook_inbox):
    variant = sellable_variant(quantity=2)
    info = ready_checkout([(variant, 2)])
    payment = pay(info, card())
    with (
        mock.patch(
            "backend.orders.services.order_create_from_checkout",
            side_effect=SystemExit("the process died"),
        ),
        pytest.raises(SystemExit),
    ):
        services.checkout_complete(token=info.checkout.token, user=None)
    # Meanwhile the hold was released and the stock sold elsewhere.
    services.reservations_release(checkout_token=info.checkout.token)
    ProductVariant.objects.filter(pk=variant.pk).update(quantity=0)
    body, signature = webhook_inbox.wait_for("payment_intent.succeeded", payment.psp_reference)
    response = deliver(client, body, signature)
    assert response.json()["outcome"] == "refunded: order could not be placed"
    assert not Order.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": payment.psp_reference})
    assert [r["amount"] for r in refunds["data"]] == [int(payment.amount)]


def test_failed_payment_webhook_releases_the_hold(client, card, webhook_inbox):
    variant = sellable_variant(quantity=3)
    info = ready_checkout([(variant, 1)])
    payment = pay(info, card(DECLINED_CARD))
    with pytest.raises(stripe.CardError):
        stripe_client().v1.payment_intents.confirm(payment.psp_reference)  # e.g. by Stripe.js
    body, signature = webhook_inbox.wait_for("payment_intent.payment_failed", payment.psp_reference)
    assert deliver(client, body, signature).json()["outcome"] == "declined"
    variant.refresh_from_db()
    assert variant.quantity_allocated == 0
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DECLINED
    assert Payment.objects.filter(is_active=True).count() == 0


THREE_D_SECURE_CARD = "4000002500003155"
COMPLETE = """mutation($id: ID!) { checkoutComplete(id: $id) {
  order { number } confirmationNeeded confirmationData errors { code } } }"""


def authenticate(localstripe_url, payment, client_secret, success):
    import requests

    response = requests.post(
        f"{localstripe_url}/v1/payment_intents/{payment.psp_reference}/_authenticate",
        data={"client_secret": client_secret, "success": "true" if success else "false"},
        headers={"Authorization": "Bearer sk_test_ocop"},
        timeout=5,
    )
    response.raise_for_status()


@pytest.mark.parametrize("success", [True, False])
def test_three_d_secure_needs_confirmation_then_completes(gql, card, stripe_on, success):  # noqa: F811
    from graphql_relay import to_global_id

    variant = sellable_variant(quantity=4)
    info = ready_checkout([(variant, 2)])
    payment = pay(info, card(THREE_D_SECURE_CARD))
    cid = to_global_id("Checkout", info.checkout.token)
    first = gql(COMPLETE, {"id": cid}).data["checkoutComplete"]
    assert first["order"] is None and first["confirmationNeeded"] is True
    assert first["errors"] == []
    secret = json.loads(first["confirmationData"])["client_secret"]
    assert secret == payment.client_secret
    variant.refresh_from_db()
    assert variant.quantity_allocated == 2  # still held while the shopper confirms
    authenticate(stripe_on, payment, secret, success)
    second = gql(COMPLETE, {"id": cid}).data["checkoutComplete"]
    variant.refresh_from_db()
    if success:
        assert second["errors"] == [] and second["order"]["number"]
        assert variant.quantity_allocated == 2
    else:
        assert [e["code"] for e in second["errors"]] == ["PAYMENT_DECLINED"]
        assert variant.quantity_allocated == 0
        assert Checkout.objects.filter(token=info.checkout.token).exists()


def _signed(payload: dict, secret: str) -> tuple[str, str]:
    import hashlib
    import hmac
    import time

    body = json.dumps(payload)
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return body, f"t={stamp},v1={mac}"


def test_webhook_ignores_other_events_and_unknown_payments(client, stripe_on):
    from tests.payments.conftest import WEBHOOK_SECRET

    other = {
        "id": "evt_other",
        "type": "customer.created",
        "object": "event",
        "data": {"object": {"id": "cus_1", "object": "customer"}},
    }
    body, signature = _signed(other, WEBHOOK_SECRET)
    assert deliver(client, body, signature).json()["outcome"] == "ignored"
    unknown = {
        "id": "evt_unknown",
        "type": "payment_intent.succeeded",
        "object": "event",
        "data": {
            "object": {
                "id": "pi_not_ours",
                "object": "payment_intent",
                "amount": 1000,
                "metadata": {},
            }
        },
    }
    body, signature = _signed(unknown, WEBHOOK_SECRET)
    assert deliver(client, body, signature).json()["outcome"] == "unknown payment"
    # A valid signature with another secret is refused.
    body, signature = _signed(unknown | {"id": "evt_forged"}, "whsec_someone_else")
    assert deliver(client, body, signature).status_code == 400
    assert set(StripeEvent.objects.values_list("event_id", flat=True)) == {
        "evt_other",
        "evt_unknown",
    }


def test_stripe_unreachable_loses_nothing(card, settings):
    from backend.checkout.models import StockReservation

    variant = sellable_variant(quantity=3)
    info = ready_checkout([(variant, 1)])
    payment = pay(info, card())  # created while Stripe answers
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # then Stripe is gone
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_complete(token=info.checkout.token, user=None)
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.PAYMENT_ERROR]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.is_active  # retry later
    assert StockReservation.objects.filter(checkout_id=info.checkout.token).exists()
    assert not Order.objects.exists()
    # Creating a new payment while Stripe is down fails cleanly and releases the hold.
    with pytest.raises(ServiceError) as excinfo:
        pay(info, "pm_whatever")
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.PAYMENT_ERROR]
    variant.refresh_from_db()
    assert variant.quantity_allocated == 0
    assert Checkout.objects.filter(token=info.checkout.token).exists()


def test_refund_made_in_the_stripe_dashboard_is_booked_once(client, card):
    from tests.payments.conftest import WEBHOOK_SECRET

    info = ready_checkout([(sellable_variant(price=300_000), 1)])
    payment = pay(info, card())
    order = services.checkout_complete(token=info.checkout.token, user=None)
    # Staff refund 100,000 from the dashboard, outside the shop.
    refund = stripe_client().v1.refunds.create(
        params={"payment_intent": payment.psp_reference, "amount": 100_000}
    )
    latest = intent(payment)["latest_charge"]
    charge_id = latest if isinstance(latest, str) else latest["id"]
    charge = stripe_client().v1.charges.retrieve(charge_id).to_dict()
    charge["amount_refunded"] = 100_000  # localstripe does not track it: Stripe does
    charge["refunds"] = {"data": [{"id": refund["id"]}]}
    event = {
        "id": "evt_refund_1",
        "type": "charge.refunded",
        "object": "event",
        "data": {"object": charge},
    }
    body, signature = _signed(event, WEBHOOK_SECRET)
    assert deliver(client, body, signature).json()["outcome"] == "refund of 100000.00 booked"
    payment.refresh_from_db()
    assert payment.refunded_amount == 100_000
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunds.get().psp_reference == refund["id"]
    # The same amount reported again (another event) books nothing more.
    body, signature = _signed(event | {"id": "evt_refund_2"}, WEBHOOK_SECRET)
    assert deliver(client, body, signature).json()["outcome"] == "refund already booked"
    # Our own refund of the rest, then its webhook: booked once, by us.
    payment_refund(payment=payment, amount=payment.amount - 100_000, user=None)
    charge["amount_refunded"] = int(payment.amount)
    body, signature = _signed(
        {**event, "id": "evt_refund_3", "data": {"object": charge}}, WEBHOOK_SECRET
    )
    assert deliver(client, body, signature).json()["outcome"] == "refund already booked"
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.refunded_amount == payment.amount and payment.refunds.count() == 2
    assert order.status == OrderStatus.REFUNDED

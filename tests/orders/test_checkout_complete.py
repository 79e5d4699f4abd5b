from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from backend.catalogue.models import ProductVariant
from backend.checkout import services
from backend.checkout.error_codes import CheckoutErrorCode
from backend.checkout.models import Checkout, StockReservation
from backend.core.errors import ServiceError
from backend.orders.models import (
    MarketplaceSettings,
    Order,
    OrderStatus,
    PayoutEntry,
    PayoutEntryKind,
    ProducerOrderStatus,
)
from backend.orders.selectors import producer_balance
from backend.orders.services import order_cancel, payout_record, producer_order_fulfill
from backend.payments.models import CashOnDeliverySettings, Payment, PaymentStatus
from backend.payments.services import (
    payment_create_for_checkout,
    payment_mark_collected,
    payment_refund,
)
from tests.checkout.factories import ready_checkout, sellable_variant, us_address
from tests.factories import ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO = "ocop.payments.demo"
COD = "ocop.payments.cod"


def pay(info, gateway=DEMO, token="", user=None):
    return payment_create_for_checkout(
        token=info.checkout.token,
        user=user,
        gateway_id=gateway,
        customer_token=token,
        amount=info.total,
    )


def complete(info, user=None):
    return services.checkout_complete(token=info.checkout.token, user=user)


def test_demo_gateway_happy_path_makes_an_order_and_sends_the_email(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(language_code="en")
    variant = sellable_variant(quantity=10, price=120_000)
    info = ready_checkout([(variant, 2)], user=user, language_code="en")
    payment = pay(info, user=user)
    variant.refresh_from_db()
    assert variant.quantity_allocated == 2  # held while paying
    with django_capture_on_commit_callbacks(execute=True):
        order = complete(info, user=user)
    assert order.number and order.status == OrderStatus.UNFULFILLED
    assert order.user == user and order.total_amount == info.total
    line = order.lines.get()
    assert (line.sku, line.quantity, line.unit_price_amount) == (variant.sku, 2, Decimal(120_000))
    assert line.product_name_vi == variant.product.name_vi
    payment.refresh_from_db()
    assert payment.order == order and payment.status == PaymentStatus.CHARGED
    assert not Checkout.objects.filter(token=info.checkout.token).exists()
    assert not StockReservation.objects.exists()
    variant.refresh_from_db()
    assert (variant.quantity, variant.quantity_allocated) == (10, 2)  # allocated to the order
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"OCOP Market: we received your order {order.number}"
    assert "Thank you" in mail.outbox[0].body and "240,000" in mail.outbox[0].body
    order.refresh_from_db()
    assert order.confirmation_sent_at is not None


def test_confirmation_in_vietnamese(django_capture_on_commit_callbacks):
    info = ready_checkout([(sellable_variant(), 1)], language_code="vi")
    pay(info)
    with django_capture_on_commit_callbacks(execute=True):
        order = complete(info)
    assert mail.outbox[0].subject == f"OCOP Market: đã nhận đơn hàng {order.number}"
    assert "Cảm ơn" in mail.outbox[0].body


def test_multi_producer_split_commission_and_ledger():
    MarketplaceSettings.objects.filter(pk=1).update(default_commission_rate=Decimal("0.10"))
    cheap = ProducerFactory(commission_rate=Decimal("0.05"))
    usual = ProducerFactory()
    v1 = sellable_variant(producer=cheap, price=100_000)
    v2 = sellable_variant(producer=usual, price=200_000)
    v3 = sellable_variant(producer=usual, price=50_000)
    info = ready_checkout([(v1, 1), (v2, 2), (v3, 1)])
    pay(info)
    order = complete(info)
    parts = {p.producer_id: p for p in order.producer_orders.all()}
    assert set(parts) == {cheap.pk, usual.pk}
    assert parts[cheap.pk].subtotal_amount == Decimal(100_000)
    assert parts[cheap.pk].commission_rate == Decimal("0.05")
    assert parts[cheap.pk].commission_amount == Decimal(5_000)
    assert parts[usual.pk].subtotal_amount == Decimal(450_000)
    assert parts[usual.pk].commission_amount == Decimal(45_000)
    shipping = info.delivery_method.parcels[0].price
    assert parts[usual.pk].shipping_amount == shipping
    assert sum(p.subtotal_amount + p.shipping_amount for p in parts.values()) == order.total_amount
    assert {line.producer_order.producer_id for line in order.lines.all()} == {cheap.pk, usual.pk}
    assert producer_balance(producer_id=usual.pk) == Decimal(450_000) + shipping - 45_000
    kinds = set(PayoutEntry.objects.filter(producer=usual).values_list("kind", flat=True))
    assert kinds == {PayoutEntryKind.EARNED, PayoutEntryKind.COMMISSION}
    staff = UserFactory(is_staff=True)
    payout_record(producer_id=usual.pk, amount=Decimal(100_000), user=staff)
    assert producer_balance(producer_id=usual.pk) == Decimal(350_000) + shipping - 45_000


def test_retry_returns_the_same_order_and_charges_once():
    info = ready_checkout([(sellable_variant(), 1)])
    pay(info)
    first = complete(info)
    second = complete(info)
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert Payment.objects.filter(status=PaymentStatus.CHARGED).count() == 1


def test_declined_card_keeps_the_checkout_and_releases_the_reservation():
    variant = sellable_variant(quantity=4)
    info = ready_checkout([(variant, 3)])
    pay(info, token="declined")
    variant.refresh_from_db()
    assert variant.quantity_allocated == 3
    with pytest.raises(ServiceError) as excinfo:
        complete(info)
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.PAYMENT_DECLINED]
    assert Checkout.objects.filter(token=info.checkout.token).exists()
    assert info.checkout.lines.count() == 1
    variant.refresh_from_db()
    assert variant.quantity_allocated == 0
    assert not Order.objects.exists()
    # The shopper tries another card: it works.
    pay(info, token="ok")
    assert complete(info).lines.count() == 1


def test_cash_on_delivery_in_vietnam_up_to_the_limit():
    info = ready_checkout([(sellable_variant(price=100_000), 1)])
    payment = pay(info, gateway=COD)
    order = complete(info)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.NOT_CHARGED and payment.order == order
    assert order.status == OrderStatus.UNFULFILLED
    with pytest.raises(ServiceError):  # nothing collected yet: nothing to refund
        payment_refund(payment=payment, amount=Decimal(1), user=None)
    payment_mark_collected(payment=payment, user=None)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CHARGED and payment.captured_amount == payment.amount

    CashOnDeliverySettings.objects.filter(pk=1).update(max_amount=Decimal(50_000))
    info = ready_checkout([(sellable_variant(price=100_000), 1)])
    with pytest.raises(ServiceError) as excinfo:
        pay(info, gateway=COD)
    assert [e.code for e in excinfo.value.errors] == [
        CheckoutErrorCode.PAYMENT_GATEWAY_NOT_AVAILABLE
    ]


def test_cash_on_delivery_not_abroad(settings):
    settings.CHECKOUT_DELIVERY_PROVIDERS = [
        "tests.checkout.test_checkout_services.FixedProvider",
    ]
    variant = sellable_variant()
    info = services.checkout_create(
        user=None,
        lines=[services.LineInput(variant.pk, 1)],
        email="a@example.com",
        shipping_address=us_address(),
    )
    info = services.checkout_delivery_method_update(
        token=info.checkout.token, user=None, delivery_method_id="intl-test:1"
    )
    with pytest.raises(ServiceError) as excinfo:
        pay(info, gateway=COD)
    assert [e.code for e in excinfo.value.errors] == [
        CheckoutErrorCode.PAYMENT_GATEWAY_NOT_AVAILABLE
    ]
    pay(info)  # the demo gateway works abroad
    assert complete(info).shipping_address.country_code == "US"


def test_amount_mismatch_and_missing_data():
    variant = sellable_variant()
    info = services.checkout_create(user=None, lines=[services.LineInput(variant.pk, 1)])
    with pytest.raises(ServiceError) as excinfo:
        pay(info)
    assert {e.code for e in excinfo.value.errors} == {
        CheckoutErrorCode.EMAIL_NOT_SET,
        CheckoutErrorCode.SHIPPING_ADDRESS_NOT_SET,
    }
    info = ready_checkout([(variant, 1)])
    with pytest.raises(ServiceError) as excinfo:
        payment_create_for_checkout(
            token=info.checkout.token, user=None, gateway_id=DEMO, amount=Decimal(1)
        )
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.PAYMENT_AMOUNT_MISMATCH]
    with pytest.raises(ServiceError) as excinfo:
        complete(info)
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.PAYMENT_NOT_SET]
    # The price changes after paying: the old payment no longer covers the checkout.
    pay(info)
    ProductVariant.objects.filter(pk=variant.pk).update(price_amount=Decimal(1_000_000))
    with pytest.raises(ServiceError) as excinfo:
        complete(info)
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.PAYMENT_AMOUNT_MISMATCH]


def test_fulfil_parts_then_order_is_fulfilled():
    p1, p2 = ProducerFactory(), ProducerFactory()
    v1 = sellable_variant(producer=p1, quantity=5)
    v2 = sellable_variant(producer=p2, quantity=5)
    info = ready_checkout([(v1, 2), (v2, 1)])
    pay(info)
    order = complete(info)
    part1 = order.producer_orders.get(producer=p1)
    producer_order_fulfill(producer_order=part1, user=None, tracking_number="GHN123")
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_FULFILLED
    v1.refresh_from_db()
    assert (v1.quantity, v1.quantity_allocated) == (3, 0)
    with pytest.raises(ServiceError):
        producer_order_fulfill(producer_order=part1, user=None)
    producer_order_fulfill(producer_order=order.producer_orders.get(producer=p2), user=None)
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    assert order.producer_orders.filter(status=ProducerOrderStatus.FULFILLED).count() == 2


def test_cancel_releases_stock_refunds_and_reverses_ledger():
    producer = ProducerFactory()
    variant = sellable_variant(producer=producer, quantity=5)
    info = ready_checkout([(variant, 2)])
    payment = pay(info)
    order = complete(info)
    order_cancel(order=order, user=UserFactory(is_staff=True))
    order.refresh_from_db()
    variant.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert variant.quantity_allocated == 0
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_amount == payment.amount
    assert producer_balance(producer_id=producer.pk) == 0
    with pytest.raises(ServiceError):
        order_cancel(order=order, user=None)


def test_partial_then_full_refund():
    p1, p2 = ProducerFactory(), ProducerFactory()
    info = ready_checkout(
        [
            (sellable_variant(producer=p1, price=100_000), 1),
            (sellable_variant(producer=p2, price=300_000), 1),
        ]
    )
    payment = pay(info)
    order = complete(info)
    staff = UserFactory(is_staff=True)
    before = producer_balance(producer_id=p1.pk) + producer_balance(producer_id=p2.pk)
    payment_refund(payment=payment, amount=Decimal(100_000), user=staff, reason="damaged jar")
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded_amount == Decimal(100_000)
    assert order.status == OrderStatus.UNFULFILLED
    after = producer_balance(producer_id=p1.pk) + producer_balance(producer_id=p2.pk)
    refunds = PayoutEntry.objects.filter(kind=PayoutEntryKind.REFUND)
    assert sum(e.amount for e in refunds) == Decimal(-100_000)
    assert before - after < Decimal(100_000)  # commission given back in proportion
    with pytest.raises(ServiceError):
        payment_refund(payment=payment, amount=payment.amount, user=staff)
    payment_refund(payment=payment, amount=payment.amount - Decimal(100_000), user=staff)
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert order.status == OrderStatus.REFUNDED
    assert payment.refunds.count() == 2


def test_deleted_checkout_cannot_be_completed():
    info = ready_checkout([(sellable_variant(), 1)])
    services.checkout_delete(token=info.checkout.token, user=None)
    with pytest.raises(ServiceError) as excinfo:
        complete(info)
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.CHECKOUT_NOT_FOUND]


def test_someone_else_cannot_complete_or_read_a_shoppers_order():
    owner, other = UserFactory(), UserFactory()
    info = ready_checkout([(sellable_variant(), 1)], user=owner)
    pay(info, user=owner)
    complete(info, user=owner)
    with pytest.raises(ServiceError) as excinfo:
        complete(info, user=other)
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.CHECKOUT_NOT_FOUND]


def test_stock_gone_after_the_charge_is_refunded_and_checkout_kept(monkeypatch):
    """The hold lapses while the gateway charges and another shopper buys the last units:
    no order, the charge goes back, the checkout stays."""
    from backend.payments import services as payment_services

    variant = sellable_variant(quantity=2)
    info = ready_checkout([(variant, 2)])
    payment = pay(info)
    real_process = payment_services.payment_process

    def charge_while_stock_vanishes(*, payment):
        charged = real_process(payment=payment)
        services.reservations_release(checkout_token=info.checkout.token)
        ProductVariant.objects.filter(pk=variant.pk).update(quantity_allocated=2)  # sold
        return charged

    monkeypatch.setattr(payment_services, "payment_process", charge_while_stock_vanishes)
    with pytest.raises(ServiceError) as excinfo:
        complete(info)
    assert [e.code for e in excinfo.value.errors] == [CheckoutErrorCode.INSUFFICIENT_STOCK]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == payment.amount
    assert not Order.objects.exists()
    assert Checkout.objects.filter(token=info.checkout.token).exists()

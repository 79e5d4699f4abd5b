"""Writes of payments: create for a checkout, process, refund, and the Stripe webhook's
reconciliation."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from backend.checkout.error_codes import CheckoutErrorCode
from backend.checkout.messages import t
from backend.core.errors import ServiceError

from .error_codes import PaymentErrorCode
from .gateways import GatewayError, from_minor_units, get_gateway
from .models import Payment, PaymentStatus, Refund, StripeEvent

logger = logging.getLogger(__name__)

PAID_STATUSES = (PaymentStatus.CHARGED, PaymentStatus.PARTIALLY_REFUNDED)


def payment_active_for_checkout(*, checkout_token: uuid.UUID) -> Payment | None:
    return (
        Payment.objects.filter(checkout_token=checkout_token, is_active=True)
        .order_by("-pk")
        .first()
    )


def payment_create_for_checkout(
    *,
    token: uuid.UUID,
    user: Any,
    gateway_id: str,
    customer_token: str = "",
    amount: Decimal | None,
) -> Payment:
    """checkoutPaymentCreate: check the checkout is ready, hold its stock, and open a payment
    at the gateway for exactly its total. A previous payment of the checkout is canceled."""
    from backend.checkout.fetch import fetch_checkout_info
    from backend.checkout.selectors import checkout_get
    from backend.checkout.services import (
        reservations_release,
        stock_reserve,
        validate_for_payment,
    )

    checkout = checkout_get(token=token, user=user)
    info = fetch_checkout_info(checkout)
    validate_for_payment(info)
    gateway = get_gateway(gateway_id)
    if gateway is None or not gateway.is_available(info, info.total):
        raise ServiceError.single(
            CheckoutErrorCode.PAYMENT_GATEWAY_NOT_AVAILABLE,
            t(
                "Phương thức thanh toán này không áp dụng cho giỏ hàng.",
                "This payment method is not available for this checkout.",
            ),
            "gateway",
        )
    total = info.total
    if amount is not None and Decimal(amount) != total:
        raise ServiceError.single(
            CheckoutErrorCode.PAYMENT_AMOUNT_MISMATCH,
            t(
                f"Số tiền phải bằng tổng giỏ hàng, {total} {info.currency}.",
                f"The amount must be the checkout's total, {total} {info.currency}.",
            ),
            "amount",
        )
    stock_reserve(checkout_info=info)
    for old in Payment.objects.filter(checkout_token=token, is_active=True):
        if old.status in PAID_STATUSES:
            payment_void_or_refund(payment=old, reason="replaced by a new payment")
        else:
            gateway_of(old).cancel(old)
            Payment.objects.filter(pk=old.pk).update(
                is_active=False, status=PaymentStatus.CANCELED, updated_at=timezone.now()
            )
    payment = Payment.objects.create(
        gateway=gateway.id,
        checkout_token=token,
        amount=total,
        currency=info.currency,
        customer_token=(customer_token or "")[:255],
    )
    try:
        result = gateway.create(payment)
    except GatewayError as error:
        Payment.objects.filter(pk=payment.pk).update(is_active=False, error=str(error)[:255])
        reservations_release(checkout_token=token)  # nothing to pay with: the hold goes
        raise ServiceError.single(CheckoutErrorCode.PAYMENT_ERROR, str(error), "gateway") from error
    payment.psp_reference = result.psp_reference
    payment.client_secret = result.client_secret
    payment.status = (
        result.status if result.status != PaymentStatus.DECLINED else PaymentStatus.PENDING
    )
    payment.save(update_fields=["psp_reference", "client_secret", "status", "updated_at"])
    return payment


def gateway_of(payment: Payment) -> Any:
    from .gateways import all_gateways

    for gateway in all_gateways():
        if gateway.id == payment.gateway:
            return gateway
    raise ServiceError.single(
        PaymentErrorCode.GATEWAY_NOT_AVAILABLE, f"Gateway {payment.gateway} is not configured."
    )


def payment_process(*, payment: Payment) -> Payment:
    """Charge (or, for cash on delivery, accept) the payment. Repeating it is harmless: a
    charged payment stays charged and the gateway is asked, not told, about it."""
    if payment.status in (PaymentStatus.CHARGED, PaymentStatus.NOT_CHARGED):
        return payment
    gateway = gateway_of(payment)
    try:
        result = gateway.process(payment)
    except GatewayError as error:
        Payment.objects.filter(pk=payment.pk).update(error=str(error)[:255])
        payment.error = str(error)[:255]
        return payment
    updates: dict[str, Any] = {"status": result.status, "error": result.error[:255]}
    if result.status == PaymentStatus.CHARGED:
        updates["captured_amount"] = payment.amount
    if result.status == PaymentStatus.DECLINED:
        updates["is_active"] = False
    if result.psp_reference and not payment.psp_reference:
        updates["psp_reference"] = result.psp_reference
    Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now(), **updates)
    for key, value in updates.items():
        setattr(payment, key, value)
    return payment


def payment_void_or_refund(
    *, payment: Payment, reason: str, user: Any = None, record_in_ledger: bool = True
) -> Payment:
    """Give the money back: refund what was captured, cancel what was not."""
    payment.refresh_from_db()
    refundable = payment.captured_amount - payment.refunded_amount
    if refundable > 0:
        return payment_refund(
            payment=payment,
            amount=refundable,
            user=user,
            reason=reason,
            record_in_ledger=record_in_ledger,
        )
    if payment.status not in (PaymentStatus.REFUNDED, PaymentStatus.CANCELED):
        try:
            gateway_of(payment).cancel(payment)
        except GatewayError:
            logger.warning("could not cancel payment %s at the gateway", payment.pk)
        Payment.objects.filter(pk=payment.pk).update(
            is_active=False, status=PaymentStatus.CANCELED, updated_at=timezone.now()
        )
        payment.status = PaymentStatus.CANCELED
        payment.is_active = False
    return payment


@transaction.atomic
def payment_mark_collected(*, payment: Payment, user: Any) -> Payment:
    """Cash on delivery: the courier handed over the money; it becomes refundable."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.NOT_CHARGED:
        raise ServiceError.single(
            PaymentErrorCode.INVALID, "Only cash-on-delivery payments waiting for cash."
        )
    payment.status = PaymentStatus.CHARGED
    payment.captured_amount = payment.amount
    payment.save(update_fields=["status", "captured_amount", "updated_at"])
    return payment


@transaction.atomic
def payment_refund(
    *,
    payment: Payment,
    amount: Decimal,
    user: Any,
    reason: str = "",
    record_in_ledger: bool = True,
) -> Payment:
    """Refund `amount` (full or partial) of a captured payment, at the gateway first. The
    order becomes REFUNDED when everything was given back; the producers' ledger records
    their share."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    amount = Decimal(amount)
    refundable = payment.captured_amount - payment.refunded_amount
    if amount <= 0:
        raise ServiceError.single(PaymentErrorCode.INVALID, "Refund a positive amount.", "amount")
    if amount > refundable:
        raise ServiceError.single(
            PaymentErrorCode.REFUND_TOO_LARGE,
            f"At most {refundable} {payment.currency} can be refunded.",
            "amount",
        )
    try:
        result = gateway_of(payment).refund(payment, amount)
    except GatewayError as error:
        raise ServiceError.single(PaymentErrorCode.GATEWAY_ERROR, str(error)) from error
    return _record_refund(
        payment=payment,
        amount=amount,
        psp_reference=result.psp_reference or "",
        user=user,
        reason=reason,
        record_in_ledger=record_in_ledger,
    )


def _record_refund(
    *,
    payment: Payment,
    amount: Decimal,
    psp_reference: str,
    user: Any,
    reason: str,
    record_in_ledger: bool = True,
) -> Payment:
    """Book a refund made at the gateway (the caller holds the payment's row lock)."""
    from backend.orders.services import order_mark_refunded, order_record_refund

    Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason[:200],
        psp_reference=psp_reference,
        created_by=user if getattr(user, "pk", None) else None,
    )
    full = payment.refunded_amount + amount >= payment.captured_amount
    payment.refunded_amount = F("refunded_amount") + amount
    payment.status = PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
    if full:
        payment.is_active = False
    payment.save(update_fields=["refunded_amount", "status", "is_active", "updated_at"])
    payment.refresh_from_db()
    if payment.order_id is not None:
        order = payment.order
        assert order is not None
        if record_in_ledger:
            order_record_refund(order=order, amount=amount, user=user, note=reason or "refund")
        if payment.refunded_amount >= payment.captured_amount:
            order_mark_refunded(order=order)
    return payment


# --- Stripe webhook -----------------------------------------------------------------------------


def stripe_event_handle(event: Any) -> str:
    """Handle a verified Stripe event once. A repeated event id changes nothing. The event
    row is written in the same transaction as its effects, so a crash leaves it unhandled
    and Stripe's retry handles it."""
    event_id = event["id"]
    with transaction.atomic():
        try:
            with transaction.atomic():
                # Concurrent deliveries of one event wait here for the first to commit.
                record = StripeEvent.objects.create(event_id=event_id, type=event["type"])
        except IntegrityError:
            return "duplicate"
        outcome = _stripe_event_apply(event)
        record.outcome = outcome[:200]
        record.save(update_fields=["outcome"])
        return outcome


def _payment_for_intent(intent: Any) -> Payment | None:
    payment = Payment.objects.filter(psp_reference=intent["id"]).first()
    if payment is None:
        token = (intent.get("metadata") or {}).get("payment_token")
        if token:
            try:
                payment = Payment.objects.filter(token=uuid.UUID(token)).first()
            except ValueError:
                payment = None
    return payment


def _stripe_event_apply(event: Any) -> str:
    kind = event["type"]
    intent = event["data"]["object"]
    if kind == "charge.refunded":
        return _stripe_charge_refunded(intent)
    if kind not in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        return "ignored"
    payment = _payment_for_intent(intent)
    if payment is None:
        return "unknown payment"
    if kind == "payment_intent.payment_failed":
        return _stripe_payment_failed(payment)
    return _stripe_payment_succeeded(payment, intent)


def _stripe_payment_failed(payment: Payment) -> str:
    from backend.checkout.services import reservations_release

    if payment.status in PAID_STATUSES or payment.order_id:
        return "already charged"
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.DECLINED, is_active=False, updated_at=timezone.now()
    )
    if payment.checkout_token:
        reservations_release(checkout_token=payment.checkout_token)
    return "declined"


def _stripe_payment_succeeded(payment: Payment, intent: Any) -> str:
    """The card was charged. If no order was written for it (our process died after the
    charge), write it now from the checkout; if that is impossible, refund the charge."""
    from backend.checkout.fetch import fetch_checkout_info
    from backend.checkout.selectors import checkouts_with_addresses
    from backend.checkout.services import checkout_order_create
    from backend.orders.selectors import order_for_checkout

    amount = from_minor_units(
        int(intent.get("amount_received") or intent["amount"]), payment.currency
    )
    if payment.status not in (*PAID_STATUSES, PaymentStatus.REFUNDED):
        Payment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.CHARGED, captured_amount=amount, updated_at=timezone.now()
        )
        payment.status = PaymentStatus.CHARGED
        payment.captured_amount = amount
    if payment.order_id:
        return "order exists"
    if payment.checkout_token is None:
        payment_void_or_refund(payment=payment, reason="no checkout for the payment")
        return "refunded: no checkout"
    order = order_for_checkout(checkout_token=payment.checkout_token)
    if order is not None:
        # The checkout became an order through another payment: this charge is extra.
        payment_void_or_refund(payment=payment, reason="duplicate payment", record_in_ledger=False)
        return "refunded: duplicate payment"
    checkout = checkouts_with_addresses().filter(token=payment.checkout_token).first()
    if checkout is None:
        payment_void_or_refund(payment=payment, reason="checkout gone")
        return "refunded: checkout gone"
    info = fetch_checkout_info(checkout)
    if payment.amount != info.total or not payment.is_active:
        payment_void_or_refund(payment=payment, reason="checkout changed after payment")
        return "refunded: checkout changed"
    try:
        with transaction.atomic():
            order = checkout_order_create(checkout_info=info, payment=payment)
    except ServiceError as error:
        logger.warning("webhook could not place the order of %s: %s", payment.pk, error)
        payment_void_or_refund(payment=payment, reason="order could not be placed")
        return "refunded: order could not be placed"
    return f"order {order.number} created"


def _stripe_charge_refunded(charge: Any) -> str:
    """A refund made outside the shop (Stripe dashboard): book the part we do not know yet.
    Our own refunds are booked already, so their webhooks find nothing new."""
    intent_id = charge.get("payment_intent")
    payment = Payment.objects.select_for_update().filter(psp_reference=intent_id).first()
    if payment is None or not intent_id:
        return "unknown payment"
    refunded = from_minor_units(int(charge.get("amount_refunded") or 0), payment.currency)
    new = min(refunded, payment.captured_amount) - payment.refunded_amount
    if new <= 0:
        return "refund already booked"
    refunds = ((charge.get("refunds") or {}).get("data")) or []
    reference = str(refunds[0].get("id", "")) if refunds else ""
    _record_refund(
        payment=payment,
        amount=new,
        psp_reference=reference,
        user=None,
        reason="refunded in the Stripe dashboard",
    )
    return f"refund of {new} booked"

"""Writes of orders: creation from a checkout, the split per producer with commission and
ledger entries, fulfilment, cancellation, refunds in the ledger, payouts."""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from backend.catalogue.models import ProductVariant
from backend.core.errors import ServiceError

from .error_codes import OrderErrorCode
from .models import (
    MarketplaceSettings,
    Order,
    OrderLine,
    OrderStatus,
    PayoutEntry,
    PayoutEntryKind,
    ProducerOrder,
    ProducerOrderStatus,
)

if TYPE_CHECKING:
    from backend.checkout.fetch import CheckoutInfo
    from backend.payments.models import Payment

logger = logging.getLogger(__name__)


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def commission_rate_for(producer: Any, default_rate: Decimal) -> Decimal:
    return producer.commission_rate if producer.commission_rate is not None else default_rate


@transaction.atomic
def order_create_from_checkout(*, checkout_info: CheckoutInfo, payment: Payment | None) -> Order:
    """Write the order, its lines (price snapshots), one part per producer with its
    commission, and the ledger entries. The caller holds the checkout's lock and has moved
    the stock allocation to the order. The confirmation e-mail goes after commit."""
    checkout = checkout_info.checkout
    method = checkout_info.delivery_method
    # The order takes over the checkout's address rows (the checkout is deleted next).
    shipping = checkout.shipping_address
    billing = checkout.billing_address
    order = Order.objects.create(
        checkout_token=checkout.token,
        user_id=checkout.user_id,
        user_email=checkout.email,
        language_code=checkout.language_code,
        status=OrderStatus.UNFULFILLED,
        currency=checkout_info.currency,
        shipping_address=shipping,
        billing_address=billing or shipping,
        delivery_method_id=method.id if method else "",
        delivery_method_name=method.name(checkout.language_code)[:200] if method else "",
        subtotal_amount=checkout_info.subtotal,
        shipping_amount=checkout_info.shipping_price,
        total_amount=checkout_info.total,
    )
    order.number = f"{timezone.localdate():%y%m}-{order.pk:06d}"
    Order.objects.filter(pk=order.pk).update(number=order.number)

    default_rate = MarketplaceSettings.load().default_commission_rate
    subtotals: dict[int, Decimal] = defaultdict(Decimal)
    for info in checkout_info.lines:
        subtotals[info.producer.pk] += info.total_price
    parts = []
    for producer in checkout_info.producers:
        rate = commission_rate_for(producer, default_rate)
        subtotal = subtotals[producer.pk]
        parts.append(
            ProducerOrder(
                order=order,
                producer=producer,
                subtotal_amount=subtotal,
                shipping_amount=method.parcel_price(producer.pk) if method else Decimal(0),
                commission_rate=rate,
                commission_amount=_round(subtotal * rate),
            )
        )
    ProducerOrder.objects.bulk_create(parts)
    part_of = {part.producer_id: part for part in parts}
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                producer_order=part_of[info.producer.pk],
                variant=info.variant,
                producer_name=info.producer.name[:200],
                product_name_vi=info.product.name_vi,
                product_name_en=info.product.name_en,
                variant_name_vi=info.variant.name_vi,
                variant_name_en=info.variant.name_en,
                sku=info.variant.sku,
                quantity=info.line.quantity,
                unit_price_amount=info.unit_price,
                total_price_amount=info.total_price,
                currency=checkout_info.currency,
            )
            for info in checkout_info.lines
        ]
    )
    entries = []
    for part in parts:
        entries.append(
            PayoutEntry(
                producer_id=part.producer_id,
                producer_order=part,
                kind=PayoutEntryKind.EARNED,
                amount=part.subtotal_amount + part.shipping_amount,
                currency=order.currency,
                note=f"Order {order.number}",
            )
        )
        if part.commission_amount:
            entries.append(
                PayoutEntry(
                    producer_id=part.producer_id,
                    producer_order=part,
                    kind=PayoutEntryKind.COMMISSION,
                    amount=-part.commission_amount,
                    currency=order.currency,
                    note=f"Order {order.number}, {part.commission_rate:.2%}",
                )
            )
    PayoutEntry.objects.bulk_create(entries)
    if payment is not None:
        from backend.payments.models import Payment as PaymentModel

        PaymentModel.objects.filter(pk=payment.pk).update(order=order, updated_at=timezone.now())
        payment.order = order

    from .tasks import send_order_confirmation

    order_id = order.pk
    transaction.on_commit(lambda: send_order_confirmation.delay(order_id))
    return order


# --- Stock helpers --------------------------------------------------------------------------


def _lock_and_update_stock(
    quantities: dict[int, int], *, release_allocation: bool, ship: bool
) -> None:
    """For each variant: quantity_allocated -= n (release), and with `ship` also
    quantity -= n. Rows are locked in pk order; one UPDATE with F()."""
    from search.sync import schedule_products

    quantities = {pk: q for pk, q in quantities.items() if q}
    if not quantities:
        return
    product_ids = (
        ProductVariant.objects.select_for_update()
        .filter(pk__in=sorted(quantities))
        .order_by("pk")
        .values_list("product_id", flat=True)
    )
    schedule_products(list(product_ids))  # "in stock" in search reads free stock
    case = Case(
        *[When(pk=pk, then=Value(q)) for pk, q in quantities.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    updates: dict[str, Any] = {}
    if release_allocation:
        updates["quantity_allocated"] = F("quantity_allocated") - case
    if ship:
        updates["quantity"] = F("quantity") - case
    ProductVariant.objects.filter(pk__in=quantities).update(**updates)


def _recompute_status(order: Order) -> None:
    statuses = list(order.producer_orders.values_list("status", flat=True))
    active = [s for s in statuses if s != ProducerOrderStatus.CANCELED]
    if not active:
        status = OrderStatus.CANCELED
    elif all(s == ProducerOrderStatus.FULFILLED for s in active):
        status = OrderStatus.FULFILLED
    elif any(s == ProducerOrderStatus.FULFILLED for s in active):
        status = OrderStatus.PARTIALLY_FULFILLED
    else:
        status = OrderStatus.UNFULFILLED
    if order.status not in (OrderStatus.REFUNDED, OrderStatus.CANCELED):
        order.status = status
        order.save(update_fields=["status", "updated_at"])


# --- Fulfilment and cancellation -----------------------------------------------------------


@transaction.atomic
def producer_order_fulfill(
    *, producer_order: ProducerOrder, user: Any, carrier: str = "", tracking_number: str = ""
) -> ProducerOrder:
    """The producer shipped its part: stock leaves the warehouse, the part is fulfilled."""
    part = (
        ProducerOrder.objects.select_for_update().select_related("order").get(pk=producer_order.pk)
    )
    if part.status != ProducerOrderStatus.UNFULFILLED or part.order.status in (
        OrderStatus.CANCELED,
        OrderStatus.REFUNDED,
    ):
        raise ServiceError.single(
            OrderErrorCode.CANNOT_FULFILL, "This part cannot be fulfilled any more.", "status"
        )
    lines = list(part.lines.all())
    quantities: dict[int, int] = defaultdict(int)
    for line in lines:
        if line.variant_id:
            quantities[line.variant_id] += line.quantity - line.quantity_fulfilled
    _lock_and_update_stock(quantities, release_allocation=True, ship=True)
    OrderLine.objects.filter(pk__in=[li.pk for li in lines]).update(
        quantity_fulfilled=F("quantity")
    )
    part.status = ProducerOrderStatus.FULFILLED
    part.fulfilled_at = timezone.now()
    part.carrier = carrier[:40]
    part.tracking_number = tracking_number[:100]
    part.save(update_fields=["status", "fulfilled_at", "carrier", "tracking_number"])
    _recompute_status(part.order)
    return part


@transaction.atomic
def order_cancel(*, order: Order, user: Any) -> Order:
    """Cancel an order nobody shipped yet: the stock is released, the producers' earnings
    reversed and a charged payment refunded in full."""
    from backend.payments import services as payment_services

    order = Order.objects.select_for_update().get(pk=order.pk)
    parts = list(order.producer_orders.all())
    if order.status != OrderStatus.UNFULFILLED or any(
        p.status == ProducerOrderStatus.FULFILLED for p in parts
    ):
        raise ServiceError.single(
            OrderErrorCode.CANNOT_CANCEL,
            "Only orders nothing of which has shipped can be canceled.",
        )
    quantities: dict[int, int] = defaultdict(int)
    for line in order.lines.all():
        if line.variant_id:
            quantities[line.variant_id] += line.quantity
    _lock_and_update_stock(quantities, release_allocation=True, ship=False)
    ProducerOrder.objects.filter(order=order).update(status=ProducerOrderStatus.CANCELED)
    PayoutEntry.objects.bulk_create(
        [
            entry
            for part in parts
            for entry in (
                PayoutEntry(
                    producer_id=part.producer_id,
                    producer_order=part,
                    kind=PayoutEntryKind.REFUND,
                    amount=-(part.subtotal_amount + part.shipping_amount),
                    currency=order.currency,
                    note=f"Order {order.number} canceled",
                    created_by=user if getattr(user, "pk", None) else None,
                ),
                PayoutEntry(
                    producer_id=part.producer_id,
                    producer_order=part,
                    kind=PayoutEntryKind.COMMISSION_REVERSAL,
                    amount=part.commission_amount,
                    currency=order.currency,
                    note=f"Order {order.number} canceled",
                    created_by=user if getattr(user, "pk", None) else None,
                ),
            )
            if entry.amount
        ]
    )
    order.status = OrderStatus.CANCELED
    order.save(update_fields=["status", "updated_at"])
    for payment in order.payments.all():
        payment_services.payment_void_or_refund(
            payment=payment, reason="order canceled", user=user, record_in_ledger=False
        )
    return order


def order_record_refund(*, order: Order, amount: Decimal, user: Any, note: str = "") -> None:
    """Ledger entries for money given back to the shopper, shared across the producers'
    parts in proportion to their value (commission returned in the same proportion)."""
    parts = list(order.producer_orders.all())
    if not parts or order.total_amount <= 0:
        return
    remaining = amount
    entries = []
    for i, part in enumerate(parts):
        value = part.subtotal_amount + part.shipping_amount
        share = remaining if i == len(parts) - 1 else _round(amount * value / order.total_amount)
        share = min(share, remaining)
        remaining -= share
        if not share:
            continue
        commission_back = _round(part.commission_amount * share / value) if value else Decimal(0)
        entries.append(
            PayoutEntry(
                producer_id=part.producer_id,
                producer_order=part,
                kind=PayoutEntryKind.REFUND,
                amount=-share,
                currency=order.currency,
                note=note[:200],
                created_by=user if getattr(user, "pk", None) else None,
            )
        )
        if commission_back:
            entries.append(
                PayoutEntry(
                    producer_id=part.producer_id,
                    producer_order=part,
                    kind=PayoutEntryKind.COMMISSION_REVERSAL,
                    amount=commission_back,
                    currency=order.currency,
                    note=note[:200],
                    created_by=user if getattr(user, "pk", None) else None,
                )
            )
    PayoutEntry.objects.bulk_create(entries)


def order_mark_refunded(*, order: Order) -> None:
    """Everything was paid back. A canceled order stays CANCELED (its refund is part of the
    cancellation)."""
    if order.status == OrderStatus.CANCELED:
        return
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.REFUNDED, updated_at=timezone.now())
    order.status = OrderStatus.REFUNDED


@transaction.atomic
def payout_record(*, producer_id: int, amount: Decimal, user: Any, note: str = "") -> PayoutEntry:
    """Money paid out to a producer (bank transfer made by staff)."""
    if amount <= 0:
        raise ServiceError.single(OrderErrorCode.INVALID, "A payout must be positive.", "amount")
    return PayoutEntry.objects.create(
        producer_id=producer_id,
        kind=PayoutEntryKind.PAID_OUT,
        amount=-amount,
        note=note[:200],
        created_by=user if getattr(user, "pk", None) else None,
    )

"""Soak: concurrent checkouts and catalogue edits (stock and price) for a bounded time and
count, on PostgreSQL (real row locks). At the end stock, orders and payments agree: nothing
oversold, every allocated unit is an ordered or reserved one, every order has one charged
payment of its total, no money was taken without an order, and nothing crashed."""

from __future__ import annotations

import random
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from backend.catalogue import services as catalogue
from backend.catalogue.models import ProductVariant
from backend.checkout import services
from backend.checkout.fetch import fetch_checkout_info
from backend.checkout.models import StockReservation
from backend.checkout.selectors import checkout_get
from backend.core.errors import ServiceError
from backend.orders.models import Order, OrderLine
from backend.payments.models import Payment, PaymentStatus
from backend.payments.services import payment_create_for_checkout
from tests.checkout.factories import ready_checkout, sellable_variant
from tests.factories import ProducerFactory

SHOPPERS = 6
CHECKOUTS_PER_SHOPPER = 4
EDITORS = 2
SECONDS = 25
HOT_STOCK = 8
# Refusals a shopper may get while the catalogue changes under it; anything else is a bug.
EXPECTED_REFUSALS = {"INSUFFICIENT_STOCK", "PAYMENT_AMOUNT_MISMATCH", "CHECKOUT_HAS_PROBLEMS"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_checkouts_and_catalogue_edits_stay_consistent(requires_postgres):
    producers = [ProducerFactory() for _ in range(2)]
    hot = sellable_variant(producer=producers[0], quantity=HOT_STOCK, price=120_000)
    cold = [
        sellable_variant(producer=producers[i % 2], quantity=500, price=80_000 + i * 1000)
        for i in range(3)
    ]
    variants = [hot, *cold]
    deadline = time.monotonic() + SECONDS
    lock = threading.Lock()
    outcomes: list[str] = []
    crashes: list[str] = []
    edits = {"stock": 0, "price": 0, "refused": 0}
    shoppers_done = threading.Event()
    barrier = threading.Barrier(SHOPPERS + EDITORS)

    def pay_and_complete(token) -> str:
        """Like a client: when the total changed under it (a price edit), read the new
        total and pay again, up to three times."""
        for _attempt in range(3):
            total = fetch_checkout_info(checkout_get(token=token, user=None)).total
            try:
                payment_create_for_checkout(
                    token=token, user=None, gateway_id="ocop.payments.demo", amount=total
                )
                services.checkout_complete(token=token, user=None)
                return "order"
            except ServiceError as error:
                code = error.errors[0].code.name
                if code != "PAYMENT_AMOUNT_MISMATCH":
                    return code
        return "PAYMENT_AMOUNT_MISMATCH"

    def shopper(index: int) -> None:
        rng = random.Random(index)
        try:
            barrier.wait()
            for n in range(CHECKOUTS_PER_SHOPPER):
                if time.monotonic() > deadline:
                    break
                lines = [(hot, 1), (rng.choice(cold), rng.randint(1, 3))]
                try:
                    info = ready_checkout(lines, email=f"soak{index}-{n}@example.com")
                    result = pay_and_complete(info.checkout.token)
                except ServiceError as error:
                    result = error.errors[0].code.name
                with lock:
                    outcomes.append(result)
        except Exception as error:
            with lock:
                crashes.append(f"shopper {index}: {error!r}")
        finally:
            connection.close()

    def editor(index: int) -> None:
        rng = random.Random(100 + index)
        try:
            barrier.wait()
            while not shoppers_done.is_set() and time.monotonic() < deadline:
                variant = ProductVariant.objects.get(pk=rng.choice(variants).pk)
                try:
                    if rng.random() < 0.5:
                        # Mostly a small restock; sometimes below what is allocated (refused).
                        if rng.random() < 0.2:
                            quantity = variant.quantity_allocated - 1
                        else:
                            quantity = max(
                                variant.quantity + rng.randint(-2, 3), variant.quantity_allocated
                            )
                        catalogue.stock_set(variant=variant, quantity=quantity)
                        key = "stock"
                    else:
                        price = Decimal(rng.choice([79_000, 99_000, 120_000, 150_000]))
                        catalogue.variant_update(variant=variant, price_amount=price)
                        key = "price"
                except ServiceError:
                    key = "refused"
                with lock:
                    edits[key] += 1
                time.sleep(0.05)
        except Exception as error:
            with lock:
                crashes.append(f"editor {index}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=shopper, args=(i,)) for i in range(SHOPPERS)]
    editor_threads = [threading.Thread(target=editor, args=(i,)) for i in range(EDITORS)]
    for t in threads + editor_threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 30)
    shoppers_done.set()
    for t in editor_threads:
        t.join(30)

    assert not crashes, crashes
    assert outcomes, "no checkout finished in time"
    unexpected = set(outcomes) - {"order"} - EXPECTED_REFUSALS
    assert not unexpected, outcomes
    orders = Order.objects.count()
    assert orders == outcomes.count("order") > 0
    assert edits["stock"] > 0 and edits["price"] > 0 and edits["refused"] > 0, edits

    ids = [v.pk for v in variants]
    for variant in ProductVariant.objects.filter(pk__in=ids):
        ordered = OrderLine.objects.filter(variant=variant).aggregate(s=Sum("quantity"))["s"] or 0
        reserved = (
            StockReservation.objects.filter(variant=variant).aggregate(s=Sum("quantity"))["s"] or 0
        )
        assert 0 <= variant.quantity_allocated <= variant.quantity, variant.sku
        assert variant.quantity_allocated == ordered + reserved, (variant.sku, ordered, reserved)

    for order in Order.objects.prefetch_related("lines", "payments"):
        subtotal = sum(line.unit_price_amount * line.quantity for line in order.lines.all())
        assert order.subtotal_amount == subtotal
        assert order.total_amount == order.subtotal_amount + order.shipping_amount
        charged = [p for p in order.payments.all() if p.status == PaymentStatus.CHARGED]
        assert len(charged) == 1, order.number
        assert charged[0].captured_amount == order.total_amount
    # No money kept without an order.
    orphans = Payment.objects.filter(order__isnull=True, captured_amount__gt=0)
    assert all(p.refunded_amount >= p.captured_amount for p in orphans), list(orphans)

"""No overselling under concurrency (PostgreSQL: real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from backend.checkout import services
from backend.core.errors import ServiceError
from backend.orders.models import Order
from backend.payments.services import payment_create_for_checkout
from tests.checkout.factories import ready_checkout, sellable_variant

SHOPPERS = 20
UNITS = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_completions_for_the_last_five_units(requires_postgres):
    variant = sellable_variant(quantity=UNITS)
    infos = [ready_checkout([(variant, 1)], email=f"s{i}@example.com") for i in range(SHOPPERS)]
    barrier = threading.Barrier(SHOPPERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def shopper(info) -> None:
        try:
            barrier.wait()
            payment_create_for_checkout(
                token=info.checkout.token,
                user=None,
                gateway_id="ocop.payments.demo",
                amount=info.total,
            )
            services.checkout_complete(token=info.checkout.token, user=None)
            result = "order"
        except ServiceError as error:
            result = error.errors[0].code.name
        except Exception as error:  # a 500 would be a bug: record it
            result = f"crash: {error!r}"
        finally:
            connection.close()  # each thread had its own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=shopper, args=(info,)) for info in infos]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == SHOPPERS
    assert outcomes.count("order") == UNITS, outcomes
    assert set(outcomes) == {"order", "INSUFFICIENT_STOCK"}, outcomes
    assert Order.objects.count() == UNITS
    variant.refresh_from_db()
    assert variant.quantity == UNITS
    assert variant.quantity_allocated == UNITS  # all five held by orders, none negative


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_of_one_checkout_make_one_order(requires_postgres):
    from backend.payments.models import Payment, PaymentStatus

    variant = sellable_variant(quantity=10)
    info = ready_checkout([(variant, 3)])
    payment_create_for_checkout(
        token=info.checkout.token, user=None, gateway_id="ocop.payments.demo", amount=info.total
    )
    attempts = 8
    barrier = threading.Barrier(attempts)
    numbers: list[str] = []
    lock = threading.Lock()

    def retry() -> None:
        try:
            barrier.wait()
            order = services.checkout_complete(token=info.checkout.token, user=None)
            result = order.number or ""
        except Exception as error:
            result = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            numbers.append(result)

    threads = [threading.Thread(target=retry) for _ in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert Order.objects.count() == 1
    assert numbers == [Order.objects.get().number] * attempts, numbers
    assert Payment.objects.filter(status=PaymentStatus.CHARGED).count() == 1
    variant.refresh_from_db()
    assert variant.quantity_allocated == 3

"""Checkout benchmark (run by `make bench`, or `python -m bench.checkout_bench`).

20 concurrent clients (threads, each with its own PostgreSQL connection) each place
BENCH_CHECKOUTS_PER_CLIENT orders through the GraphQL API (Django's test client, no network):
checkoutCreate (3 lines: one of a few "hot" variants with little stock, two cold ones),
checkoutEmailUpdate, checkoutShippingAddressUpdate, checkoutDeliveryMethodUpdate,
checkoutPaymentCreate (demo gateway) and checkoutComplete.

Reported: completed checkouts per second (whole flow), p50/p95 of checkoutComplete, how many
checkouts were refused for stock (conflicts on the hot variants: expected, never oversold),
how many requests hit a transient database error and were retried (deadlock, serialization),
and a final consistency check (no negative stock, allocations equal ordered units).

It uses its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ocop_bench_checkout), creating and migrating it, and writes
bench/results/checkout.json and bench/results/checkout.md.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_bench_checkout"
)
CLIENTS = int(os.environ.get("BENCH_CHECKOUT_CLIENTS", "20"))
PER_CLIENT = int(os.environ.get("BENCH_CHECKOUTS_PER_CLIENT", "10"))
HOT_VARIANTS = 5
HOT_STOCK = int(os.environ.get("BENCH_HOT_STOCK", "30"))
COLD_VARIANTS = 40

ADDRESS = {
    "fullName": "Bench Shopper",
    "phone": "0912345678",
    "country": "VN",
    "provinceCode": "01",
    "communeCode": "00004",
    "streetAddress1": "1 Tràng Tiền",
}
CREATE = """mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) { checkout { id availableShippingMethods { id } }
  errors { code } } }"""
EMAIL = """mutation($id: ID!) { checkoutEmailUpdate(id: $id, email: "bench@example.com") {
  errors { code } } }"""
SHIP = """mutation($id: ID!, $a: AddressInput!) { checkoutShippingAddressUpdate(id: $id,
  shippingAddress: $a) { checkout { availableShippingMethods { id } } errors { code } } }"""
DELIVERY = """mutation($id: ID!, $m: ID!) { checkoutDeliveryMethodUpdate(id: $id,
  deliveryMethodId: $m) { checkout { totalPrice { gross { amount } } } errors { code } } }"""
PAY = """mutation($id: ID!, $amount: Decimal!) { checkoutPaymentCreate(id: $id,
  input: {gateway: "ocop.payments.demo", amount: $amount}) { errors { code } } }"""
COMPLETE = """mutation($id: ID!) { checkoutComplete(id: $id) { order { number }
  errors { code } } }"""

TRANSIENT = ("deadlock detected", "could not serialize", "lock timeout")


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["DEMO_PAYMENT_GATEWAY_ENABLED"] = "true"
    # All clients share one address here: per-IP rate limits would measure the limiter.
    os.environ["RATE_LIMITS"] = ""
    _create_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _create_database() -> None:
    import psycopg

    base, _, name = DB_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def make_catalogue() -> tuple[list[Any], list[Any]]:
    from backend.catalogue.models import ProductVariant
    from tests.checkout.factories import sellable_variant
    from tests.factories import (
        OcopCertificateFactory,
        ProducerFactory,
        ProductFactory,
        ProductVariantFactory,
    )

    # Every run makes its own variants, so earlier runs' orders do not count; sequences start
    # past the earlier runs' slugs and SKUs.
    start = int(time.time() * 1000)
    for factory_class in (
        ProducerFactory,
        ProductFactory,
        ProductVariantFactory,
        OcopCertificateFactory,
    ):
        factory_class.reset_sequence(start)
    producers = [ProducerFactory() for _ in range(8)]
    hot = [
        sellable_variant(producer=random.choice(producers), quantity=HOT_STOCK)
        for _ in range(HOT_VARIANTS)
    ]
    cold = [
        sellable_variant(producer=random.choice(producers), quantity=100_000)
        for _ in range(COLD_VARIANTS)
    ]
    assert ProductVariant.objects.filter(pk__in=[v.pk for v in hot]).count() == HOT_VARIANTS
    return hot, cold


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.completed = 0
        self.stock_conflicts = 0
        self.retries = 0
        self.other_errors: list[str] = []
        self.complete_ms: list[float] = []


def call(client: Any, stats: Stats, query: str, variables: dict[str, Any], name: str) -> Any:
    from tests.graphql_helpers import GraphQLClient

    api = GraphQLClient(client)
    for _attempt in range(4):
        result = api.post(query, variables)
        messages = " ".join(str(e.get("message", "")) for e in result.errors)
        if result.status_code == 200 and not result.errors:
            return result.data[name]
        if any(t in messages for t in TRANSIENT):
            with stats.lock:
                stats.retries += 1
            time.sleep(0.01)
            continue
        raise RuntimeError(f"{name}: {result.status_code} {result.content}")
    raise RuntimeError(f"{name}: gave up after retries")


def shopper(index: int, hot: list[Any], cold: list[Any], stats: Stats, barrier: Any) -> None:
    from django.db import connection
    from django.test import Client
    from graphql_relay import to_global_id

    rng = random.Random(index)
    client = Client()
    barrier.wait()
    try:
        for _ in range(PER_CLIENT):
            variants = [rng.choice(hot), *rng.sample(cold, 2)]
            lines = [
                {"variantId": to_global_id("ProductVariant", v.pk), "quantity": 1} for v in variants
            ]
            created = call(client, stats, CREATE, {"input": {"lines": lines}}, "checkoutCreate")
            if created["errors"]:
                with stats.lock:
                    if created["errors"][0]["code"] == "INSUFFICIENT_STOCK":
                        stats.stock_conflicts += 1
                    else:
                        stats.other_errors.append(str(created["errors"]))
                continue
            cid = created["checkout"]["id"]
            call(client, stats, EMAIL, {"id": cid}, "checkoutEmailUpdate")
            shipped = call(
                client, stats, SHIP, {"id": cid, "a": ADDRESS}, "checkoutShippingAddressUpdate"
            )
            method = shipped["checkout"]["availableShippingMethods"][0]["id"]
            chosen = call(
                client, stats, DELIVERY, {"id": cid, "m": method}, "checkoutDeliveryMethodUpdate"
            )
            amount = chosen["checkout"]["totalPrice"]["gross"]["amount"]
            paid = call(client, stats, PAY, {"id": cid, "amount": amount}, "checkoutPaymentCreate")
            if paid["errors"]:
                with stats.lock:
                    if paid["errors"][0]["code"] == "INSUFFICIENT_STOCK":
                        stats.stock_conflicts += 1
                    else:
                        stats.other_errors.append(str(paid["errors"]))
                continue
            started = time.perf_counter()
            done = call(client, stats, COMPLETE, {"id": cid}, "checkoutComplete")
            elapsed = (time.perf_counter() - started) * 1000
            with stats.lock:
                if done["errors"]:
                    if done["errors"][0]["code"] == "INSUFFICIENT_STOCK":
                        stats.stock_conflicts += 1
                    else:
                        stats.other_errors.append(str(done["errors"]))
                else:
                    stats.completed += 1
                    stats.complete_ms.append(elapsed)
    except Exception as error:  # recorded, the run goes on
        with stats.lock:
            stats.other_errors.append(repr(error)[:300])
    finally:
        connection.close()


def consistency(hot: list[Any], cold: list[Any]) -> dict[str, Any]:
    from django.db.models import Sum

    from backend.catalogue.models import ProductVariant
    from backend.checkout.models import StockReservation
    from backend.orders.models import OrderLine

    ids = [v.pk for v in [*hot, *cold]]
    variants = ProductVariant.objects.filter(pk__in=ids)
    negative = variants.filter(quantity_allocated__gt=models_f("quantity")).count()
    allocated = variants.aggregate(s=Sum("quantity_allocated"))["s"] or 0
    ordered = OrderLine.objects.filter(variant_id__in=ids).aggregate(s=Sum("quantity"))["s"] or 0
    held = (
        StockReservation.objects.filter(variant_id__in=ids).aggregate(s=Sum("quantity"))["s"] or 0
    )
    hot_sold = (
        OrderLine.objects.filter(variant_id__in=[v.pk for v in hot]).aggregate(s=Sum("quantity"))[
            "s"
        ]
        or 0
    )
    return {
        "oversold_variants": negative,
        "allocated_units": allocated,
        "ordered_units": ordered,
        "still_reserved_units": held,
        "allocation_matches_orders": allocated == ordered + held,
        "hot_units_sold": hot_sold,
        "hot_units_in_stock": HOT_VARIANTS * HOT_STOCK,
    }


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def main() -> dict[str, Any]:
    setup_django()
    from django.conf import settings
    from django.db import connection

    hot, cold = make_catalogue()
    connection.close()
    stats = Stats()
    barrier = threading.Barrier(CLIENTS)
    threads = [
        threading.Thread(target=shopper, args=(i, hot, cold, stats, barrier))
        for i in range(CLIENTS)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    ms = sorted(stats.complete_ms)
    result = {
        "database": "postgresql",
        "clients": CLIENTS,
        "checkouts_attempted": CLIENTS * PER_CLIENT,
        "checkouts_completed": stats.completed,
        "seconds": round(seconds, 2),
        "completed_checkouts_per_second": round(stats.completed / seconds, 1) if seconds else 0,
        "checkout_complete_p50_ms": round(statistics.median(ms), 1) if ms else None,
        "checkout_complete_p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1) if ms else None,
        "stock_conflicts": stats.stock_conflicts,
        "transient_db_errors_retried": stats.retries,
        "other_errors": stats.other_errors[:10],
        "consistency": consistency(hot, cold),
        "cpu_count": os.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 1),
        "delivery_providers": list(settings.CHECKOUT_DELIVERY_PROVIDERS),
        "problem_checkers": list(settings.CHECKOUT_PROBLEM_CHECKERS),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "checkout.json").write_text(json.dumps(result, indent=2))
    lines = [
        "# Checkout benchmark",
        "",
        f"{CLIENTS} concurrent clients on PostgreSQL, {PER_CLIENT} checkouts each, the whole "
        "flow through GraphQL (create, e-mail, address, delivery, payment, complete), demo "
        "gateway. Every checkout holds one of "
        f"{HOT_VARIANTS} hot variants ({HOT_STOCK} units each) and two cold ones.",
        "",
        "| measure | value |",
        "|---|---|",
    ]
    for key, value in result.items():
        if key != "consistency":
            lines.append(f"| {key} | {value} |")
    for key, value in result["consistency"].items():
        lines.append(f"| consistency.{key} | {value} |")
    (RESULTS / "checkout.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

"""Storefront page budgets (run by `make bench`, or `python -m bench.storefront_bench`).

For each page (home, search, browse with facets, product, cart and checkout with three
producers' products, an address and a delivery method) it reports the
database queries of one request and the server time at p50 and p95 over SAMPLES requests,
through Django's test client (no network), on PostgreSQL with N synthetic products. The query
count is also taken on a catalogue of N/10 products to show it does not grow with the
catalogue. Writes bench/results/storefront.json and bench/results/storefront.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
N = int(os.environ.get("BENCH_STOREFRONT_PRODUCTS", "5000"))
SAMPLES = int(os.environ.get("BENCH_STOREFRONT_SAMPLES", "40"))
DB_URL = os.environ.get(
    "BENCH_STOREFRONT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_bench_storefront"
)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = DB_URL
    os.environ["SEARCH_BACKEND"] = "database"
    os.environ["ELASTICSEARCH_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import psycopg

    base, _, name = DB_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def catalogue(n: int) -> None:
    from bench.search_bench import ensure_catalogue
    from search import get_backend

    ensure_catalogue(n)
    get_backend("database").reindex()


def pages() -> dict[str, str]:
    from backend.catalogue.models import Product
    from storefront import adapters

    product = adapters.public_products().order_by("pk").first()
    assert isinstance(product, Product)
    urls = {
        "home": "/",
        "search": "/search/?q=cha+ca",
        "browse_facets": "/search/?stars=4&stars=5&category=I&sort=price_asc",
        "product": f"/p/{product.slug}/",
    }
    from django.urls import NoReverseMatch, reverse

    for name in ("cart", "checkout"):
        with contextlib.suppress(NoReverseMatch):
            urls[name] = reverse(f"storefront:{name}")
    return urls


def shopper(lines: int = 3) -> Any:
    """A client whose cart holds `lines` products of different producers, with a Hà Nội
    address and a delivery method (for the cart and checkout pages)."""
    import re

    from django.test import Client

    from backend.places.models import Commune
    from storefront import adapters

    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    seen: set[int] = set()
    for product in adapters.public_products().prefetch_related("variants").order_by("pk")[:200]:
        variant = next((v for v in product.variants.all() if v.quantity_available > 0), None)
        if variant is None or product.producer_id in seen:
            continue
        client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})
        seen.add(product.producer_id)
        if len(seen) == lines:
            break
    commune = Commune.objects.filter(province__code="01").order_by("code").first()
    client.post(
        "/checkout/",
        {
            "action": "address", "email": "bench@example.com", "full_name": "Bench",
            "phone": "0912345678", "street_address_1": "1 Tràng Tiền", "province_code": "01",
            "commune_code": commune.code if commune else "",
        },
    )  # fmt: skip
    page = client.get("/checkout/").content.decode()
    found = re.search(r'name="delivery_method" value="([^"]+)"', page)
    if found:
        client.post("/checkout/", {"action": "delivery", "delivery_method": found.group(1)})
    return client


def measure(url: str) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = shopper() if url in ("/cart/", "/checkout/") else Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.get(url)  # warm up
    reset_queries()  # request_started clears the log; start from empty so the slice is right
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # read now: later requests reset the query log
    times = []
    cpu = []
    for _ in range(SAMPLES):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    return {
        "status": response.status_code,
        "queries": queries,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(int(len(times) * 0.95) - 1, 0)], 1),
        # CPU of the Django process alone: steadier than wall time on a shared machine.
        "cpu_p50_ms": round(statistics.median(cpu), 1),
    }


def main() -> None:
    setup_django()
    results: dict[str, Any] = {"products": N, "samples": SAMPLES, "pages": {}}
    catalogue(max(N // 10, 50))
    small = {name: measure(url)["queries"] for name, url in pages().items()}
    catalogue(N)
    for name, url in pages().items():
        row = measure(url)
        row[f"queries_with_{max(N // 10, 50)}_products"] = small.get(name)
        results["pages"][name] = row
        print(name, row)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "storefront.json").write_text(json.dumps(results, indent=2))
    lines = [
        "# Storefront page budgets",
        "",
        f"- products: {N}; samples per page: {SAMPLES}; Django test client on PostgreSQL",
        "",
        "| page | status | queries | queries (1/10 catalogue) | p50 ms | p95 ms | CPU p50 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in results["pages"].items():
        lines.append(
            f"| {name} | {row['status']} | {row['queries']} | "
            f"{row[f'queries_with_{max(N // 10, 50)}_products']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['cpu_p50_ms']} |"
        )
    lines += [
        "",
        f"Load average when measured: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(wall times include waiting for a shared PostgreSQL).",
    ]
    (RESULTS / "storefront.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

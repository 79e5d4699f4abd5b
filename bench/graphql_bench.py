"""In-process figures of `make bench` (run by bench/run.py in its own process, on the bench
database it prepared with `generate_catalogue`).

1. Per GraphQL operation (products first 10 and 100, product detail, search page,
   checkoutCreate, checkoutLinesAdd, checkoutComplete): database queries of one request and the
   server time at p50/p95 over BENCH_SAMPLES requests, through Django's test client (the full
   middleware stack, no network).
2. Per storefront page: the same, with the storefront bench's pages and shopper
   (bench/storefront_bench.py).
3. GraphQL overhead: `products(first: 100)` through GraphQL against the same data from a plain
   Django JSON view (bench/load/plain.py), alternating, as a ratio of medians in each round.

Every figure is measured in BENCH_ROUNDS rounds; the JSON written to argv[1] holds each
round's value, and run.py reports the median with its spread.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import percentile, setup_django

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "20"))

PRODUCT_FIELDS = """id name slug stars certificate { status expiresOn }
  producer { name } origin { province { shortName } }
  variants { sku pricing { price { amount currency } } quantityAvailable }
  media { thumbnail(size: 256) }"""
PRODUCTS = "query($n: Int) { products(first: $n) { totalCount pageInfo { hasNextPage endCursor }"
PRODUCTS += f" edges {{ node {{ {PRODUCT_FIELDS} }} }} }} }}"
DETAIL = f"""query($slug: String) {{ product(slug: $slug) {{ {PRODUCT_FIELDS}
  description category {{ code name parent {{ code name }} }} qrCodeUrl }} }}"""
SEARCH = """query($q: String) { search(query: $q, first: 20) { totalCount
  edges { highlight node { id name slug stars producer { name } } } facets { field } } }"""
OVERHEAD_QUERY = """{ products(first: 100) { totalCount edges { node { id name slug stars
  producer { name } variants { sku pricing { price { amount currency } } quantityAvailable }
} } } }"""
LINES_ADD = """mutation($id: ID!, $lines: [CheckoutLineInput!]!) {
  checkoutLinesAdd(id: $id, lines: $lines) { checkout { id totalPrice { gross { amount } } }
  errors { code } } }"""


class Api:
    def __init__(self) -> None:
        from django.test import Client

        self.client = Client(HTTP_ACCEPT_LANGUAGE="vi")

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"{response.status_code} {str(body)[:500]}")
        return body["data"]


def queries_and_ms(fn: Any) -> tuple[int, float, Any]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = fn()
        elapsed = (time.perf_counter() - start) * 1000
    return len(ctx.captured_queries), elapsed, result


def reindex_search() -> dict[str, Any]:
    from search import get_backend

    start = time.perf_counter()
    count = get_backend("database").reindex()
    seconds = time.perf_counter() - start
    return {"documents": count, "seconds": round(seconds, 2), "per_second": round(count / seconds)}


def checkout_variants() -> list[Any]:
    from tests.checkout.factories import sellable_variant
    from tests.factories import (
        OcopCertificateFactory,
        ProducerFactory,
        ProductFactory,
        ProductVariantFactory,
    )

    # Sequences start past anything an earlier run left (slugs and SKUs are unique).
    start = int(time.time() * 1000)
    for factory_class in (
        ProducerFactory,
        ProductFactory,
        ProductVariantFactory,
        OcopCertificateFactory,
    ):
        factory_class.reset_sequence(start)
    producers = [ProducerFactory() for _ in range(3)]
    return [sellable_variant(producer=producers[i % 3], quantity=10**7) for i in range(9)]


def read_operations() -> dict[str, tuple[str, dict[str, Any]]]:
    from backend.catalogue.selectors import public_products

    slug = public_products().order_by("pk").values_list("slug", flat=True).first()
    return {
        "products(first: 10)": (PRODUCTS, {"n": 10}),
        "products(first: 100)": (PRODUCTS, {"n": 100}),
        "product detail": (DETAIL, {"slug": slug}),
        "search page (20 hits)": (SEARCH, {"q": "mật ong"}),
    }


def measure_reads(api: Api) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, (query, variables) in read_operations().items():
        api.post(query, variables)  # warm up
        queries, _, _ = queries_and_ms(lambda q=query, v=variables: api.post(q, v))
        times = [
            queries_and_ms(lambda q=query, v=variables: api.post(q, v))[1] for _ in range(SAMPLES)
        ]
        out[name] = {
            "queries": queries,
            "p50_ms": statistics.median(times),
            "p95_ms": percentile(times, 95),
        }
    return out


def measure_checkout(api: Api, variants: list[Any], round_index: int) -> dict[str, dict[str, Any]]:
    from graphql_relay import to_global_id

    from bench.checkout_bench import ADDRESS, COMPLETE, CREATE, DELIVERY, EMAIL, PAY, SHIP

    def line(variant: Any) -> dict[str, Any]:
        return {"variantId": to_global_id("ProductVariant", variant.pk), "quantity": 1}

    samples: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i in range(SAMPLES + 1):  # the first is a warm-up
        a, b, c = (variants[(i + k * 3 + round_index) % len(variants)] for k in range(3))
        q, ms, created = queries_and_ms(
            lambda a=a, b=b: api.post(CREATE, {"input": {"lines": [line(a), line(b)]}})
        )
        checkout = created["checkoutCreate"]
        assert not checkout["errors"], checkout["errors"]
        samples["checkoutCreate"].append((q, ms))
        cid = checkout["checkout"]["id"]
        q, ms, added = queries_and_ms(
            lambda cid=cid, c=c: api.post(LINES_ADD, {"id": cid, "lines": [line(c)]})
        )
        assert not added["checkoutLinesAdd"]["errors"], added
        samples["checkoutLinesAdd"].append((q, ms))
        api.post(EMAIL, {"id": cid})
        shipped = api.post(SHIP, {"id": cid, "a": ADDRESS})["checkoutShippingAddressUpdate"]
        method = shipped["checkout"]["availableShippingMethods"][0]["id"]
        chosen = api.post(DELIVERY, {"id": cid, "m": method})["checkoutDeliveryMethodUpdate"]
        amount = chosen["checkout"]["totalPrice"]["gross"]["amount"]
        paid = api.post(PAY, {"id": cid, "amount": amount})["checkoutPaymentCreate"]
        assert not paid["errors"], paid
        q, ms, done = queries_and_ms(lambda cid=cid: api.post(COMPLETE, {"id": cid}))
        assert not done["checkoutComplete"]["errors"], done
        samples["checkoutComplete"].append((q, ms))
    out = {}
    for name, rows in samples.items():
        rows = rows[1:]
        times = [ms for _, ms in rows]
        out[name] = {
            "queries": rows[0][0],
            "queries_max": max(q for q, _ in rows),
            "p50_ms": statistics.median(times),
            "p95_ms": percentile(times, 95),
        }
    return out


def measure_pages(variants: list[Any]) -> dict[str, dict[str, Any]]:
    import bench.storefront_bench as storefront
    from storefront import adapters

    storefront.SAMPLES = SAMPLES
    out = {}
    original = adapters.public_products
    sellable = [v.product_id for v in variants]
    for name, url in storefront.pages().items():
        if url in ("/cart/", "/checkout/"):
            # The storefront bench's shopper fills the cart from the first public products;
            # a generated catalogue has expired certificates among them (not sellable), so it
            # gets the well-stocked, certified products of this run instead.
            adapters.public_products = lambda: original().filter(pk__in=sellable)  # type: ignore[assignment]
        try:
            row = storefront.measure(url)
        finally:
            adapters.public_products = original  # type: ignore[assignment]
        out[name] = {
            "status": row["status"],
            "queries": row["queries"],
            "p50_ms": row["p50_ms"],
            "p95_ms": row["p95_ms"],
        }
    return out


def measure_overhead(api: Api) -> dict[str, Any]:
    from django.test import Client

    plain = Client()
    graphql_answer = api.post(OVERHEAD_QUERY)
    plain_answer = plain.get("/__bench__/plain-products/").json()["data"]
    same = [e["node"]["id"] for e in graphql_answer["products"]["edges"]] == [
        e["node"]["id"] for e in plain_answer["products"]["edges"]
    ]
    gql_q, _, _ = queries_and_ms(lambda: api.post(OVERHEAD_QUERY))
    plain_q, _, _ = queries_and_ms(lambda: plain.get("/__bench__/plain-products/"))
    gql_ms, plain_ms = [], []
    for _ in range(SAMPLES):
        gql_ms.append(queries_and_ms(lambda: api.post(OVERHEAD_QUERY))[1])
        plain_ms.append(queries_and_ms(lambda: plain.get("/__bench__/plain-products/"))[1])
    return {
        "same_products": same,
        "graphql_queries": gql_q,
        "plain_queries": plain_q,
        "graphql_p50_ms": statistics.median(gql_ms),
        "plain_p50_ms": statistics.median(plain_ms),
        "ratio": statistics.median(gql_ms) / statistics.median(plain_ms),
    }


def main(out_path: str) -> None:
    setup_django()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.load.plain"
    from django.urls import clear_url_caches

    clear_url_caches()
    report: dict[str, Any] = {"rounds": ROUNDS, "samples": SAMPLES}
    print("search reindex (database backend) ...", flush=True)
    report["reindex"] = reindex_search()
    variants = checkout_variants()
    api = Api()
    report["operations"] = []
    report["pages"] = []
    report["overhead"] = []
    for round_index in range(ROUNDS):
        print(f"round {round_index + 1}/{ROUNDS}", flush=True)
        ops = measure_reads(api)
        ops.update(measure_checkout(api, variants, round_index))
        report["operations"].append(ops)
        report["pages"].append(measure_pages(variants))
        report["overhead"].append(measure_overhead(api))
    Path(out_path).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])

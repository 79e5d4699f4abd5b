"""Bounded load test of `make bench`: gunicorn with 2 workers on loopback, driven by a small
thread-pool client (no locust: one dependency less, and the run is bounded in both request
count and time).

Shopper mix (weights): browse 30 (a category page of the storefront), search 25 (the search
page with a query), product 25 (a product page), cart 12 (GraphQL checkoutCreate +
checkoutLinesAdd), checkout 8 (the whole GraphQL checkout to checkoutComplete with the demo
gateway). An error is a transport failure, an HTTP status >= 400, a GraphQL error or a payload
error. Writes its figures as JSON to argv[1].

Environment: the bench database (bench/run.py passes it), BENCH_LOAD_CLIENTS (8),
BENCH_LOAD_REQUESTS (1200), BENCH_LOAD_SECONDS (60), BENCH_LOAD_PORT (8765).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.common import ROOT, percentile, setup_django

CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "8"))
MAX_REQUESTS = int(os.environ.get("BENCH_LOAD_REQUESTS", "1200"))
MAX_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
PORT = int(os.environ.get("BENCH_LOAD_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
MIX = [("browse", 30), ("search", 25), ("product", 25), ("cart", 12), ("checkout", 8)]
WORDS = ["mật ong", "chè", "nước mắm", "gốm", "gạo", "cà phê", "rượu", "bánh"]


class Budget:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.used = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def take(self) -> bool:
        with self.lock:
            if self.used >= MAX_REQUESTS or time.monotonic() > self.deadline:
                return False
            self.used += 1
            return True


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.requests = 0

    def add(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.requests += 1
            self.ms[kind].append(ms)
            if error:
                self.errors[kind] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{kind}: {error[:200]}")


class Failure(Exception):
    pass


def http(method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(BASE + path, data=body, method=method)
    request.add_header("Accept-Language", "vi")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def gql(query: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
    status, raw = http(
        "POST", "/graphql/", json.dumps({"query": query, "variables": variables}).encode()
    )
    if status >= 400:
        raise Failure(f"HTTP {status} {raw[:200]!r}")
    body = json.loads(raw)
    if body.get("errors"):
        raise Failure(str(body["errors"])[:200])
    payload: dict[str, Any] = body["data"][name]
    if payload.get("errors"):
        raise Failure(f"{name}: {payload['errors']}")
    return payload


def world() -> dict[str, Any]:
    """Product slugs, category codes and well-stocked variant ids, read before the run."""
    setup_django()
    from graphql_relay import to_global_id

    from backend.catalogue.models import Category, ProductVariant
    from backend.catalogue.selectors import public_products

    slugs = list(public_products().order_by("?").values_list("slug", flat=True)[:300])
    categories = list(Category.objects.filter(level=0).values_list("code", flat=True))
    variants = list(
        ProductVariant.objects.filter(
            quantity__gte=10**6, product__in=public_products()
        ).values_list("pk", flat=True)[:50]
    )
    if len(variants) < 3:
        from tests.checkout.factories import sellable_variant

        variants = [sellable_variant(quantity=10**7).pk for _ in range(6)]
    from django.db import connection

    connection.close()
    return {
        "slugs": slugs,
        "categories": categories,
        "variants": [to_global_id("ProductVariant", pk) for pk in variants],
    }


def shopper_step(kind: str, rng: random.Random, data: dict[str, Any]) -> None:
    from urllib.parse import quote

    from bench.checkout_bench import ADDRESS, COMPLETE, CREATE, DELIVERY, EMAIL, PAY, SHIP
    from bench.graphql_bench import LINES_ADD

    if kind == "browse":
        status, _ = http(
            "GET", f"/search/?category={rng.choice(data['categories'])}&page={rng.randint(1, 3)}"
        )
    elif kind == "search":
        status, _ = http("GET", f"/search/?q={quote(rng.choice(WORDS))}")
    elif kind == "product":
        status, _ = http("GET", f"/p/{rng.choice(data['slugs'])}/")
    else:
        a, b = rng.sample(data["variants"], 2)
        created = gql(
            CREATE, {"input": {"lines": [{"variantId": a, "quantity": 1}]}}, "checkoutCreate"
        )
        cid = created["checkout"]["id"]
        gql(LINES_ADD, {"id": cid, "lines": [{"variantId": b, "quantity": 1}]}, "checkoutLinesAdd")
        if kind == "checkout":
            gql(EMAIL, {"id": cid}, "checkoutEmailUpdate")
            shipped = gql(SHIP, {"id": cid, "a": ADDRESS}, "checkoutShippingAddressUpdate")
            method = shipped["checkout"]["availableShippingMethods"][0]["id"]
            chosen = gql(DELIVERY, {"id": cid, "m": method}, "checkoutDeliveryMethodUpdate")
            amount = chosen["checkout"]["totalPrice"]["gross"]["amount"]
            gql(PAY, {"id": cid, "amount": amount}, "checkoutPaymentCreate")
            gql(COMPLETE, {"id": cid}, "checkoutComplete")
        return
    if status >= 400:
        raise Failure(f"HTTP {status}")


def client_loop(index: int, budget: Budget, stats: Stats, data: dict[str, Any]) -> None:
    rng = random.Random(1000 + index)
    kinds = [k for k, w in MIX for _ in range(w)]
    while budget.take():
        kind = rng.choice(kinds)
        start = time.perf_counter()
        error = None
        try:
            shopper_step(kind, rng, data)
        except Exception as exc:  # counted, the run goes on
            error = repr(exc)
        stats.add(kind, (time.perf_counter() - start) * 1000, error)


def start_gunicorn() -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "backend.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if http("GET", "/healthz")[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def main(out_path: str) -> None:
    data = world()
    process = start_gunicorn()
    try:
        for slug in data["slugs"][:5]:  # warm both workers' caches a little
            http("GET", f"/p/{slug}/")
        budget, stats = Budget(), Stats()
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            for index in range(CLIENTS):
                pool.submit(client_loop, index, budget, stats, data)
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    report = {
        "clients": CLIENTS,
        "workers": 2,
        "max_requests": MAX_REQUESTS,
        "max_seconds": MAX_SECONDS,
        "seconds": round(elapsed, 2),
        "shopper_actions": stats.requests,
        "actions_per_second": round(stats.requests / elapsed, 2),
        "errors": sum(stats.errors.values()),
        "error_samples": stats.samples,
        "by_kind": {
            kind: {
                "count": len(times),
                "errors": stats.errors.get(kind, 0),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 95), 1),
            }
            for kind, times in sorted(stats.ms.items())
        },
    }
    print(json.dumps(report, indent=2))
    Path(out_path).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])

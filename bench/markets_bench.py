"""Export-compliance benchmark (run by `make bench`, or `python -m bench.markets_bench`).

Recomputes and stores the verdicts of N synthetic products (default 100,000) for every market
(9 markets: about 900,000 verdict rows), and reports products per second for:
1. the whole recompute (`verdicts_recompute`: facts read in chunks, pure evaluation, bulk
   upsert of the verdicts that changed): all new, nothing changed, all changed;
2. the pure evaluator alone on the same facts in memory (what the database costs on top);
and the number of database queries per chunk of 2,000 products.

Product facts are drawn from the demo catalogue's mix (pork, alcohol, fresh fruit, bird's
nest, wood, supplements ...) so every kind of rule fires. It uses its own PostgreSQL database
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ocop_bench_markets), creating
and migrating it, and writes bench/results/markets.json and bench/results/markets.md.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
N = int(os.environ.get("BENCH_MARKETS_PRODUCTS", "100000"))
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_bench_markets"
)

# (set code, facts) templates, after the demo catalogue's kinds of products.
TEMPLATES: list[tuple[str, dict[str, Any]]] = [
    ("IV-1", {"is_food_contact": True, "hs_code": "6911"}),
    ("IV-1", {"wood_species": "Artocarpus heterophyllus", "hs_code": "4420"}),
    ("IV-1", {"wood_species": "Aquilaria crassna", "cites_status": "APPENDIX_II"}),
    ("IV-1", {"hs_code": "4602"}),
    ("IV-2", {"hs_code": "6214"}),
    ("I-3d", {"storage_class": "FROZEN", "contains_seafood": True}),
    ("I-3d", {"storage_class": "CHILLED", "contains_pork": True, "contains_meat": True}),
    ("I-3d", {"contains_meat": True}),
    ("I-3d", {"contains_birds_nest": True, "hs_code": "0410"}),
    ("I-3b", {"shelf_life_days": 3}),
    ("I-3c", {"hs_code": "1704"}),
    ("I-5a", {"hs_code": "0902"}),
    ("I-4a", {"contains_seafood": True, "is_liquid": True, "hs_code": "2103"}),
    ("I-1a", {"is_fresh_produce": True, "fresh_produce_species": "bưởi", "storage_class": "FRESH"}),
    ("I-1a", {"is_fresh_produce": True, "fresh_produce_species": "vải thiều"}),
    ("I-6", {"hs_code": "0901"}),
    ("I-2b", {"is_liquid": True, "hs_code": "0409"}),
    ("III-1", {"is_supplement": True, "has_health_claim": True}),
    ("III-3", {"is_dangerous_goods": True, "is_liquid": True}),
    ("II-1a", {"contains_alcohol": True, "abv_percent": Decimal("29.5"), "is_liquid": True}),
    ("VI-1", {}),
]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
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


def ensure_catalogue(n: int) -> None:
    """n synthetic products (idempotent: tops up to n), 300 producers, a third of them holding
    an FDA registration and a HACCP certificate."""
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from backend.catalogue.models import Category, Product
    from backend.certification.models import ProducerDocument
    from backend.places.models import Province
    from backend.producers.models import Producer

    have = Product.objects.count()
    if have >= n:
        return
    rng = random.Random(7 + have)
    sets = {c.code: c for c in Category.objects.filter(level=1)}
    provinces = list(Province.objects.all())
    producers = list(Producer.objects.all()[:300])
    if not producers:
        Producer.objects.bulk_create(
            Producer(
                kind="COOPERATIVE",
                name=f"HTX bench {i}",
                slug=f"bench-markets-producer-{i}",
                province=rng.choice(provinces),
                verification_status="VERIFIED",
            )
            for i in range(300)
        )
        producers = list(Producer.objects.all()[:300])
        expires = timezone.localdate() + datetime.timedelta(days=400)
        ProducerDocument.objects.bulk_create(
            ProducerDocument(producer=p, kind=kind, expires_on=expires, is_verified=True)
            for p in producers[::3]
            for kind in ("FDA_REGISTRATION", "HACCP")
        )
    step = 5000
    for start in range(have, n, step):
        with transaction.atomic():
            rows = []
            for i in range(start, min(start + step, n)):
                set_code, facts = rng.choice(TEMPLATES)
                producer = rng.choice(producers)
                rows.append(
                    Product(
                        producer=producer,
                        category=sets[set_code],
                        name_vi=f"Sản phẩm bench {i}",
                        slug=f"bench-markets-{i}",
                        province_id=producer.province_id,
                        moderation_status="APPROVED",
                        **facts,
                    )
                )
            Product.objects.bulk_create(rows, batch_size=1000)
        print(f"  catalogue: {min(start + step, n)}/{n} products", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bench_recompute() -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backend.catalogue.models import Product
    from backend.compliance.evaluator import evaluate, evaluate_all, fired_rules
    from backend.compliance.facts import load_facts
    from backend.compliance.models import ProductMarketVerdict
    from backend.compliance.selectors import load_ruleset
    from backend.compliance.services import verdicts_recompute

    n = Product.objects.count()
    ProductMarketVerdict.objects.all().delete()
    ruleset = load_ruleset()
    out: dict[str, Any] = {"products": n, "markets": len(ruleset.markets)}

    def run(label: str) -> None:
        start = time.perf_counter()
        done = verdicts_recompute()
        took = time.perf_counter() - start
        out[label] = {
            "seconds": round(took, 2),
            "products_per_second": round(done / took),
            "verdicts_per_second": round(done * len(ruleset.markets) / took),
        }
        print(f"  {label}: {out[label]}", flush=True)

    run("first_run_all_new")
    run("second_run_nothing_changed")
    # Make every stored verdict differ, so the third run rewrites all 900,000 rows.
    ProductMarketVerdict.objects.update(digest="")
    run("third_run_all_changed")
    out["verdict_rows"] = ProductMarketVerdict.objects.count()
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    with CaptureQueriesContext(connection) as ctx:
        verdicts_recompute(product_ids=ids, ruleset=ruleset)
    out["queries_per_chunk_of_2000"] = len(ctx.captured_queries)
    all_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    start = time.perf_counter()
    facts = [f for i in range(0, len(all_ids), 2000) for f in load_facts(all_ids[i : i + 2000])]
    read = time.perf_counter() - start
    fresh = load_ruleset()
    start = time.perf_counter()
    for f in facts:
        evaluate_all(f, fresh)
    pure = time.perf_counter() - start
    start = time.perf_counter()
    for f in facts:  # without sharing results between products
        fired = fired_rules(f, fresh)
        for market in fresh.markets:
            evaluate(f, fresh, market, fired)
    raw = time.perf_counter() - start
    out["facts_read_products_per_second"] = round(len(facts) / read)
    out["pure_evaluator_products_per_second"] = round(len(facts) / pure)
    out["pure_evaluator_unshared_products_per_second"] = round(len(facts) / raw)
    out["distinct_verdict_sets"] = len(fresh.memo)
    counts: dict[str, int] = {}
    for verdict in ProductMarketVerdict.objects.values_list("verdict", flat=True).iterator():
        counts[verdict] = counts.get(verdict, 0) + 1
    out["verdict_mix"] = counts
    return out


def bench_filter(samples: int = 20) -> dict[str, Any]:
    """Filtering products by market verdict against filtering by stars: COUNT plus the first
    page of 100, median of `samples` runs each (the verdicts are stored and indexed)."""
    import statistics

    from backend.catalogue.selectors import in_force_q, public_products
    from backend.graphql.markets.filters import filter_products_by_market

    def timed(make: Any) -> float:
        runs = []
        for _ in range(samples):
            start = time.perf_counter()
            qs = make()
            qs.count()
            list(qs.order_by("pk").values_list("pk", flat=True)[:100])
            runs.append((time.perf_counter() - start) * 1000)
        return round(statistics.median(runs), 1)

    return {
        "market_EU_not_blocked_ms": timed(
            lambda: filter_products_by_market(public_products(), "EU")
        ),
        "market_GCC_eligible_ms": timed(
            lambda: filter_products_by_market(public_products(), "GCC", ["ELIGIBLE"])
        ),
        "stars_4_or_5_ms": timed(
            lambda: public_products().filter(in_force_q(), current_certificate__stars__gte=4)
        ),
    }


def main() -> None:
    print(f"markets bench: {N} products in {DB_URL}", flush=True)
    setup_django()
    # Changed verdicts are queued for search reindexing; that cost belongs to the search
    # benchmark, so it is switched off here.
    import search.sync

    search.sync.schedule_products = lambda *args, **kwargs: None
    ensure_catalogue(N)
    report: dict[str, Any] = {"recompute": bench_recompute()}
    print("  filters ...", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum does after a bulk rewrite
        cursor.execute("VACUUM ANALYZE compliance_productmarketverdict")
    report["filter_count_and_page_of_100"] = bench_filter()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "markets.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    r = report["recompute"]
    lines = [
        "# Export-compliance benchmark",
        "",
        f"{r['products']} products x {r['markets']} markets = {r['verdict_rows']} stored verdicts"
        " (PostgreSQL, 2 cores).",
        "",
        "| run | seconds | products/s | verdicts/s |",
        "|---|---|---|---|",
    ]
    for label in ("first_run_all_new", "second_run_nothing_changed", "third_run_all_changed"):
        v = r[label]
        lines.append(
            f"| {label} | {v['seconds']} | {v['products_per_second']} | "
            f"{v['verdicts_per_second']} |"
        )
    lines += [
        "",
        f"- facts read: {r['facts_read_products_per_second']} products/s",
        f"- pure evaluator, 9 markets: {r['pure_evaluator_products_per_second']} products/s"
        f" ({r['distinct_verdict_sets']} distinct verdict sets shared);"
        f" without sharing {r['pure_evaluator_unshared_products_per_second']} products/s",
        f"- queries per chunk of 2,000 products: {r['queries_per_chunk_of_2000']}",
        f"- verdict mix: {r['verdict_mix']}",
        "",
        "Filter, COUNT + first page of 100 (median ms): "
        + ", ".join(f"{k} {v}" for k, v in report["filter_count_and_page_of_100"].items()),
    ]
    (RESULTS / "markets.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Search benchmarks (run by `make bench`, or `python -m bench.search_bench`).

1. Full reindex of N synthetic products (default 100,000): documents per second of our
   pipeline (read + build documents + load) against a raw bulk load of the same prebuilt
   documents in the same run. The database backend always; Elasticsearch only against a real
   cluster given by BENCH_ELASTICSEARCH_URL (the noida-db emulator scans every document and
   is not fit for timing).
2. Database backend on PostgreSQL with N products: p50 and p95 of a search with all facets.
3. Database queries for one hydrated GraphQL page of 100 hits.

It uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ocop_bench_search), creating and migrating it, and writes
bench/results/search.json and bench/results/search.md.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
N = int(os.environ.get("BENCH_SEARCH_PRODUCTS", "100000"))
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_bench_search"
)
ES_URL = os.environ.get("BENCH_ELASTICSEARCH_URL", "")
SAMPLES = int(os.environ.get("BENCH_SEARCH_SAMPLES", "60"))


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = DB_URL
    os.environ["SEARCH_BACKEND"] = "database"
    os.environ["ELASTICSEARCH_URL"] = ""
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


def _vocabulary() -> list[str]:
    import csv

    words: list[str] = []
    path = Path("/work/shared/domain/demo-catalogue.csv")
    if path.exists():
        with path.open() as fh:
            for row in csv.DictReader(fh):
                words.extend(w for w in row["product_vi"].replace("(", " ").split() if w.isalpha())
    return sorted(set(words)) or ["Chả", "cá", "Gốm", "Bát", "Tràng", "Nước", "mắm", "Mật", "ong"]


def ensure_catalogue(n: int) -> None:
    """Creates n synthetic public products (idempotent: tops up to n)."""
    import datetime
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from backend.catalogue.models import Category, ModerationStatus, Product, ProductVariant
    from backend.certification.models import OcopCertificate
    from backend.places.models import Province
    from backend.producers.models import Producer, ProducerKind

    have = Product.objects.count()
    if have >= n:
        return
    rng = random.Random(42 + have)
    words = _vocabulary()
    sets = list(Category.objects.filter(level=1))
    provinces = list(Province.objects.all())
    kinds = [k.value for k in ProducerKind]
    producers = list(Producer.objects.all()[:500])
    if not producers:
        Producer.objects.bulk_create(
            Producer(
                kind=rng.choice(kinds),
                name=f"HTX {' '.join(rng.sample(words, 2))} {i}",
                slug=f"bench-producer-{i}",
                province=rng.choice(provinces),
                verification_status="VERIFIED",
            )
            for i in range(500)
        )
        producers = list(Producer.objects.all()[:500])
    today = timezone.localdate()
    step = 5000
    for start in range(have, n, step):
        with transaction.atomic():
            products = [
                Product(
                    producer=(producer := rng.choice(producers)),
                    category=rng.choice(sets),
                    name_vi=" ".join(rng.sample(words, 4)),
                    name_en=f"Product {i}",
                    slug=f"bench-{i}",
                    slug_en=f"bench-en-{i}",
                    description_vi=" ".join(rng.choices(words, k=25)),
                    description_en="A synthetic OCOP product for benchmarks.",
                    province=producer.province,
                    moderation_status=ModerationStatus.APPROVED,
                    price_min=Decimal(rng.randrange(20, 3000) * 1000),
                )
                for i in range(start, min(start + step, n))
            ]
            for p in products:
                p.price_max = p.price_min
            Product.objects.bulk_create(products, batch_size=1000)
            ProductVariant.objects.bulk_create(
                [
                    ProductVariant(
                        product=p,
                        sku=f"BENCH-{p.slug}",
                        name_vi="hộp",
                        price_amount=p.price_min,
                        weight_grams=500,
                        quantity=rng.randrange(0, 50),
                    )
                    for p in products
                ],
                batch_size=1000,
            )
            certs = []
            for p in products:
                if rng.random() < 0.7:
                    decided = today - datetime.timedelta(days=rng.randrange(10, 1400))
                    certs.append(
                        OcopCertificate(
                            product=p,
                            decision_number=f"{p.pk}/QĐ-UBND",
                            issuing_authority="UBND",
                            decision_date=decided,
                            expires_on=decided + datetime.timedelta(days=1095),
                            stars=rng.choice([3, 3, 4, 4, 4, 5]),
                            potential_five_star=rng.random() < 0.05,
                            criteria_version="148/2023",
                            kind="NEW",
                            status="VERIFIED",
                        )
                    )
            OcopCertificate.objects.bulk_create(certs, batch_size=1000)
        print(f"  catalogue: {min(start + step, n)}/{n} products", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalogue_product p SET current_certificate_id = c.id "
            "FROM certification_ocopcertificate c "
            "WHERE c.product_id = p.id AND p.current_certificate_id IS NULL"
        )
        cursor.execute("ANALYZE")


def bench_database_reindex(rounds: int = 2) -> dict[str, Any]:
    """Raw and pipeline alternate `rounds` times; the best time of each counts (the machine is
    shared, so single runs are noisy)."""
    from django.db import connection

    from search.backends.database import DatabaseBackend, document_row
    from search.documents import iter_document_batches
    from search.models import ProductSearchDocument

    documents = [d for batch in iter_document_batches(1000) for d in batch]
    raw_times, pipeline_times = [], []
    n = 0
    for _ in range(rounds):
        rows = [document_row(d) for d in documents]  # prebuilt outside the timing
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_productsearchdocument")
        started = time.perf_counter()
        ProductSearchDocument.objects.bulk_create(rows, batch_size=1000)
        raw_times.append(time.perf_counter() - started)

        started = time.perf_counter()
        n = DatabaseBackend().reindex(batch_size=1000)
        pipeline_times.append(time.perf_counter() - started)
    raw, pipeline = min(raw_times), min(pipeline_times)
    return {
        "documents": n,
        "rounds": rounds,
        "pipeline_seconds": round(pipeline, 2),
        "pipeline_docs_per_second": round(n / pipeline),
        "raw_bulk_seconds": round(raw, 2),
        "raw_docs_per_second": round(len(documents) / raw),
        "pipeline_vs_raw": round((n / pipeline) / (len(documents) / raw), 3),
        "note": "raw = bulk INSERT of prebuilt rows into the emptied table; pipeline = "
        "manage.py search_reindex's work: read products, build documents, replace the rows "
        "and the vocabulary in one transaction. Best of the rounds.",
    }


def bench_elasticsearch_reindex() -> dict[str, Any]:
    if not ES_URL:
        return {
            "skipped": "no real Elasticsearch: set BENCH_ELASTICSEARCH_URL (the noida-db "
            "emulator scans every document and is not fit for timing)"
        }
    from elasticsearch import helpers

    from search.backends.elasticsearch import ElasticsearchBackend
    from search.documents import iter_document_batches

    backend = ElasticsearchBackend(ES_URL, "bench", timeout=30)
    started = time.perf_counter()
    n = backend.reindex(batch_size=1000)
    pipeline = time.perf_counter() - started

    documents = [d for batch in iter_document_batches(1000) for d in batch]
    index = backend.new_index_name()
    backend.create_index(index)
    started = time.perf_counter()
    helpers.bulk(
        backend.es.options(request_timeout=120),
        ({"_index": index, "_id": d["id"], "_source": d} for d in documents),
        chunk_size=1000,
    )
    backend.es.indices.refresh(index=index)
    raw = time.perf_counter() - started
    backend.es.indices.delete(index=index)
    return {
        "documents": n,
        "pipeline_docs_per_second": round(n / pipeline),
        "raw_docs_per_second": round(len(documents) / raw),
        "pipeline_vs_raw": round((n / pipeline) / (len(documents) / raw), 3),
    }


def bench_database_search() -> dict[str, Any]:
    from search.backends.base import SearchFilters, SearchQuery
    from search.backends.database import DatabaseBackend

    backend = DatabaseBackend()
    texts = ["", "cha ca", "gom bat trang", "nuoc mam", "mat ong", "bat trag", "dac san ha noi"]
    filters = [
        SearchFilters(),
        SearchFilters(stars=[5]),
        SearchFilters(provinces=["01"], stars=[4, 5]),
        SearchFilters(categories=["I"], price_ranges=["100000-300000"]),
    ]
    cases = [(t, f) for t in texts for f in filters]
    for text, f in cases[:4]:  # warm-up
        backend.search(SearchQuery(text=text, filters=f))
    timings = []
    for i in range(SAMPLES):
        text, f = cases[i % len(cases)]
        started = time.perf_counter()
        backend.search(SearchQuery(text=text, filters=f, limit=20))
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "samples": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
        "facets": "category group+set, stars, province, craft village, producer kind, market, "
        "price range",
    }


def bench_hydrated_page_queries() -> dict[str, Any]:
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from backend.graphql.api import schema

    query = """{ search(query: "", first: 100) { totalCount
        edges { highlight node { id name slug } } facets { field } } }"""
    request = RequestFactory().post("/graphql/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as ctx:
        result = schema.execute(query, context_value=request)
    if result.errors:
        return {"error": str(result.errors[0])[:300]}
    return {
        "hits": len(result.data["search"]["edges"]),
        "queries": len(ctx.captured_queries),
    }


def main() -> None:
    print(f"search bench: {N} products in {DB_URL}", flush=True)
    setup_django()
    ensure_catalogue(N)
    report: dict[str, Any] = {"products": N}
    print("  database reindex ...", flush=True)
    report["database_reindex"] = bench_database_reindex()
    print("  elasticsearch reindex ...", flush=True)
    report["elasticsearch_reindex"] = bench_elasticsearch_reindex()
    print("  database search ...", flush=True)
    report["database_search"] = bench_database_search()
    print("  hydrated page ...", flush=True)
    report["hydrated_page_of_100"] = bench_hydrated_page_queries()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    lines = ["# Search benchmark", ""]
    for section, values in report.items():
        if isinstance(values, dict):
            lines.append(f"## {section}")
            lines.extend(f"- {k}: {v}" for k, v in values.items())
            lines.append("")
        else:
            lines.append(f"- {section}: {values}")
    (RESULTS / "search.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

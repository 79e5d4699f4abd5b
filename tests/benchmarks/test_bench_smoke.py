"""Smoke tests of `make bench`'s own code: the statistics, the plain-view baseline of the
GraphQL-overhead figure (it must serve the same products as GraphQL), the query budgets the
README quotes, and the report writer."""

from __future__ import annotations

import json

import pytest

from bench.common import database_url, django_env, fmt, percentile, spread
from bench.graphql_bench import OVERHEAD_QUERY, PRODUCTS
from tests.checkout.factories import sellable_variant
from tests.graphql_helpers import GraphQLClient


def test_percentile_and_spread():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([3.0], 95) == 3.0
    summary = spread([10.0, 12.0, 11.0])
    assert summary == {"median": 11.0, "min": 10.0, "max": 12.0, "runs": 3}
    assert fmt(summary, " ms") == "11 ms (10–12)"
    assert fmt(spread([5.0, 5.0])) == "5"
    with pytest.raises(ValueError):
        percentile([], 50)


def test_bench_database_is_never_the_main_one(monkeypatch, tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # the SQLite file's folder
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop")
    assert database_url() == "postgres://postgres@127.0.0.1:5432/ocop_bench_run"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url().startswith("sqlite:///") and database_url().endswith("bench.sqlite3")
    env = django_env("sqlite:////tmp/x.sqlite3")
    assert env["RATE_LIMITS"] == "" and env["DATABASE_URL"] == "sqlite:////tmp/x.sqlite3"


def test_recreate_refuses_other_databases():
    from bench.common import recreate_database

    with pytest.raises(SystemExit):
        recreate_database("postgres://postgres@127.0.0.1:5432/ocop")


@pytest.mark.django_db
def test_plain_view_serves_the_same_products_as_graphql(client, settings):
    settings.ROOT_URLCONF = "bench.load.plain"
    for i in range(4):
        sellable_variant(price=100_000 + i * 1000, name_vi=f"Sản phẩm {i}")
    graphql = GraphQLClient(client).query(OVERHEAD_QUERY)
    plain = client.get("/__bench__/plain-products/").json()["data"]
    assert plain["products"]["totalCount"] == graphql["products"]["totalCount"] == 4
    g_nodes = [e["node"] for e in graphql["products"]["edges"]]
    p_nodes = [e["node"] for e in plain["products"]["edges"]]
    assert [n["id"] for n in p_nodes] == [n["id"] for n in g_nodes]
    for g_node, p_node in zip(g_nodes, p_nodes, strict=True):
        assert p_node["name"] == g_node["name"] and p_node["slug"] == g_node["slug"]
        assert p_node["stars"] == g_node["stars"]
        assert p_node["producer"] == g_node["producer"]
        assert [v["sku"] for v in p_node["variants"]] == [v["sku"] for v in g_node["variants"]]
        assert [v["quantityAvailable"] for v in p_node["variants"]] == [
            v["quantityAvailable"] for v in g_node["variants"]
        ]
        assert [float(v["pricing"]["price"]["amount"]) for v in g_node["variants"]] == [
            v["pricing"]["price"]["amount"] for v in p_node["variants"]
        ]


@pytest.mark.django_db
def test_product_list_queries_do_not_grow_with_the_page(client, django_assert_max_num_queries):
    """The budget the README reports for products(first: 10) and (first: 100)."""
    for _ in range(12):
        sellable_variant()
    api = GraphQLClient(client)
    counts = []
    for n in (3, 12):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            api.query(PRODUCTS, {"n": n})
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 8, counts


def test_report_writer_handles_a_run(tmp_path):
    from bench import run

    ops = {
        name: {"queries": q, "p50_ms": 10.0, "p95_ms": 20.0}
        for name, q in (("products(first: 10)", 5), ("checkoutCreate", 5), ("checkoutComplete", 39))
    }
    page = {"home": {"status": 200, "queries": 7, "p50_ms": 5.0, "p95_ms": 9.0}}
    overhead = {
        "same_products": True,
        "graphql_queries": 4,
        "plain_queries": 4,
        "graphql_p50_ms": 12.0,
        "plain_p50_ms": 10.0,
        "ratio": 1.2,
    }
    report = {
        "started": "2026-01-01 00:00",
        "machine": "test",
        "products": 10,
        "database_vendor": "SQLite",
        "fuzz_examples": 1,
        "generate": {"seconds": 1.0},
        "graphql": {
            "rounds": 2,
            "samples": 3,
            "reindex": {"documents": 10, "seconds": 0.1, "per_second": 100},
            "operations": [ops, ops],
            "pages": [page, page],
            "overhead": [overhead, {**overhead, "ratio": 1.4}],
        },
        "steps": {"load": {"status": "skipped", "seconds": 0}},
    }
    text = run.report_markdown(json.loads(json.dumps(report)))
    assert "| products(first: 10) | 5 | 16 |" in text
    assert "| checkoutComplete | 39 | 230 |" in text
    assert "ratio GraphQL / plain: 1.30** (1.20–1.40" in text
    assert "| home | 200 | 7 |" in text

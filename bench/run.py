"""`make bench`: the whole benchmark run, written to bench/results/latest.md (+ latest.json).

1. A throw-away database (bench/common.py `database_url`: PostgreSQL beside DATABASE_URL when
   it is set, else a temporary SQLite file), migrated, with `manage.py generate_catalogue
   --products N` (BENCH_PRODUCTS, default 10,000; `make bench BENCH_PRODUCTS=100000`).
2. bench/graphql_bench.py in its own process: queries and p50/p95 per GraphQL operation and
   storefront page, the GraphQL-overhead ratio, the database search reindex.
3. bench/load/shoppers.py: the bounded load test against gunicorn (2 workers, loopback).
4. The schemathesis fuzz run, longer than in `make test` (FUZZ_MAX_EXAMPLES, default 10).
5. The per-area benches (bench/<area>_bench.py: search, markets, checkout, storefront), each in
   its own process with its own PostgreSQL database, with N products where they take a size.
   They write bench/results/<area>.md; the report includes them. Skipped without PostgreSQL.

Options: --products N, --rounds R, --samples S, --skip load,fuzz,areas (any of them),
--areas search,checkout (a subset).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench.common import (
    RESULTS,
    ROOT,
    database_url,
    django_env,
    fmt,
    machine_note,
    recreate_database,
    spread,
)

PYTHON = sys.executable
AREAS = {
    "search": "BENCH_SEARCH_PRODUCTS",
    "markets": "BENCH_MARKETS_PRODUCTS",
    "checkout": None,
    "storefront": "BENCH_STOREFRONT_PRODUCTS",
}
# Saleor's published figures for the same operations (the anchors of issue 9).
ANCHORS = {"products(first: 10)": 16, "checkoutCreate": 89, "checkoutComplete": 230}


def step(title: str, command: list[str], env: dict[str, str], timeout: int) -> dict[str, Any]:
    print(f"\n== {title}: {' '.join(command)}", flush=True)
    start = time.perf_counter()
    try:
        completed = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout, check=False)
        status = "ok" if completed.returncode == 0 else f"failed (exit {completed.returncode})"
    except subprocess.TimeoutExpired:
        status = f"stopped after {timeout} s"
    seconds = round(time.perf_counter() - start, 1)
    print(f"== {title}: {status} in {seconds} s", flush=True)
    return {"status": status, "seconds": seconds}


def summarise_operations(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    names = list(rounds[0])
    return {
        name: {
            metric: spread([r[name][metric] for r in rounds])
            for metric in ("queries", "p50_ms", "p95_ms")
        }
        for name in names
    }


def report_markdown(run: dict[str, Any]) -> str:
    g = run.get("graphql") or {}
    lines = [
        "# `make bench` report",
        "",
        f"- When: {run['started']} (UTC); {run['machine']}; Python {platform.python_version()}",
        "- The machine may be shared (other test runs, other benches): compare ratios and "
        "query counts, which do not depend on load, rather than absolute times between runs.",
        f"- Database: {run['database_vendor']}; catalogue: {run['products']:,} products from "
        f"`generate_catalogue` in {run['generate']['seconds']} s",
        f"- Each figure: the median of {g.get('rounds', '?')} rounds, with the spread "
        f"(min–max) in brackets when the rounds differ; each round takes {g.get('samples', '?')} "
        "samples per operation (p50/p95 within a round). In-process times go through Django's "
        "test client with the whole middleware stack (no network).",
        "",
    ]
    if g:
        ops = summarise_operations(g["operations"])
        lines += [
            "## GraphQL operations",
            "",
            "| operation | DB queries | Saleor anchor | p50 ms | p95 ms |",
            "|---|---|---|---|---|",
        ]
        for name, row in ops.items():
            anchor = ANCHORS.get(name)
            lines.append(
                f"| {name} | {fmt(row['queries'])} | {anchor if anchor else '–'} | "
                f"{fmt(row['p50_ms'])} | {fmt(row['p95_ms'])} |"
            )
        pages = summarise_operations(g["pages"])
        lines += [
            "",
            "## Storefront pages",
            "",
            "Pages and the shopper's cart come from bench/storefront_bench.py.",
            "",
            "| page | HTTP status | DB queries | p50 ms | p95 ms |",
            "|---|---|---|---|---|",
        ]
        for name, row in pages.items():
            statuses = sorted({str(r[name]["status"]) for r in g["pages"]})
            lines.append(
                f"| {name} | {', '.join(statuses)} | {fmt(row['queries'])} | "
                f"{fmt(row['p50_ms'])} | {fmt(row['p95_ms'])} |"
            )
        overhead = g["overhead"]
        ratio = spread([o["ratio"] for o in overhead])
        lines += [
            "",
            "## GraphQL overhead",
            "",
            "`products(first: 100)` (id, name, slug, stars, producer name, variants with price "
            "and stock) through GraphQL, against the same products serialised by a plain Django "
            "JSON view with the same selectors (bench/load/plain.py), alternating in each round:",
            "",
            f"- GraphQL p50: {fmt(spread([o['graphql_p50_ms'] for o in overhead]), ' ms')}, "
            f"{overhead[0]['graphql_queries']} queries",
            f"- plain JSON view p50: {fmt(spread([o['plain_p50_ms'] for o in overhead]), ' ms')}, "
            f"{overhead[0]['plain_queries']} queries",
            f"- **ratio GraphQL / plain: {ratio['median']:.2f}** "
            f"({ratio['min']:.2f}–{ratio['max']:.2f} over the rounds); same products in both: "
            f"{all(o['same_products'] for o in overhead)}",
            "",
            "## Search reindex (database backend)",
            "",
            f"- {g['reindex']['documents']:,} documents in {g['reindex']['seconds']} s "
            f"({g['reindex']['per_second']:,}/s), one run",
        ]
    else:
        lines += ["## GraphQL operations", "", f"Not measured: {run['steps']['graphql']}"]
    load = run.get("load")
    lines += ["", "## Load test (gunicorn, 2 workers, loopback)", ""]
    if load:
        lines += [
            f"- {load['clients']} concurrent shoppers (threads), bounded by {load['max_requests']} "
            f"actions or {load['max_seconds']:g} s: {load['shopper_actions']} actions in "
            f"{load['seconds']} s",
            f"- **throughput {load['actions_per_second']} shopper actions/s, "
            f"{load['errors']} errors** (one run: a load test is one long sample)",
            "",
            "| action | count | errors | p50 ms | p95 ms |",
            "|---|---|---|---|---|",
        ]
        for kind, row in load["by_kind"].items():
            lines.append(
                f"| {kind} | {row['count']} | {row['errors']} | {row['p50_ms']} | {row['p95_ms']} |"
            )
        lines += [
            "",
            "browse = a category page, search = the search page, product = a product page, "
            "cart = checkoutCreate + checkoutLinesAdd, checkout = the whole checkout to "
            "checkoutComplete (6 more mutations); times are per action, client side.",
        ]
        if run["database_vendor"] == "SQLite":
            lines += [
                "",
                "SQLite takes one writer at a time: with two workers, concurrent carts can fail "
                "with 'database is locked' (an INTERNAL_ERROR to the client). Load figures are "
                "meaningful on PostgreSQL (set DATABASE_URL).",
            ]
        if load["error_samples"]:
            lines += ["", "Errors seen:", *[f"- `{e}`" for e in load["error_samples"]]]
    else:
        lines.append(f"Not run: {run['steps'].get('load', 'skipped')}")
    fuzz = run["steps"].get("fuzz")
    lines += ["", "## Fuzzing", ""]
    if fuzz:
        lines.append(
            f"- schemathesis over every query and mutation, {run['fuzz_examples']} examples each "
            f"(fixed seed): {fuzz['status']} in {fuzz['seconds']} s (no 5xx, no INTERNAL_ERROR)"
        )
    else:
        lines.append("- skipped")
    lines += ["", "## Per-area benches", ""]
    for area in AREAS:
        result = run["steps"].get(f"area:{area}")
        md = RESULTS / f"{area}.md"
        state = result["status"] + f" in {result['seconds']} s" if result else "not run this time"
        lines.append(f"### {area} ({state}; bench/results/{area}.md)")
        lines.append("")
        if md.exists():
            body = md.read_text().strip().splitlines()
            lines += ["###" + line if line.startswith("#") else line for line in body]
        else:
            lines.append("No results file.")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--products", type=int, default=int(os.environ.get("BENCH_PRODUCTS", "10000"))
    )
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "5")))
    parser.add_argument("--samples", type=int, default=int(os.environ.get("BENCH_SAMPLES", "20")))
    parser.add_argument("--skip", default=os.environ.get("BENCH_SKIP", ""))
    parser.add_argument("--areas", default=os.environ.get("BENCH_AREAS", ",".join(AREAS)))
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    fuzz_examples = int(os.environ.get("FUZZ_MAX_EXAMPLES", "10"))

    url = database_url()
    recreate_database(url)
    env = django_env(url)
    env.update({"BENCH_ROUNDS": str(args.rounds), "BENCH_SAMPLES": str(args.samples)})
    run: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "machine": machine_note(),
        "products": args.products,
        "database_vendor": "PostgreSQL" if url.startswith("postgres") else "SQLite",
        "fuzz_examples": fuzz_examples,
        "steps": {},
    }
    manage = [PYTHON, "manage.py"]
    migrate = step("migrate", [*manage, "migrate", "--noinput", "-v", "0"], env, 900)
    if migrate["status"] != "ok":
        raise SystemExit("migrate failed")
    run["generate"] = step(
        "generate_catalogue",
        [*manage, "generate_catalogue", "--products", str(args.products), "-v", "0"],
        env,
        3600,
    )
    out = RESULTS / ".graphql.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    run["steps"]["graphql"] = step(
        "GraphQL and pages", [PYTHON, "-m", "bench.graphql_bench", str(out)], env, 3600
    )
    if out.exists():
        run["graphql"] = json.loads(out.read_text())
        out.unlink()
    if "load" not in skip:
        load_out = RESULTS / ".load.json"
        run["steps"]["load"] = step(
            "load test", [PYTHON, "-m", "bench.load.shoppers", str(load_out)], env, 600
        )
        if load_out.exists():
            run["load"] = json.loads(load_out.read_text())
            load_out.unlink()
    if "fuzz" not in skip:
        fuzz_env = {**os.environ, "FUZZ_MAX_EXAMPLES": str(fuzz_examples)}
        fuzz_env.pop("BENCH_DATABASE_URL", None)
        run["steps"]["fuzz"] = step(
            "fuzz",
            [PYTHON, "-m", "pytest", "tests/hardening/test_fuzz.py", "-q", "-p", "no:warnings"],
            fuzz_env,
            1800,
        )
    if "areas" not in skip:
        for area in [a.strip() for a in args.areas.split(",") if a.strip() in AREAS]:
            area_env = dict(os.environ)
            size_var = AREAS[area]
            if size_var:
                area_env.setdefault(size_var, str(args.products))
            if not url.startswith("postgres"):
                run["steps"][f"area:{area}"] = {
                    "status": "skipped (needs PostgreSQL: set DATABASE_URL)",
                    "seconds": 0,
                }
                continue
            # Each area bench gets its own fresh database beside this run's (not the default
            # names their authors may be using at the same time).
            area_url = f"{url.rpartition('/')[0]}/ocop_bench_run_{area}"
            recreate_database(area_url)
            area_env["BENCH_DATABASE_URL"] = area_url
            area_env["BENCH_STOREFRONT_DATABASE_URL"] = area_url
            run["steps"][f"area:{area}"] = step(
                f"{area} bench", [PYTHON, "-m", f"bench.{area}_bench"], area_env, 3600
            )
    (RESULTS / "latest.json").write_text(json.dumps(run, indent=2))
    (RESULTS / "latest.md").write_text(report_markdown(run))
    print(f"\nWrote {RESULTS / 'latest.md'}")


if __name__ == "__main__":
    main()

"""Shared helpers of `make bench` (bench/run.py, bench/graphql_bench.py, bench/load/)."""

from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def percentile(values: Iterable[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def spread(values: list[float]) -> dict[str, float]:
    """Median of several runs with its spread (min and max of the runs)."""
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "runs": len(values),
    }


def fmt(summary: dict[str, float], unit: str = "") -> str:
    """'12.3 ms (11.9-13.0)' or '16' when every run gave the same figure."""
    median, low, high = summary["median"], summary["min"], summary["max"]

    def number(value: float) -> str:
        return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"

    if low == high:
        return f"{number(median)}{unit}"
    return f"{number(median)}{unit} ({number(low)}–{number(high)})"


def time_ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def database_url() -> str:
    """The throw-away database of this run: BENCH_DATABASE_URL, else a PostgreSQL database
    beside DATABASE_URL's (same server, name ocop_bench_run), else a temporary SQLite file."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        server, _, _name = base.rpartition("/")
        return f"{server}/ocop_bench_run"
    folder = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    return f"sqlite:///{folder / 'bench.sqlite3'}"


def recreate_database(url: str) -> None:
    """Drops and creates a PostgreSQL database (a SQLite file is simply new)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    server, _, name = url.rpartition("/")
    if not name.startswith("ocop_bench"):
        raise SystemExit(f"refusing to drop {name!r}: bench databases are named ocop_bench*")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def django_env(url: str) -> dict[str, str]:
    """Environment of a bench process: the bench database, eager tasks, search in the
    database, no rate limits (every simulated shopper comes from 127.0.0.1)."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "backend.settings",
            "SEARCH_BACKEND": "database",
            "ELASTICSEARCH_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DEMO_PAYMENT_GATEWAY_ENABLED": "true",
            "RATE_LIMITS": "",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def setup_django() -> None:
    """In a bench subprocess whose environment came from `django_env`."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()


def machine_note() -> str:
    load1, load5, _ = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs, load average {load1:.1f} (1 min) / {load5:.1f} (5 min) "
        "when measured"
    )

"""Small load probe for a running stack: latency of HTTP endpoints and of a Celery round trip.

    python infra/measure.py --url http://127.0.0.1:8000 --paths /healthz /readyz -n 500 -c 8
    python infra/measure.py --celery -n 100          # needs CELERY_BROKER_URL/RESULT_BACKEND

Prints one JSON object per measurement (count, errors, requests/s, p50/p95/max in ms). The
numbers in infra/README.md came from this script; `make bench` measures the application.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def summary(name: str, samples: list[float], errors: int, seconds: float) -> dict:
    ordered = sorted(samples) or [0.0]
    return {
        "measure": name,
        "count": len(samples),
        "errors": errors,
        "per_second": round(len(samples) / seconds, 1) if seconds else None,
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def http(url: str, n: int, concurrency: int) -> dict:
    def one(_: int) -> float | None:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read()
        except Exception:
            return None
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(n)))
    seconds = time.perf_counter() - started
    samples = [r for r in results if r is not None]
    return summary(f"GET {url} (concurrency {concurrency})", samples, n - len(samples), seconds)


def celery_round_trip(n: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from backend.celery import app

    samples, errors = [], 0
    started = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        try:
            app.send_task("ocop.ping").get(timeout=10)
            samples.append(time.perf_counter() - t0)
        except Exception:
            errors += 1
    return summary("celery ocop.ping round trip", samples, errors, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--paths", nargs="*", default=["/healthz", "/readyz"])
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("-c", type=int, default=4)
    parser.add_argument("--celery", action="store_true")
    args = parser.parse_args()
    if args.celery:
        print(json.dumps(celery_round_trip(args.n)))
        return
    for path in args.paths:
        print(json.dumps(http(args.url.rstrip("/") + path, args.n, args.c)))


if __name__ == "__main__":
    main()

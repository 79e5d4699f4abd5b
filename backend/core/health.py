"""Readiness checks: is each service the web process depends on reachable right now?

Each check returns a `CheckResult` and never raises: a failure is reported with the error
text, so `/readyz` can say *what* is down. Checks are bounded in time (database connect
timeout, Redis socket timeout, Elasticsearch request timeout) so a dead service makes the
probe fail quickly instead of hanging it.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connections

# Seconds a readiness check may spend on one service.
CHECK_TIMEOUT = 2.0


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str = ""
    duration_ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": "ok" if self.ok else "error",
            "duration_ms": round(self.duration_ms, 1),
        }
        if self.detail:
            data["detail"] = self.detail
        data.update(self.extra)
        return data


def _timed(name: str, fn: Callable[[], dict[str, Any] | None]) -> CheckResult:
    started = time.perf_counter()
    try:
        extra = fn() or {}
    except Exception as exc:  # a readiness probe reports every failure, whatever it is
        return CheckResult(
            name,
            ok=False,
            detail=f"{type(exc).__name__}: {str(exc).strip()[:300]}",
            duration_ms=(time.perf_counter() - started) * 1000,
        )
    return CheckResult(
        name, ok=True, duration_ms=(time.perf_counter() - started) * 1000, extra=extra
    )


def check_database(alias: str = "default") -> CheckResult:
    def probe() -> dict[str, Any]:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        if not row or row[0] != 1:
            raise RuntimeError(f"unexpected answer to SELECT 1: {row!r}")
        return {"vendor": connection.vendor}

    name = "database" if alias == "default" else f"database:{alias}"
    result = _timed(name, probe)
    if not result.ok:
        # Drop the broken connection so the next request opens a fresh one.
        with contextlib.suppress(Exception):  # closing an already broken connection
            connections[alias].close()
    return result


def check_cache(alias: str = "default") -> CheckResult:
    def probe() -> dict[str, Any]:
        cache = caches[alias]
        key = f"ocop:readyz:{uuid.uuid4().hex}"
        cache.set(key, "1", timeout=10)
        value = cache.get(key)
        cache.delete(key)
        if value != "1":
            raise RuntimeError("the value written could not be read back")
        return {"backend": settings.CACHES[alias]["BACKEND"].rsplit(".", 1)[-1]}

    return _timed("cache", probe)


def check_search() -> CheckResult:
    backend = settings.SEARCH_BACKEND

    def probe() -> dict[str, Any]:
        if backend != "elasticsearch":
            # The database backend lives in the database, which has its own check.
            return {"backend": backend}
        from elasticsearch import Elasticsearch

        client = Elasticsearch(
            settings.ELASTICSEARCH_URL,
            request_timeout=min(settings.ELASTICSEARCH_TIMEOUT, CHECK_TIMEOUT),
            max_retries=0,
            retry_on_timeout=False,
        )
        try:
            health = client.cluster.health()
        finally:
            client.close()
        status = health.get("status")
        if status == "red":
            raise RuntimeError("cluster status is red")
        return {"backend": backend, "cluster_status": status}

    return _timed("search", probe)


def readiness_checks() -> list[CheckResult]:
    results = [check_database("default")]
    if "replica" in settings.DATABASES:
        results.append(check_database("replica"))
    results.append(check_cache())
    results.append(check_search())
    return results

"""Fixed-window rate limits kept in the Django cache, keyed by client IP and by user.

`settings.RATE_LIMITS` is a string "<scope>=<requests>/<seconds>,..." (env RATE_LIMITS); an
empty string turns limiting off. A request is refused when either its IP bucket or its user
bucket is full; `rate_limit_hit` then answers how many seconds to wait.

Buckets live in the "ratelimit" cache alias (its own store, so clearing it never touches
other cached data). With Redis the counters are shared between workers; with the local-memory
default each process counts for itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

CACHE_ALIAS = "ratelimit"


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int


class RateLimitConfigError(ValueError):
    pass


@lru_cache(maxsize=8)
def parse_rates(value: str) -> dict[str, Rate]:
    """ "tokenCreate=20/300, upload=60/300" -> {"tokenCreate": Rate(20, 300), ...}."""
    rates: dict[str, Rate] = {}
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        scope, sep, spec = part.partition("=")
        requests, slash, seconds = spec.partition("/")
        try:
            rate = Rate(int(requests), int(seconds))
        except ValueError:
            rate = Rate(0, 0)
        if not sep or not slash or rate.requests < 1 or rate.seconds < 1:
            raise RateLimitConfigError(
                f"RATE_LIMITS entry {part!r} is not '<scope>=<requests>/<seconds>' with "
                "positive numbers."
            )
        rates[scope.strip()] = rate
    return rates


def configured_rates() -> dict[str, Rate]:
    return parse_rates(str(getattr(settings, "RATE_LIMITS", "") or ""))


def client_ip(request: HttpRequest) -> str:
    """The address that opened the connection. A proxy's X-Forwarded-For is only trusted
    when RATE_LIMIT_TRUSTED_PROXY_COUNT > 0 (the rightmost untrusted hop), else anyone could
    pick a fresh IP per request."""
    trusted = int(getattr(settings, "RATE_LIMIT_TRUSTED_PROXY_COUNT", 0))
    if trusted > 0:
        hops = [
            h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()
        ]
        if len(hops) >= trusted:
            return hops[-trusted]
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def request_keys(request: HttpRequest) -> list[str]:
    keys = [f"ip:{client_ip(request)}"]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        keys.append(f"user:{user.pk}")
    return keys


def rate_limit_hit(*, scope: str, keys: list[str], cost: int = 1) -> int | None:
    """Count `cost` requests of `scope` for every key. None: allowed. An int: refused, retry
    after that many seconds (the refused request is still counted, so hammering does not
    shorten the wait)."""
    rate = configured_rates().get(scope)
    if rate is None or cost < 1:
        return None
    cache = caches[CACHE_ALIAS]
    now = time.time()
    window = int(now // rate.seconds)
    retry_after = max(1, int((window + 1) * rate.seconds - now + 0.999))
    refused = False
    for key in keys:
        bucket = f"rl:{scope}:{key}:{window}"
        # add() creates the bucket atomically; incr() is atomic on Redis and locmem.
        cache.add(bucket, 0, timeout=rate.seconds + 1)
        try:
            count = cache.incr(bucket, cost)
        except ValueError:  # expired between add and incr
            cache.set(bucket, cost, timeout=rate.seconds + 1)
            count = cost
        if count > rate.requests:
            refused = True
    return retry_after if refused else None

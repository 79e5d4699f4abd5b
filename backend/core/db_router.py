"""Optional read replica for catalogue reads.

When ``DATABASE_REPLICA_URL`` is set, settings add a ``replica`` database and this router
sends *reads* of the read-mostly public data (catalogue, places, certificates, producers,
markets and compliance rules, the search table) there. Everything else, every write and any
read made inside a transaction on the primary goes to ``default``: a request that just wrote
never reads stale rows from a lagging replica, and orders, carts, payments and stock
reservations always see the primary.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

# App labels whose reads may be served by the replica.
REPLICA_READ_APPS = frozenset(
    {
        "catalogue",
        "places",
        "certification",
        "producers",
        "traceability",
        "markets",
        "compliance",
        "search",
    }
)


class ReadReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if REPLICA not in settings.DATABASES:
            return None
        if model._meta.app_label not in REPLICA_READ_APPS:  # type: ignore[attr-defined]
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            # Read-your-writes inside a transaction (services, mutations, checkout).
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same data: objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary through PostgreSQL replication, never migrations.
        return db == PRIMARY

"""Incremental sync: the ONE function the domain services call after a write.

    from search.sync import schedule_products
    schedule_products([product.pk])              # product/variant/stock/certificate changes
    schedule_products(producer_ids=[producer.pk])  # producer changes touch all its products

The job is queued when the surrounding transaction commits (never for a rolled-back write)
and runs in Celery (eagerly by default). Scheduling never raises into the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def schedule_products(product_ids: Iterable[int] = (), *, producer_ids: Iterable[int] = ()) -> None:
    ids = sorted({int(i) for i in product_ids})
    producers = sorted({int(i) for i in producer_ids})
    if not ids and not producers:
        return

    def enqueue() -> None:
        from .tasks import sync_products

        try:
            sync_products.delay(ids, producers)
        except Exception:  # the broker or an eager run failed: the backlog keeps the ids
            logger.exception("could not queue the search sync of products %s", ids)
            from .tasks import remember_failed

            remember_failed(ids, producers)

    transaction.on_commit(enqueue)

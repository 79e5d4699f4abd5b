"""Background jobs of the search index."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import shared_task
from django.conf import settings

from backend.catalogue.models import Product

from . import get_backend
from .backends.base import SearchUnavailable
from .backends.database import DatabaseBackend
from .models import SyncBacklog

logger = logging.getLogger(__name__)

BACKLOG_PER_SYNC = 1000


def remember_failed(product_ids: Sequence[int], producer_ids: Sequence[int] = ()) -> None:
    ids = set(product_ids) | set(
        Product.objects.filter(producer_id__in=producer_ids).values_list("pk", flat=True)
    )
    SyncBacklog.objects.bulk_create([SyncBacklog(product_id=i) for i in ids], ignore_conflicts=True)


def sync_now(product_ids: Sequence[int], producer_ids: Sequence[int] = ()) -> list[int]:
    """Re-index the products (and every product of the producers) in the database table
    and, when configured, Elasticsearch. Products that failed earlier are retried too."""
    ids = set(product_ids)
    if producer_ids:
        ids.update(
            Product.objects.filter(producer_id__in=producer_ids).values_list("pk", flat=True)
        )
    # A bounded share of the backlog rides along with each sync (the beat job drains it).
    backlog = set(
        SyncBacklog.objects.order_by("failed_at").values_list("product_id", flat=True)[
            :BACKLOG_PER_SYNC
        ]
    )
    ids |= backlog
    ordered = sorted(ids)
    # The database rows are always kept: they serve the embedded default and the fallback.
    DatabaseBackend().index_products(ordered)
    if settings.SEARCH_BACKEND != "database":
        try:
            get_backend().index_products(ordered)
        except SearchUnavailable:
            remember_failed(ordered)
            raise
    if backlog:
        SyncBacklog.objects.filter(product_id__in=backlog).delete()
    return ordered


@shared_task(bind=True, max_retries=8, acks_late=True)
def sync_products(self, product_ids: list[int], producer_ids: list[int] | None = None) -> int:  # type: ignore[no-untyped-def]
    try:
        return len(sync_now(product_ids, producer_ids or []))
    except SearchUnavailable as exc:
        if self.request.is_eager:
            # Eager runs serve a request: never hang it. The backlog keeps the ids for the
            # next sync or `manage.py search_reindex`.
            logger.warning("search sync postponed: %s", exc)
            return 0
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 600)) from exc

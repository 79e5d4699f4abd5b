"""Background jobs of the producer workspace.

- `backend.producers.tasks.send_expiry_digests`: the daily (beat) digest of certificates and
  documents expiring within 60 days, one e-mail per producer, at most once per producer a day.
- `backend.producers.tasks.send_producer_order_shipped`: the shopper's "on its way" e-mail.
- `backend.producers.tasks.run_product_import`: a bulk import of listings (CSV/XLSX) with its
  progress in the cache (see backend/catalogue/bulk_import.py)."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

DIGEST_SENT_KEY = "producers:expiry-digest:{producer_id}:{day}"


@shared_task(bind=True, max_retries=5, name="backend.producers.tasks.send_expiry_digests")
def send_expiry_digests(self: Any, today: str | None = None) -> int:
    """Sends each producer with something expiring its digest; returns how many were sent. A
    retry (SMTP down half-way) skips the producers already e-mailed that day."""
    import datetime

    from backend.celery import retry_countdown
    from backend.producers.notifications import expiry_digest_send, expiry_digests

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    sent = 0
    for digest in expiry_digests(today=day):
        key = DIGEST_SENT_KEY.format(producer_id=digest.producer.pk, day=day.isoformat())
        if cache.get(key):
            continue
        try:
            if expiry_digest_send(digest, today=day):
                sent += 1
        except OSError as exc:
            raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
        cache.set(key, True, timeout=2 * 24 * 3600)
    logger.info("expiry digests sent: %s", sent)
    return sent


@shared_task(bind=True, max_retries=5, name="backend.producers.tasks.send_producer_order_shipped")
def send_producer_order_shipped(self: Any, producer_order_id: int) -> bool:
    from backend.celery import retry_countdown
    from backend.orders.models import ProducerOrder
    from backend.producers.notifications import producer_order_shipped_send

    part = (
        ProducerOrder.objects.select_related("order", "producer")
        .filter(pk=producer_order_id)
        .first()
    )
    if part is None:
        return False
    try:
        producer_order_shipped_send(part)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
    return True


@shared_task(
    name="backend.producers.tasks.run_product_import", time_limit=3600, soft_time_limit=3500
)
def run_product_import(job_id: str) -> str:
    from backend.catalogue.bulk_import import import_job_run

    return import_job_run(job_id).status

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="backend.markets.tasks.build_export_feed", max_retries=3)
def build_export_feed(feed_id: int) -> str:
    """Idempotent: (re)builds the feed's file from the current verdicts."""
    from .feeds import build_feed
    from .models import ExportFeed, FeedStatus

    feed = ExportFeed.objects.select_related("market").filter(pk=feed_id).first()
    if feed is None:
        return "missing"
    try:
        build_feed(feed)
    except Exception as exc:  # recorded on the feed for the partner, then re-raised
        logger.exception("export feed %s failed", feed_id)
        ExportFeed.objects.filter(pk=feed_id).update(status=FeedStatus.FAILED, error=str(exc)[:500])
        raise
    return str(feed.status)

"""Writes of the markets domain: export feed requests."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from backend.core.errors import ServiceError

from .error_codes import MarketsErrorCode
from .models import ExportFeed, FeedFormat
from .selectors import market_by_code

VERDICTS = ("ELIGIBLE", "ELIGIBLE_WITH_DOCUMENTS", "BLOCKED")


@transaction.atomic
def export_feed_request(
    *, user: Any, market_code: str, format: str, verdicts: Iterable[str] | None = None
) -> ExportFeed:
    """Queue a feed for a market; only export partners and staff may ask for one."""
    if not (user and user.is_authenticated and (user.is_export_partner or user.is_staff)):
        raise ServiceError.single(
            MarketsErrorCode.PERMISSION_DENIED,
            "Chỉ đối tác xuất khẩu mới tải được danh mục / Only export partners can export.",
        )
    market = market_by_code(market_code)
    if format not in FeedFormat.values:
        raise ServiceError.single(MarketsErrorCode.INVALID, "Format: CSV or JSON.", "format")
    chosen = list(dict.fromkeys(verdicts or ("ELIGIBLE", "ELIGIBLE_WITH_DOCUMENTS")))
    if not chosen or any(v not in VERDICTS for v in chosen):
        raise ServiceError.single(MarketsErrorCode.INVALID, "Unknown verdict.", "compliance")
    feed = ExportFeed.objects.create(
        uuid=uuid.uuid4(), market=market, format=format, verdicts=chosen, requested_by=user
    )
    from .tasks import build_export_feed

    transaction.on_commit(lambda: build_export_feed.delay(feed.pk))
    return feed

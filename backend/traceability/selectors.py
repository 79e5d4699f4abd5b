"""Reads of traceability batches, and the addresses of their public pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from backend.traceability.models import Batch


def trace_path(code: str) -> str:
    """Path of the public traceability page of a batch."""
    return f"/trace/{code}/"


def trace_qr_path(code: str) -> str:
    """Path of the QR code (SVG) pointing at the batch's public page."""
    return f"/trace/{code}/qr.svg"


def trace_url(code: str) -> str:
    """Absolute URL of the batch's public page (on PUBLIC_URL, as the QR code encodes it)."""
    return f"{settings.PUBLIC_URL}{trace_path(code)}"


def trace_qr_url(code: str) -> str:
    return f"{settings.PUBLIC_URL}{trace_qr_path(code)}"


def batch_by_code(*, code: str, products: QuerySet[Any] | None = None) -> Batch | None:
    """The batch with this lot code, if its product is in `products` (the visible ones)."""
    queryset = Batch.objects.select_related("product", "variant")
    if products is not None:
        queryset = queryset.filter(product__in=products)
    return queryset.filter(code=code.strip()).first()


def newest_batches(product_ids: list[int]) -> dict[int, Batch]:
    """The newest batch of each product (latest production date, then highest id)."""
    newest: dict[int, Batch] = {}
    rows = Batch.objects.filter(product_id__in=product_ids).order_by(
        "product_id", "-production_date", "-pk"
    )
    for batch in rows:
        newest.setdefault(batch.product_id, batch)
    return newest

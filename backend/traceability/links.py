"""Absolute addresses of a batch's public traceability page and QR code (settings.PUBLIC_URL)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from backend.traceability.models import Batch


def batch_public_path(code: str) -> str:
    return reverse("traceability:batch", kwargs={"code": code})


def batch_public_url(batch: Batch | str) -> str:
    """The absolute URL the QR code encodes, e.g. https://ocop.example/trace/lot-2026-01/."""
    code = batch if isinstance(batch, str) else batch.code
    return f"{settings.PUBLIC_URL}{batch_public_path(code)}"


def batch_qr_url(batch: Batch | str, fmt: str = "svg") -> str:
    code = batch if isinstance(batch, str) else batch.code
    name = "traceability:qr-png" if fmt == "png" else "traceability:qr-svg"
    return f"{settings.PUBLIC_URL}{reverse(name, kwargs={'code': code})}"

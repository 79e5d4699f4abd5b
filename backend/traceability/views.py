"""The public traceability page of a batch (what the QR code on the pack opens), its QR code,
and the files of documents the producer marked public."""

from __future__ import annotations

import io

import segno
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from backend.catalogue.selectors import certificate_in_force, public_products
from backend.traceability.links import batch_public_url
from backend.traceability.models import Batch
from backend.traceability.services import normalize_code

QR_MAX_AGE = 24 * 3600


def _public_batch(code: str) -> Batch:
    batch = (
        Batch.objects.select_related(
            "product__producer",
            "product__province",
            "product__commune",
            "product__craft_village",
            "product__current_certificate",
            "product__category",
            "variant",
        )
        .filter(code=normalize_code(code), product__in=public_products())
        .first()
    )
    if batch is None:
        raise Http404("Unknown lot code")
    return batch


@require_GET
@cache_control(public=True, max_age=300)
def batch_page(request: HttpRequest, code: str) -> HttpResponse:
    batch = _public_batch(code)
    product = batch.product
    certificate = product.current_certificate
    today = timezone.localdate()
    documents = list(batch.documents.order_by("kind", "-issued_on"))
    return render(
        request,
        "traceability/batch.html",
        {
            "batch": batch,
            "product": product,
            "producer": product.producer,
            "certificate": certificate,
            "certificate_in_force": certificate_in_force(certificate, today),
            "batch_expired": bool(batch.expiry_date and batch.expiry_date < today),
            "documents": [{"document": d, "expired": not d.is_valid_on(today)} for d in documents],
            "public_url": batch_public_url(batch),
            "today": today,
        },
    )


@require_GET
@cache_control(public=True, max_age=QR_MAX_AGE)
def batch_qr(request: HttpRequest, code: str, fmt: str = "svg") -> HttpResponse:
    batch = _public_batch(code)
    qr = segno.make(batch_public_url(batch), error="m")
    out = io.BytesIO()
    if fmt == "png":
        qr.save(out, kind="png", scale=8, border=2)
        content_type = "image/png"
    else:
        qr.save(out, kind="svg", scale=8, border=2, xmldecl=False, title=f"Lot {batch.code}")
        content_type = "image/svg+xml"
    return HttpResponse(out.getvalue(), content_type=content_type)


@require_GET
def batch_document(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A document's file, only when the producer marked it public and it is linked to the batch."""
    batch = _public_batch(code)
    document = batch.documents.filter(pk=document_id, is_public=True).first()
    if document is None or not document.file:
        raise Http404("No public file")
    return FileResponse(
        document.file.open("rb"), filename=(document.file.name or "document").rsplit("/", 1)[-1]
    )

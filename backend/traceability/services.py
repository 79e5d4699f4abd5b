"""Writes of traceability batches (lots).

Rules: the lot code is unique and URL-safe (it is the address of the public page and the QR
code), the expiry date is not before the production date, the variant belongs to the batch's
product, and a batch links only documents of its own producer."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any, TypedDict

from django.db import IntegrityError, transaction
from typing_extensions import Unpack

from backend.catalogue.models import Product, ProductVariant
from backend.certification.models import ProducerDocument
from backend.core.errors import FieldError, ServiceError
from backend.traceability.error_codes import TraceabilityErrorCode
from backend.traceability.models import Batch

Code = TraceabilityErrorCode
CODE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")


class BatchFields(TypedDict, total=False):
    expiry_date: datetime.date | None
    quantity: int
    variant: ProductVariant | None
    notes_vi: str
    notes_en: str
    documents: Iterable[ProducerDocument]


class BatchChanges(BatchFields, total=False):
    code: str
    production_date: datetime.date


def normalize_code(code: str) -> str:
    """Lot codes are matched case-insensitively: stored in lower case, without spaces."""
    return (code or "").strip().lower()


def _clean(data: dict[str, Any], *, product: Product, instance: Batch | None) -> dict[str, Any]:
    errors: list[FieldError] = []
    if "code" in data:
        code = normalize_code(data["code"])
        if not code:
            errors.append(FieldError(Code.REQUIRED, "The lot code is required.", "code"))
        elif len(code) > Batch._meta.get_field("code").max_length:  # type: ignore[operator]
            errors.append(FieldError(Code.TOO_LONG, "At most 64 characters.", "code"))
        elif not CODE_RE.match(code):
            errors.append(
                FieldError(
                    Code.INVALID_CODE,
                    "Use letters, digits, '-' and '_' only (it is part of the trace URL).",
                    "code",
                )
            )
        else:
            others = Batch.objects.filter(code=code)
            if instance is not None:
                others = others.exclude(pk=instance.pk)
            if others.exists():
                errors.append(FieldError(Code.DUPLICATED_CODE, f"Lot '{code}' exists.", "code"))
        data["code"] = code
    if "production_date" in data and not isinstance(data["production_date"], datetime.date):
        errors.append(
            FieldError(Code.REQUIRED, "The production date is required.", "production_date")
        )
    produced = data.get("production_date", instance.production_date if instance else None)
    expires = data.get("expiry_date", instance.expiry_date if instance else None)
    if isinstance(produced, datetime.date) and expires is not None and expires < produced:
        errors.append(
            FieldError(
                Code.EXPIRY_BEFORE_PRODUCTION,
                "The expiry date is before the production date.",
                "expiry_date",
            )
        )
    if "quantity" in data and (not isinstance(data["quantity"], int) or data["quantity"] < 0):
        errors.append(FieldError(Code.NEGATIVE_QUANTITY, "The quantity is 0 or more.", "quantity"))
    for key in ("notes_vi", "notes_en"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    variant = data.get("variant")
    if variant is not None and variant.product_id != product.pk:
        errors.append(
            FieldError(
                Code.VARIANT_OF_OTHER_PRODUCT, "The variant belongs to another product.", "variant"
            )
        )
    if data.get("documents") is not None:
        documents = list(data["documents"])
        if any(d.producer_id != product.producer_id for d in documents):
            errors.append(
                FieldError(
                    Code.DOCUMENT_OF_OTHER_PRODUCER,
                    "A batch links only its own producer's documents.",
                    "documents",
                )
            )
        data["documents"] = documents
    if errors:
        raise ServiceError(errors)
    return data


def _save(batch: Batch, data: dict[str, Any]) -> Batch:
    documents = data.pop("documents", None)
    for key, value in data.items():
        setattr(batch, key, value)
    try:
        with transaction.atomic():
            batch.save()
    except IntegrityError as exc:  # a concurrent write took the code
        raise ServiceError.single(Code.DUPLICATED_CODE, "The lot code exists.", "code") from exc
    if documents is not None:
        batch.documents.set(documents)
    return batch


@transaction.atomic
def batch_create(
    *, product: Product, code: str, production_date: datetime.date, **fields: Unpack[BatchFields]
) -> Batch:
    data = _clean(
        {"code": code, "production_date": production_date, **fields}, product=product, instance=None
    )
    return _save(Batch(product=product), data)


@transaction.atomic
def batch_update(*, batch: Batch, **changes: Unpack[BatchChanges]) -> Batch:
    data = _clean(dict(changes), product=batch.product, instance=batch)
    return _save(batch, data)

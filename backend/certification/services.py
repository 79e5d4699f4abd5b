"""Writes of OCOP certificates and producer documents.

- A certificate is created PENDING; expires_on = decision_date + 36 months.
- Verifying it makes it the product's `current_certificate` when it is the newest verified
  one (by decision date); revoking recomputes `current_certificate`. Certificates are never
  deleted: the history stays.
- Expiry is never written by a job: it follows from the date (see catalogue.selectors).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable
from typing import Any, TypedDict

from dateutil.relativedelta import relativedelta
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from typing_extensions import Unpack

from backend.accounts.models import User
from backend.catalogue.models import CriteriaVersion, Product
from backend.certification.error_codes import CertificationErrorCode
from backend.certification.models import (
    CertificateKind,
    CertificateStatus,
    DocumentKind,
    OcopCertificate,
    ProducerDocument,
)
from backend.compliance.services import producer_documents_changed
from backend.core.errors import FieldError, ServiceError
from backend.producers.models import Producer

Code = CertificationErrorCode
VALIDITY = relativedelta(months=36)


def certificate_expiry(decision_date: datetime.date) -> datetime.date:
    """The last day a certificate is valid: 36 months from the recognition decision."""
    return decision_date + VALIDITY


def _sync(product_ids: Iterable[int]) -> None:
    from search.sync import schedule_products

    schedule_products(product_ids)


def _too_long(errors: list[FieldError], model: Any, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, str):
            max_length = getattr(model._meta.get_field(key), "max_length", None)
            if max_length and len(value) > max_length:
                errors.append(FieldError(Code.TOO_LONG, f"At most {max_length} characters.", key))


# --- OCOP certificates -------------------------------------------------------------------


def product_refresh_current_certificate(*, product: Product) -> OcopCertificate | None:
    """Points the product at its newest VERIFIED certificate (or none). Whether that one is
    still in force is read from its dates, not stored."""
    newest = (
        OcopCertificate.objects.filter(product=product, status=CertificateStatus.VERIFIED)
        .order_by("-decision_date", "-pk")
        .first()
    )
    if product.current_certificate_id != (newest.pk if newest else None):
        product.current_certificate = newest
        Product.objects.filter(pk=product.pk).update(current_certificate=newest)
    return newest


@transaction.atomic
def ocop_certificate_create(
    *,
    product: Product,
    decision_number: str,
    issuing_authority: str,
    decision_date: datetime.date,
    stars: int,
    criteria_version: str = CriteriaVersion.V148_2023,
    kind: str = CertificateKind.NEW,
    number: str = "",
    potential_five_star: bool = False,
    evaluation_round: str = "",
    document: File[Any] | None = None,
    today: datetime.date | None = None,
) -> OcopCertificate:
    """A certificate waiting for staff verification (PENDING)."""
    today = today or timezone.localdate()
    data = {
        "decision_number": (decision_number or "").strip(),
        "issuing_authority": (issuing_authority or "").strip(),
        "number": (number or "").strip(),
        "evaluation_round": (evaluation_round or "").strip(),
    }
    errors: list[FieldError] = []
    for key in ("decision_number", "issuing_authority"):
        if not data[key]:
            errors.append(FieldError(Code.REQUIRED, "This field is required.", key))
    _too_long(errors, OcopCertificate, data)
    if not isinstance(decision_date, datetime.date):
        errors.append(FieldError(Code.REQUIRED, "The decision date is required.", "decision_date"))
    elif decision_date > today:
        errors.append(
            FieldError(
                Code.DECISION_DATE_IN_FUTURE, "The decision date is in the future.", "decision_date"
            )
        )
    if stars not in (3, 4, 5):
        errors.append(
            FieldError(Code.INVALID_STARS, "OCOP certificates carry 3 to 5 stars.", "stars")
        )
    if potential_five_star and stars != 4:
        errors.append(
            FieldError(
                Code.POTENTIAL_FIVE_STAR_NEEDS_FOUR,
                "Only a 4-star certificate can be a potential 5-star.",
                "potential_five_star",
            )
        )
    if criteria_version not in CriteriaVersion.values:
        errors.append(
            FieldError(
                Code.INVALID_CRITERIA_VERSION, "Unknown criteria version.", "criteria_version"
            )
        )
    if kind not in CertificateKind.values:
        errors.append(FieldError(Code.INVALID_KIND, "Unknown certificate kind.", "kind"))
    if errors:
        raise ServiceError(errors)
    certificate = OcopCertificate(
        product=product,
        decision_date=decision_date,
        expires_on=certificate_expiry(decision_date),
        stars=stars,
        potential_five_star=potential_five_star,
        criteria_version=criteria_version,
        kind=kind,
        status=CertificateStatus.PENDING,
        **data,
    )
    if document is not None:
        certificate.document.save(getattr(document, "name", "certificate"), document, save=False)
    certificate.save()
    return certificate


def _locked(certificate: OcopCertificate) -> OcopCertificate:
    return (
        OcopCertificate.objects.select_for_update().select_related("product").get(pk=certificate.pk)
    )


@transaction.atomic
def ocop_certificate_verify(
    *, certificate: OcopCertificate, by: User | None, note: str = ""
) -> OcopCertificate:
    original, certificate = certificate, _locked(certificate)
    if certificate.status not in (CertificateStatus.PENDING, CertificateStatus.REJECTED):
        raise ServiceError.single(
            Code.INVALID_STATUS,
            f"A {certificate.get_status_display().lower()} certificate cannot be verified.",
            "status",
        )
    certificate.status = CertificateStatus.VERIFIED
    certificate.verified_by = by
    certificate.verified_at = timezone.now()
    certificate.review_note = (note or "").strip()
    certificate.save(
        update_fields=["status", "verified_by", "verified_at", "review_note", "updated_at"]
    )
    product_refresh_current_certificate(product=certificate.product)
    _sync([certificate.product_id])
    original.refresh_from_db()
    return certificate


@transaction.atomic
def ocop_certificate_reject(
    *, certificate: OcopCertificate, note: str, by: User | None = None
) -> OcopCertificate:
    note = (note or "").strip()
    if not note:
        raise ServiceError.single(Code.REQUIRED, "Say why the certificate is rejected.", "note")
    original, certificate = certificate, _locked(certificate)
    if certificate.status != CertificateStatus.PENDING:
        raise ServiceError.single(
            Code.INVALID_STATUS, "Only a pending certificate can be rejected.", "status"
        )
    certificate.status = CertificateStatus.REJECTED
    certificate.review_note = note
    certificate.verified_by = by
    certificate.save(update_fields=["status", "review_note", "verified_by", "updated_at"])
    original.refresh_from_db()
    return certificate


@transaction.atomic
def ocop_certificate_revoke(
    *, certificate: OcopCertificate, note: str, by: User | None = None
) -> OcopCertificate:
    """Revokes a verified certificate; the product falls back to its newest other verified one."""
    note = (note or "").strip()
    if not note:
        raise ServiceError.single(Code.REQUIRED, "Say why the certificate is revoked.", "note")
    original, certificate = certificate, _locked(certificate)
    if certificate.status != CertificateStatus.VERIFIED:
        raise ServiceError.single(
            Code.INVALID_STATUS, "Only a verified certificate can be revoked.", "status"
        )
    certificate.status = CertificateStatus.REVOKED
    certificate.review_note = note
    certificate.save(update_fields=["status", "review_note", "updated_at"])
    product_refresh_current_certificate(product=certificate.product)
    _sync([certificate.product_id])
    original.refresh_from_db()
    return certificate


# --- Producer documents (Halal, HACCP, FDA registration, lab reports ...) ------------------


class DocumentFields(TypedDict, total=False):
    title: str
    number: str
    issuer: str
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    file: File[Any] | None
    products: list[Product]
    is_public: bool
    is_verified: bool


class DocumentChanges(DocumentFields, total=False):
    kind: str


def _clean_document(
    data: dict[str, Any], *, producer: Producer, instance: ProducerDocument | None
) -> dict[str, Any]:
    errors: list[FieldError] = []
    for key in ("title", "number", "issuer"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    if "kind" in data and data["kind"] not in DocumentKind.values:
        errors.append(FieldError(Code.INVALID_KIND, "Unknown document kind.", "kind"))
    _too_long(errors, ProducerDocument, {k: v for k, v in data.items() if k != "products"})
    issued = data.get("issued_on", instance.issued_on if instance else None)
    expires = data.get("expires_on", instance.expires_on if instance else None)
    if issued and expires and expires < issued:
        errors.append(
            FieldError(
                Code.EXPIRY_BEFORE_ISSUE, "The expiry date is before the issue date.", "expires_on"
            )
        )
    products = data.get("products")
    if products is not None:
        foreign = [p for p in products if p.producer_id != producer.pk]
        if foreign:
            errors.append(
                FieldError(
                    Code.PRODUCT_OF_OTHER_PRODUCER,
                    "A document covers only its producer's own products.",
                    "products",
                )
            )
    if errors:
        raise ServiceError(errors)
    return data


def _save_document(document: ProducerDocument, data: dict[str, Any]) -> ProducerDocument:
    products = data.pop("products", None)
    upload = data.pop("file", None)
    for key, value in data.items():
        setattr(document, key, value)
    if upload is not None:
        document.file.save(getattr(upload, "name", "document"), upload, save=False)
    document.save()
    if products is not None:
        document.products.set(products)
    return document


@transaction.atomic
def producer_document_create(
    *, producer: Producer, kind: str, **fields: Unpack[DocumentFields]
) -> ProducerDocument:
    data = _clean_document({"kind": kind, **fields}, producer=producer, instance=None)
    document = _save_document(ProducerDocument(producer=producer), data)
    _sync(p.pk for p in document.products.all())
    producer_documents_changed(producer_id=producer.pk)
    return document


@transaction.atomic
def producer_document_update(
    *, document: ProducerDocument, **changes: Unpack[DocumentChanges]
) -> ProducerDocument:
    data = _clean_document(dict(changes), producer=document.producer, instance=document)
    before = set(document.products.values_list("pk", flat=True))
    document = _save_document(document, data)
    after = set(document.products.values_list("pk", flat=True))
    _sync(before | after)
    producer_documents_changed(producer_id=document.producer_id)
    return document


@transaction.atomic
def producer_document_delete(*, document: ProducerDocument) -> None:
    """Deletes the document and, once the transaction commits, its file."""
    product_ids = set(document.products.values_list("pk", flat=True))
    name = document.file.name if document.file else ""
    storage = document.file.storage
    document.delete()
    if name:

        def delete_file() -> None:
            with contextlib.suppress(Exception):  # the row is gone; a stray file is harmless
                storage.delete(name)

        transaction.on_commit(delete_file)
    _sync(product_ids)
    producer_documents_changed(producer_id=document.producer_id)

"""Reads of the producer workspace (selectors): own listings, certificates, documents, order
parts, the payout ledger, monthly sales and low stock. Every function takes the producer's id:
callers have checked that the user may see it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from backend.core.errors import ServiceError
from backend.producers.error_codes import ProducerErrorCode


def own_products(*, producer_id: int, status: str | None = None) -> QuerySet[Any]:
    from backend.catalogue.models import Product

    queryset = Product.objects.filter(producer_id=producer_id)
    if status:
        queryset = queryset.filter(moderation_status=status)
    return queryset.select_related(
        "current_certificate", "category__parent", "producer__province", "province"
    ).order_by("-created_at", "-pk")


def own_reviews(*, producer_id: int) -> QuerySet[Any]:
    """Own listings waiting for review or rejected, last decided first."""
    from backend.catalogue.models import ModerationStatus

    return (
        own_products(producer_id=producer_id)
        .filter(moderation_status__in=[ModerationStatus.PENDING_REVIEW, ModerationStatus.REJECTED])
        .order_by("-updated_at", "-pk")
    )


def own_certificates(*, producer_id: int) -> QuerySet[Any]:
    from backend.certification.models import OcopCertificate

    return OcopCertificate.objects.filter(product__producer_id=producer_id).order_by(
        "-decision_date", "-pk"
    )


def own_documents(*, producer_id: int) -> QuerySet[Any]:
    from backend.certification.models import ProducerDocument

    return (
        ProducerDocument.objects.filter(producer_id=producer_id)
        .prefetch_related("products")
        .order_by("kind", "-issued_on", "-pk")
    )


def own_order_parts(*, producer_id: int, status: str | None = None) -> QuerySet[Any]:
    from backend.orders.models import ProducerOrder

    queryset = ProducerOrder.objects.filter(producer_id=producer_id)
    if status:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("order__shipping_address", "producer")
        .prefetch_related("lines")
        .order_by("-order__created_at", "-pk")
    )


@dataclass
class Ledger:
    producer_id: int
    owed: Decimal
    paid: Decimal
    earned: Decimal
    commission: Decimal
    refunded: Decimal


def payout_ledger(*, producer_id: int) -> Ledger:
    """Sums of the producer's payout entries by kind (one query). `owed` is the balance."""
    from backend.orders.models import PayoutEntry
    from backend.orders.models import PayoutEntryKind as K

    def total(*kinds: str) -> Any:
        return Sum("amount", filter=Q(kind__in=kinds), default=Decimal(0))

    sums = PayoutEntry.objects.filter(producer_id=producer_id).aggregate(
        owed=Sum("amount", default=Decimal(0)),
        paid=total(K.PAID_OUT),
        earned=total(K.EARNED),
        commission=total(K.COMMISSION, K.COMMISSION_REVERSAL),
        refunded=total(K.REFUND),
    )
    return Ledger(
        producer_id=producer_id,
        owed=sums["owed"],
        paid=-sums["paid"],
        earned=sums["earned"],
        commission=-sums["commission"],
        refunded=-sums["refunded"],
    )


def payout_entries(*, producer_id: int) -> QuerySet[Any]:
    from backend.orders.models import PayoutEntry

    return (
        PayoutEntry.objects.filter(producer_id=producer_id)
        .select_related("producer_order__order")
        .order_by("-created_at", "-pk")
    )


@dataclass
class SalesMonth:
    month: str
    orders: int
    units: int
    gross: Decimal
    commission: Decimal
    net: Decimal


def _month_start(day: datetime.date, back: int) -> datetime.date:
    year, month = day.year, day.month - back
    while month <= 0:
        month += 12
        year -= 1
    return datetime.date(year, month, 1)


def sales_by_month(
    *, producer_id: int, months: int = 12, today: datetime.date | None = None
) -> list[SalesMonth]:
    """Non-canceled order parts per month of the order's creation, the last `months` months
    (this one included), oldest first, empty months as zeros. Two queries."""
    from backend.orders.models import OrderLine, ProducerOrder, ProducerOrderStatus

    if not isinstance(months, int) or not 1 <= months <= 36:
        raise ServiceError.single(ProducerErrorCode.INVALID, "From 1 to 36 months.", "months")
    today = today or timezone.localdate()
    start = _month_start(today, months - 1)
    parts = ProducerOrder.objects.filter(
        producer_id=producer_id, order__created_at__date__gte=start
    ).exclude(status=ProducerOrderStatus.CANCELED)
    rows = (
        parts.annotate(month=TruncMonth("order__created_at"))
        .values("month")
        .annotate(
            orders=Count("pk"),
            gross=Sum(F("subtotal_amount") + F("shipping_amount")),
            commission=Sum("commission_amount"),
        )
    )
    units = (
        OrderLine.objects.filter(producer_order__in=parts)
        .annotate(month=TruncMonth("order__created_at"))
        .values("month")
        .annotate(units=Sum("quantity"))
    )
    key = lambda value: (value.year, value.month)  # noqa: E731
    by_month = {key(r["month"]): r for r in rows}
    units_by_month = {key(r["month"]): r["units"] for r in units}
    result = []
    for back in range(months - 1, -1, -1):
        first = _month_start(today, back)
        row = by_month.get((first.year, first.month))
        gross = Decimal(row["gross"] or 0) if row else Decimal(0)
        commission = Decimal(row["commission"] or 0) if row else Decimal(0)
        result.append(
            SalesMonth(
                month=f"{first.year:04d}-{first.month:02d}",
                orders=row["orders"] if row else 0,
                units=int(units_by_month.get((first.year, first.month)) or 0),
                gross=gross,
                commission=commission,
                net=gross - commission,
            )
        )
    return result


def low_stock(*, producer_id: int, threshold: int = 5) -> QuerySet[Any]:
    from backend.catalogue.models import ProductVariant

    return (
        ProductVariant.objects.filter(product__producer_id=producer_id)
        .annotate(available=F("quantity") - F("quantity_allocated"))
        .filter(available__lte=threshold)
        .order_by("available", "pk")
    )


# --- Staff: what waits for moderation (oldest first) ------------------------------------------


def pending_products() -> QuerySet[Any]:
    from backend.catalogue.models import ModerationStatus, Product

    return (
        Product.objects.filter(moderation_status=ModerationStatus.PENDING_REVIEW)
        .select_related("current_certificate", "category__parent", "producer__province", "province")
        .order_by("updated_at", "pk")
    )


def pending_producers() -> QuerySet[Any]:
    from backend.producers.models import Producer, VerificationStatus

    return (
        Producer.objects.filter(verification_status=VerificationStatus.PENDING)
        .select_related("province")
        .order_by("created_at", "pk")
    )


def pending_certificates() -> QuerySet[Any]:
    from backend.certification.models import CertificateStatus, OcopCertificate

    return OcopCertificate.objects.filter(status=CertificateStatus.PENDING).order_by(
        "created_at", "pk"
    )

"""Reads of certificates and documents: what is in force, what expires soon."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from backend.certification.models import CertificateStatus, OcopCertificate, ProducerDocument

EXPIRY_WARNING_DAYS = 60


def certificates_in_force(
    queryset: QuerySet[OcopCertificate] | None = None, today: datetime.date | None = None
) -> QuerySet[OcopCertificate]:
    today = today or timezone.localdate()
    queryset = queryset if queryset is not None else OcopCertificate.objects.all()
    return queryset.filter(
        status=CertificateStatus.VERIFIED, decision_date__lte=today, expires_on__gte=today
    )


def certificates_expiring_within(
    days: int = EXPIRY_WARNING_DAYS,
    queryset: QuerySet[OcopCertificate] | None = None,
    today: datetime.date | None = None,
) -> QuerySet[OcopCertificate]:
    """Verified certificates still in force today whose last day is within `days` days."""
    today = today or timezone.localdate()
    return certificates_in_force(queryset, today).filter(
        expires_on__lte=today + datetime.timedelta(days=days)
    )


def certificates_expired(
    queryset: QuerySet[OcopCertificate] | None = None, today: datetime.date | None = None
) -> QuerySet[OcopCertificate]:
    """Verified certificates whose 36 months have run out."""
    today = today or timezone.localdate()
    queryset = queryset if queryset is not None else OcopCertificate.objects.all()
    return queryset.filter(status=CertificateStatus.VERIFIED, expires_on__lt=today)


def documents_expiring_within(
    days: int = EXPIRY_WARNING_DAYS,
    queryset: QuerySet[ProducerDocument] | None = None,
    today: datetime.date | None = None,
) -> QuerySet[ProducerDocument]:
    today = today or timezone.localdate()
    queryset = queryset if queryset is not None else ProducerDocument.objects.all()
    return queryset.filter(
        expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days)
    )


def documents_expired(
    queryset: QuerySet[ProducerDocument] | None = None, today: datetime.date | None = None
) -> QuerySet[ProducerDocument]:
    today = today or timezone.localdate()
    queryset = queryset if queryset is not None else ProducerDocument.objects.all()
    return queryset.filter(expires_on__lt=today)

"""Reads of producers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from backend.core.text import fold
from backend.producers.models import Producer, ProducerMember, VerificationStatus

HIDDEN_STATUSES = (VerificationStatus.REJECTED, VerificationStatus.SUSPENDED)


def visible_producers(*, user: Any = None) -> QuerySet[Producer]:
    """Producers that are not rejected or suspended; staff see all; members see their own."""
    public = Q(~Q(verification_status__in=HIDDEN_STATUSES))
    if user is not None and user.is_authenticated and user.is_active:
        if user.is_staff:
            return Producer.objects.all()
        own = ProducerMember.objects.filter(user=user).values("producer_id")
        return Producer.objects.filter(public | Q(pk__in=own))
    return Producer.objects.filter(public)


def filter_producers(
    queryset: QuerySet[Producer],
    *,
    province_ids: Iterable[int] | None = None,
    kinds: Iterable[str] | None = None,
    search: str | None = None,
) -> QuerySet[Producer]:
    if province_ids is not None:
        queryset = queryset.filter(province_id__in=list(province_ids))
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    if search:
        text = search.strip()
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(slug__icontains=fold(text).replace(" ", "-"))
        )
    return queryset.order_by("name", "pk")

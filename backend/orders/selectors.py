"""Reads of orders."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from .models import Order, PayoutEntry


def order_for_checkout(*, checkout_token: uuid.UUID) -> Order | None:
    return Order.objects.filter(checkout_token=checkout_token).first()


def orders_of_user(*, user: Any) -> QuerySet[Order]:
    if user is None or not user.is_authenticated:
        return Order.objects.none()
    return Order.objects.filter(user=user).order_by("-created_at", "-pk")


def producer_balance(*, producer_id: int) -> Decimal:
    """What the platform owes the producer now: the sum of its ledger entries."""
    total = PayoutEntry.objects.filter(producer_id=producer_id).aggregate(s=Sum("amount"))["s"]
    return total or Decimal(0)

"""Reads of checkouts."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from backend.core.errors import ServiceError

from .error_codes import CheckoutErrorCode
from .models import Checkout


def checkouts_with_addresses() -> QuerySet[Checkout]:
    return Checkout.objects.select_related(
        "shipping_address__province",
        "shipping_address__commune",
        "billing_address__province",
        "billing_address__commune",
    )


def parse_token(value: Any, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise ServiceError.single(
            CheckoutErrorCode.CHECKOUT_NOT_FOUND, "There is no checkout with this id.", field
        ) from None


def checkout_get(*, token: uuid.UUID, user: Any = None, for_update: bool = False) -> Checkout:
    """The checkout with `token`, if `user` may use it: an anonymous checkout is reached by
    anyone who knows its token; a shopper's checkout only by that shopper (and staff)."""
    qs = checkouts_with_addresses()
    if for_update:
        qs = qs.select_for_update(of=("self",))
    checkout = qs.filter(token=token).first()
    if checkout is None or not checkout_is_accessible(checkout, user):
        raise ServiceError.single(
            CheckoutErrorCode.CHECKOUT_NOT_FOUND, "There is no checkout with this id.", "id"
        )
    return checkout


def checkout_is_accessible(checkout: Checkout, user: Any) -> bool:
    if checkout.user_id is None:
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(checkout.user_id == user.pk or user.is_staff)

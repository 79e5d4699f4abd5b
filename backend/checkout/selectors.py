"""Reads of checkouts."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from backend.core.errors import ServiceError

from .error_codes import CheckoutErrorCode
from .messages import t
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
            CheckoutErrorCode.CHECKOUT_NOT_FOUND,
            t("Không có giỏ hàng với mã này.", "There is no checkout with this id."),
            field,
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
            CheckoutErrorCode.CHECKOUT_NOT_FOUND,
            t("Không có giỏ hàng với mã này.", "There is no checkout with this id."),
            "id",
        )
    return checkout


def checkout_is_accessible(checkout: Checkout, user: Any) -> bool:
    if checkout.user_id is None:
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(checkout.user_id == user.pk or user.is_staff)


def checkout_line_variant_ids(
    *, token: uuid.UUID, user: Any, line_ids: dict[int, int]
) -> dict[int, int]:
    """{input index: variant id} for lines given by id; LINE_NOT_FOUND for a foreign line."""
    from .models import CheckoutLine

    checkout = checkout_get(token=token, user=user)
    found = dict(
        CheckoutLine.objects.filter(checkout=checkout, pk__in=line_ids.values()).values_list(
            "pk", "variant_id"
        )
    )
    result = {}
    for index, line_id in line_ids.items():
        if line_id not in found:
            raise ServiceError.single(
                CheckoutErrorCode.LINE_NOT_FOUND,
                t("Giỏ hàng không có dòng này.", "This checkout has no such line."),
                f"lines.{index}.line_id",
            )
        result[index] = found[line_id]
    return result


def checkout_latest_for_user(*, user: Any) -> Checkout | None:
    """The signed-in shopper's most recently changed checkout (the cart follows the account)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return checkouts_with_addresses().filter(user=user).order_by("-updated_at").first()

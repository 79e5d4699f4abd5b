"""Checkout, order and payment queries and mutations.

`me { orders }`: the User type belongs to the account schema, which mounts
``orders = user_orders_field()`` and ``resolve_orders = staticmethod(resolve_user_orders)``
(both from backend/graphql/checkout/types.py)."""

from __future__ import annotations

from typing import Any

import graphene

from backend.checkout.fetch import fetch_checkout_info
from backend.checkout.selectors import checkout_get, checkout_latest_for_user, parse_token
from backend.core.errors import ServiceError
from backend.graphql.core.mutations import current_user
from backend.graphql.core.types import LanguageCodeEnum, remember_language
from backend.orders.models import Order as OrderModel

from .mutations import (
    CheckoutBillingAddressUpdate,
    CheckoutComplete,
    CheckoutCreate,
    CheckoutCustomerAttach,
    CheckoutDeliveryMethodUpdate,
    CheckoutEmailUpdate,
    CheckoutLinesAdd,
    CheckoutLinesDelete,
    CheckoutLinesUpdate,
    CheckoutPaymentCreate,
    CheckoutShippingAddressUpdate,
)
from .types import (
    Checkout,
    Order,
    decode_checkout_token,
    resolve_user_orders,
    user_orders_field,
)

__all__ = ["CheckoutMutations", "CheckoutQueries", "resolve_user_orders", "user_orders_field"]


class CheckoutQueries(graphene.ObjectType):
    checkout = graphene.Field(
        Checkout,
        id=graphene.ID(description="The checkout's ID."),
        token=graphene.UUID(description="Or its token."),
        language_code=graphene.Argument(LanguageCodeEnum),
        description="A checkout by ID. Anonymous checkouts are reached by ID; a shopper's "
        "checkout only by that shopper. Without an ID: the signed-in shopper's latest "
        "checkout (the cart follows the account). Null when there is none.",
    )
    order_by_token = graphene.Field(
        Order,
        token=graphene.UUID(required=True),
        description="An order by its token (the shopper's confirmation page).",
    )

    @staticmethod
    def resolve_checkout(
        root: Any,
        info: Any,
        id: Any = None,
        token: Any = None,
        language_code: Any = None,
    ) -> Any:
        remember_language(info, language_code)
        user = current_user(info)
        if id is None and token is None:
            latest = checkout_latest_for_user(user=user)
            return fetch_checkout_info(latest) if latest is not None else None
        raw = token or decode_checkout_token(id)
        try:
            checkout = checkout_get(token=parse_token(raw), user=user)
        except ServiceError:
            return None
        return fetch_checkout_info(checkout)

    @staticmethod
    def resolve_order_by_token(root: Any, info: Any, token: Any) -> Any:
        order = OrderModel.objects.filter(token=token).first()
        if order is None:
            return None
        user = current_user(info)
        if order.user_id is not None and (
            user is None or (user.pk != order.user_id and not user.is_staff)
        ):
            return None
        return order


class CheckoutMutations(graphene.ObjectType):
    checkout_create = CheckoutCreate.Field()
    checkout_lines_add = CheckoutLinesAdd.Field()
    checkout_lines_update = CheckoutLinesUpdate.Field()
    checkout_lines_delete = CheckoutLinesDelete.Field()
    checkout_email_update = CheckoutEmailUpdate.Field()
    checkout_shipping_address_update = CheckoutShippingAddressUpdate.Field()
    checkout_billing_address_update = CheckoutBillingAddressUpdate.Field()
    checkout_delivery_method_update = CheckoutDeliveryMethodUpdate.Field()
    checkout_payment_create = CheckoutPaymentCreate.Field()
    checkout_complete = CheckoutComplete.Field()
    checkout_customer_attach = CheckoutCustomerAttach.Field()

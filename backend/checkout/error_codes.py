"""Error codes of checkout mutations and services."""

from __future__ import annotations

import enum


class CheckoutErrorCode(enum.Enum):
    # Common codes (see backend/graphql/core/mutations.py).
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    REQUIRED = "required"
    # Checkout.
    CHECKOUT_NOT_FOUND = "checkout_not_found"
    VARIANT_NOT_FOUND = "variant_not_found"
    PRODUCT_NOT_AVAILABLE = "product_not_available"
    PRODUCT_NOT_CERTIFIED = "product_not_certified"
    INVALID_QUANTITY = "invalid_quantity"
    QUANTITY_GREATER_THAN_LIMIT = "quantity_greater_than_limit"
    INSUFFICIENT_STOCK = "insufficient_stock"
    LINE_NOT_FOUND = "line_not_found"
    EMAIL_NOT_SET = "email_not_set"
    SHIPPING_ADDRESS_NOT_SET = "shipping_address_not_set"
    BILLING_ADDRESS_NOT_SET = "billing_address_not_set"
    DELIVERY_METHOD_NOT_SET = "delivery_method_not_set"
    DELIVERY_METHOD_NOT_APPLICABLE = "delivery_method_not_applicable"
    INVALID_COUNTRY = "invalid_country"
    INVALID_PROVINCE = "invalid_province"
    INVALID_COMMUNE = "invalid_commune"
    INVALID_POSTAL_CODE = "invalid_postal_code"
    INVALID_PHONE = "invalid_phone"
    EMPTY_CHECKOUT = "empty_checkout"
    CHECKOUT_HAS_PROBLEMS = "checkout_has_problems"
    CANNOT_SHIP = "cannot_ship"
    # Payments at checkout.
    PAYMENT_GATEWAY_NOT_AVAILABLE = "payment_gateway_not_available"
    PAYMENT_AMOUNT_MISMATCH = "payment_amount_mismatch"
    PAYMENT_NOT_SET = "payment_not_set"
    PAYMENT_DECLINED = "payment_declined"
    PAYMENT_ACTION_REQUIRED = "payment_action_required"
    PAYMENT_ERROR = "payment_error"


class CheckoutProblemCode(enum.Enum):
    """What can be wrong with a checkout that was fine when the shopper filled it."""

    INSUFFICIENT_STOCK = "insufficient_stock"
    PRODUCT_NOT_AVAILABLE = "product_not_available"
    PRODUCT_NOT_CERTIFIED = "product_not_certified"
    PRICE_CHANGED = "price_changed"
    CANNOT_SHIP = "cannot_ship"
    DELIVERY_METHOD_NOT_APPLICABLE = "delivery_method_not_applicable"

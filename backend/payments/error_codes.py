"""Error codes of payment services."""

from __future__ import annotations

import enum


class PaymentErrorCode(enum.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    REQUIRED = "required"
    GATEWAY_NOT_AVAILABLE = "gateway_not_available"
    GATEWAY_ERROR = "gateway_error"
    REFUND_TOO_LARGE = "refund_too_large"

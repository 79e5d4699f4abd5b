"""Error codes of traceability services (batches)."""

from __future__ import annotations

import enum


class TraceabilityErrorCode(enum.Enum):
    REQUIRED = "required"
    INVALID_CODE = "invalid_code"
    DUPLICATED_CODE = "duplicated_code"
    EXPIRY_BEFORE_PRODUCTION = "expiry_before_production"
    NEGATIVE_QUANTITY = "negative_quantity"
    VARIANT_OF_OTHER_PRODUCT = "variant_of_other_product"
    DOCUMENT_OF_OTHER_PRODUCER = "document_of_other_producer"
    TOO_LONG = "too_long"

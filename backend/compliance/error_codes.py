"""Error codes of the compliance domain."""

from __future__ import annotations

import enum


class ComplianceErrorCode(enum.Enum):
    UNKNOWN_MARKET = "unknown_market"
    PRODUCT_NOT_FOUND = "product_not_found"
    INVALID_CONDITION = "invalid_condition"
    NOT_COMPUTED = "not_computed"

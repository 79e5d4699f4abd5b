"""Error codes of certification services (OCOP certificates, producer documents)."""

from __future__ import annotations

import enum


class CertificationErrorCode(enum.Enum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID_STARS = "invalid_stars"
    POTENTIAL_FIVE_STAR_NEEDS_FOUR = "potential_five_star_needs_four"
    DECISION_DATE_IN_FUTURE = "decision_date_in_future"
    INVALID_CRITERIA_VERSION = "invalid_criteria_version"
    INVALID_KIND = "invalid_kind"
    INVALID_STATUS = "invalid_status"
    EXPIRY_BEFORE_ISSUE = "expiry_before_issue"
    PRODUCT_OF_OTHER_PRODUCER = "product_of_other_producer"

"""Error codes of place services (craft villages)."""

from __future__ import annotations

import enum


class PlaceErrorCode(enum.Enum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    COMMUNE_NOT_IN_PROVINCE = "commune_not_in_province"
    DUPLICATED_SLUG = "duplicated_slug"

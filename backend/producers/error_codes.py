"""Error codes of producer services (used in GraphQL as the ProducerErrorCode enum)."""

from __future__ import annotations

import enum


class ProducerErrorCode(enum.Enum):
    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    INVALID_PHONE = "invalid_phone"
    INVALID_EMAIL = "invalid_email"
    INVALID_URL = "invalid_url"
    COMMUNE_NOT_IN_PROVINCE = "commune_not_in_province"
    CRAFT_VILLAGE_NOT_IN_PROVINCE = "craft_village_not_in_province"
    DUPLICATED_SLUG = "duplicated_slug"
    INVALID_STATUS = "invalid_status"

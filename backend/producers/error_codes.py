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
    # Onboarding and membership (producer workspace).
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    ALREADY_MEMBER = "already_member"
    MEMBER_OF_OTHER_PRODUCER = "member_of_other_producer"
    LAST_OWNER = "last_owner"
    INVALID_ROLE = "invalid_role"
    INVALID_DOCUMENT = "invalid_document"
    DOCUMENT_TOO_LARGE = "document_too_large"

"""Error codes of order services."""

from __future__ import annotations

import enum


class OrderErrorCode(enum.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    REQUIRED = "required"
    CANNOT_CANCEL = "cannot_cancel"
    CANNOT_FULFILL = "cannot_fulfill"
    ALREADY_FULFILLED = "already_fulfilled"

from __future__ import annotations

import enum


class SearchErrorCode(enum.Enum):
    SEARCH_UNAVAILABLE = "search_unavailable"
    # The common codes (backend.graphql.core.mutations.CommonErrorCode).
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    REQUIRED = "required"

from __future__ import annotations

import enum


class SearchErrorCode(enum.Enum):
    SEARCH_UNAVAILABLE = "SEARCH_UNAVAILABLE"
    INVALID = "INVALID"

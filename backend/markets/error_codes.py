"""Error codes of the markets domain (markets, exchange rates, landed cost)."""

from __future__ import annotations

import enum


class MarketsErrorCode(enum.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    REQUIRED = "required"
    UNKNOWN_MARKET = "unknown_market"
    COUNTRY_NOT_SERVED = "country_not_served"
    NO_EXCHANGE_RATE = "no_exchange_rate"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_INCOTERM = "invalid_incoterm"

"""The market / compliance filter on `products`, for the catalogue API to call.

Wiring (in backend/graphql/catalogue): add to ProductFilterInput
    market = graphene.String(description="Market code, e.g. EU")
    compliance = graphene.List(graphene.NonNull(ComplianceVerdictEnum))
and in the products resolver
    queryset = filter_products_by_market(queryset, data.get("market"), data.get("compliance"))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from backend.compliance.selectors import product_ids_with_verdict
from backend.core.errors import ServiceError
from backend.graphql.core.mutations import CommonErrorCode
from backend.markets.selectors import market_by_code

DEFAULT_COMPLIANCE = ("ELIGIBLE", "ELIGIBLE_WITH_DOCUMENTS")
VERDICTS = ("ELIGIBLE", "ELIGIBLE_WITH_DOCUMENTS", "BLOCKED")


def _value(v: Any) -> str:
    return str(getattr(v, "value", v))


def market_filter_args(
    market: str | None, compliance: Iterable[Any] | None
) -> tuple[str, list[str]] | None:
    """Validate the filter: (market code, verdicts) or None when not filtering.
    UNKNOWN_MARKET for an unknown code; REQUIRED when `compliance` comes without `market`."""
    if not market:
        if compliance:
            raise ServiceError.single(
                CommonErrorCode.REQUIRED,
                "Chọn thị trường cho bộ lọc tuân thủ / Give a market with the compliance filter.",
                "filter.market",
            )
        return None
    code = market_by_code(market).code
    verdicts = [_value(v) for v in compliance] if compliance else list(DEFAULT_COMPLIANCE)
    bad = [v for v in verdicts if v not in VERDICTS]
    if bad:
        raise ServiceError.single(
            CommonErrorCode.INVALID, f"Unknown verdict: {', '.join(bad)[:100]}", "filter.compliance"
        )
    return code, verdicts


def filter_products_by_market(
    queryset: QuerySet[Any], market: str | None, compliance: Iterable[Any] | None = None
) -> QuerySet[Any]:
    """Products whose stored verdict for `market` is one of `compliance` (default: not
    BLOCKED). One indexed subquery, as cheap as the stars filter."""
    args = market_filter_args(market, compliance)
    if args is None:
        return queryset
    code, verdicts = args
    return queryset.filter(pk__in=product_ids_with_verdict(code, verdicts))

"""What an order of some variants costs delivered to a country: compliance per line, shipping
methods (one parcel per producer) and the landed cost with the cheapest method. Everything is
loaded once here and passed down to the pure functions."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backend.compliance.checks import DestinationVerdict, verdicts_for_destination
from backend.core.errors import ServiceError
from backend.shipping.quote import Destination, MethodQuote, QuoteResult, quote
from backend.shipping.selectors import load_shipping_data, parcels_from_lines

from .error_codes import MarketsErrorCode
from .landed import LandedCost, LandedLine, landed_cost
from .selectors import load_market_context, market_for_country


@dataclass
class OrderEstimate:
    market: str
    country: str
    verdicts: dict[int, DestinationVerdict]
    blocked_product_ids: list[int]
    shipping: QuoteResult
    method: MethodQuote | None
    landed: LandedCost | None
    notes: list[str] = field(default_factory=list)


def estimate_order(
    *,
    lines: Sequence[tuple[Any, int]],
    country: str,
    province_code: str | None = None,
    incoterm: str | None = None,
    service_code: str | None = None,
    on: datetime.date | None = None,
) -> OrderEstimate:
    """`lines`: (variant with product__producer__province loaded, quantity)."""
    for _, qty in lines:
        if qty <= 0:
            raise ServiceError.single(
                MarketsErrorCode.INVALID_AMOUNT,
                "Số lượng phải lớn hơn 0 / Quantity must be at least 1.",
                "lines.quantity",
            )
    market = market_for_country(country)
    ctx = load_market_context(market=market, country=country, on=on, incoterm=incoterm)
    verdicts = verdicts_for_destination(
        product_ids=[v.product_id for v, _ in lines], market_code=market.code, country=ctx.country
    )
    blocked = sorted(pid for pid, v in verdicts.items() if v.blocked)
    region = None
    if ctx.country == "VN" and province_code:
        from backend.places.models import Province

        region = (
            Province.objects.filter(code=province_code).values_list("region", flat=True).first()
        )
    dest = Destination(ctx.country, province_code=province_code, region=region)
    shippable = [(v, q) for v, q in lines if v.product_id not in blocked]
    result = quote(parcels_from_lines(shippable), dest, load_shipping_data())
    method = None
    if result.methods:
        if service_code:
            method = next((m for m in result.methods if m.service_code == service_code), None)
        else:
            method = result.methods[0]
    landed = None
    if shippable:
        landed = landed_cost(
            lines=[
                LandedLine(
                    value_vnd=Decimal(v.price_amount) * q,
                    is_food=v.product.category.code.split("-")[0] in ("I", "II")
                    or v.product.is_supplement,
                    category=(v.product.hs_code or v.product.category.code)[:4],
                    contains_alcohol=v.product.contains_alcohol,
                )
                for v, q in shippable
            ],
            shipping_vnd=method.price_vnd if method else Decimal(0),
            ctx=ctx,
        )
    notes = [] if method or not shippable else ["No shipping method can carry these parcels."]
    return OrderEstimate(
        market=market.code,
        country=ctx.country,
        verdicts=verdicts,
        blocked_product_ids=blocked,
        shipping=result,
        method=method,
        landed=landed,
        notes=notes,
    )

"""Landed cost of a checkout, for the checkout API (`Checkout.landedCost`): goods, shipping,
duty estimate and VAT in the shipping country's market currency, with the incoterm and what is
paid now and on delivery. Reads only the CheckoutInfo (and reference data, loaded once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backend.core.errors import ServiceError

from .landed import LandedCost, LandedLine, landed_cost
from .selectors import load_market_context, market_for_country

if TYPE_CHECKING:
    from backend.checkout.fetch import CheckoutInfo


def checkout_landed_cost(
    checkout_info: CheckoutInfo, incoterm: str | None = None
) -> LandedCost | None:
    """None without a shipping address or when the country is in no market."""
    from backend.shipping.providers import destination_verdicts

    address = checkout_info.shipping_address
    if address is None:
        return None
    try:
        market = market_for_country(address.country_code)
    except ServiceError:
        return None
    key = f"market_context:{address.country_code}:{incoterm}"
    ctx = checkout_info.extra.get(key)
    if ctx is None:
        ctx = checkout_info.extra[key] = load_market_context(
            market=market, country=address.country_code, on=checkout_info.today, incoterm=incoterm
        )
    _, verdicts = destination_verdicts(checkout_info)
    lines: list[LandedLine] = []
    for info in checkout_info.lines:
        v: Any = verdicts.get(info.product.pk)
        if v is not None and v.blocked and info.is_shippable:
            continue
        lines.append(
            LandedLine(
                value_vnd=info.total_price,
                is_food=info.product.category.code.split("-")[0] in ("I", "II")
                or info.product.is_supplement,
                category=(info.product.hs_code or info.product.category.code)[:4],
                contains_alcohol=info.product.contains_alcohol,
            )
        )
    return landed_cost(lines=lines, shipping_vnd=checkout_info.shipping_price, ctx=ctx)  # type: ignore[arg-type]

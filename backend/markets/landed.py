"""Landed cost: what an order costs on arrival in a market, and who pays what when.

A pure function over a `MarketContext` (loaded once) and the order's lines in VND. Amounts are
computed exactly and rounded once per component by the market currency's rules; the total is
the sum of the rounded components, so the parts always add up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from prices import Money

from .context import MarketContext
from .money import round_money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LandedLine:
    value_vnd: Decimal  # line total (unit price x quantity), VND
    is_food: bool = False
    category: str = ""  # the item category for per-category duty (HS heading or product set)
    contains_alcohol: bool = False


@dataclass(frozen=True)
class LandedCost:
    currency: str
    incoterm: str
    goods: Money
    shipping: Money
    duty: Money
    tax: Money
    total: Money
    paid_now: Money
    due_on_delivery: Money
    tax_name: str
    tax_collection: str
    low_value: bool
    is_estimate: bool
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def landed_cost(
    *,
    lines: Sequence[LandedLine],
    shipping_vnd: Decimal,
    ctx: MarketContext,
    incoterm: str | None = None,
) -> LandedCost:
    incoterm = incoterm or ctx.incoterm
    rate = ctx.rate
    cur = ctx.currency
    goods_vnd = sum((Decimal(line.value_vnd) for line in lines), Decimal(0))
    goods = rate.convert_exact(goods_vnd)
    shipping = rate.convert_exact(Decimal(shipping_vnd))
    notes: list[str] = []
    is_estimate = rate.is_estimate

    def zero() -> Money:
        return round_money(0, cur)

    if ctx.is_domestic:
        goods_m, ship_m = round_money(goods, cur), round_money(shipping, cur)
        total = goods_m + ship_m
        notes.append("VAT included in the listed prices.")
        return LandedCost(
            currency=cur,
            incoterm="DDP",
            goods=goods_m,
            shipping=ship_m,
            duty=zero(),
            tax=zero(),
            total=total,
            paid_now=total,
            due_on_delivery=zero(),
            tax_name=ctx.tax.name if ctx.tax else "VAT",
            tax_collection="INCLUDED",
            low_value=True,
            is_estimate=False,
            sources=list(ctx.sources),
            notes=notes,
        )

    # --- Duty ---------------------------------------------------------------------------
    duty = Decimal(0)
    below = False
    low_value = False
    d = ctx.duty
    if d is not None:
        is_estimate = is_estimate or d.is_estimate
        if d.de_minimis_amount is not None and d.de_minimis_rate is not None:
            below = d.de_minimis_rate.convert_exact(goods_vnd) <= d.de_minimis_amount
        flat_applies = (
            d.flat_duty_per_category is not None
            and d.flat_duty_rate is not None
            and (
                d.flat_duty_max_value is None
                or d.flat_duty_rate.convert_exact(goods_vnd) <= d.flat_duty_max_value
            )
        )
        low_value = below or flat_applies
        alcohol_vnd = sum(
            (Decimal(line.value_vnd) for line in lines if line.contains_alcohol), Decimal(0)
        )
        if flat_applies:
            assert d.flat_duty_per_category is not None and d.flat_duty_rate is not None
            categories = len({line.category for line in lines}) or 1
            flat_vnd = d.flat_duty_per_category * categories * d.flat_duty_rate.vnd_per_unit
            duty = rate.convert_exact(flat_vnd)
            notes.append(f"Flat duty per item category x {categories}.")
        elif below:
            if d.alcohol_always_dutiable and alcohol_vnd:
                duty = rate.convert_exact(alcohol_vnd) * d.duty_rate / HUNDRED
                notes.append("Alcohol is never exempt: duty on the alcohol lines.")
            else:
                notes.append("Below the duty threshold: no duty.")
        else:
            duty = goods * d.duty_rate / HUNDRED
    # --- VAT / GST ------------------------------------------------------------------------
    tax = Decimal(0)
    t = ctx.tax
    tax_collection = t.collection if t else "ON_IMPORT"
    if t is not None:
        is_estimate = is_estimate or t.is_estimate
        goods_tax = sum(
            (
                rate.convert_exact(Decimal(line.value_vnd))
                * (t.food_rate if line.is_food else t.standard_rate)
                / HUNDRED
                for line in lines
            ),
            Decimal(0),
        )
        blended = goods_tax / goods if goods else t.standard_rate / HUNDRED
        tax = goods_tax + (shipping + duty) * blended
        if below and d is not None:
            if d.tax_exempt_below_threshold:
                tax = Decimal(0)
                notes.append("Below the threshold: no import tax either.")
            else:
                tax = tax * d.tax_factor_below_threshold
        # Collection at sale (IOSS, UK, Australia) covers low-value parcels only.
        if tax_collection == "AT_SALE" and not low_value:
            tax_collection = "ON_IMPORT"

    goods_m = round_money(goods, cur)
    ship_m = round_money(shipping, cur)
    duty_m = round_money(duty, cur)
    tax_m = round_money(tax, cur)
    total = goods_m + ship_m + duty_m + tax_m
    if incoterm == "DDP":
        paid_now, due = total, zero()
    else:
        paid_now = goods_m + ship_m
        due = duty_m
        if tax_collection == "AT_SALE":
            paid_now = paid_now + tax_m
        else:
            due = due + tax_m
    return LandedCost(
        currency=cur,
        incoterm=incoterm,
        goods=goods_m,
        shipping=ship_m,
        duty=duty_m,
        tax=tax_m,
        total=total,
        paid_now=paid_now,
        due_on_delivery=due,
        tax_name=t.name if t else "",
        tax_collection=tax_collection,
        low_value=low_value,
        is_estimate=is_estimate,
        sources=list(ctx.sources),
        notes=notes,
    )

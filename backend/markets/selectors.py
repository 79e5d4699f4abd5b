"""Reads of the markets domain."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from backend.core.errors import ServiceError

from .context import DutyInfo, MarketContext, TaxInfo
from .error_codes import MarketsErrorCode
from .models import DutyRule, ExchangeRate, Market, TaxRule
from .money import VND_RATE, Rate

R = TypeVar("R", bound=Model)


def active_markets() -> QuerySet[Market]:
    return Market.objects.filter(is_active=True).order_by("sort_order", "code")


def market_by_code(code: str) -> Market:
    market = Market.objects.filter(code__iexact=(code or "").strip(), is_active=True).first()
    if market is None:
        raise ServiceError.single(
            MarketsErrorCode.UNKNOWN_MARKET,
            f"Không có thị trường '{code}' / Unknown market '{code}'.",
            field="market",
        )
    return market


def market_for_country(country: str, markets: Iterable[Market] | None = None) -> Market:
    """The active market a country belongs to."""
    cc = (country or "").strip().upper()
    for market in markets if markets is not None else active_markets():
        if cc in market.country_codes:
            return market
    raise ServiceError.single(
        MarketsErrorCode.COUNTRY_NOT_SERVED,
        f"Chưa giao hàng tới quốc gia '{country}' / We do not ship to '{country}' yet.",
        field="country",
    )


def _in_force(on: datetime.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def rate_for(currency: str, on: datetime.date | None = None) -> Rate:
    if currency == "VND":
        return VND_RATE
    on = on or timezone.localdate()
    row = (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    fallback = False
    if row is None:
        # A day before the first stored rate: use the earliest rate, flagged as an estimate.
        row = ExchangeRate.objects.filter(currency=currency).order_by("valid_from").first()
        fallback = True
    if row is None:
        raise ServiceError.single(
            MarketsErrorCode.NO_EXCHANGE_RATE,
            f"Chưa có tỷ giá cho {currency} / No exchange rate for {currency}.",
            field="currency",
        )
    return Rate(
        currency=currency,
        vnd_per_unit=row.vnd_per_unit,
        valid_from=row.valid_from,
        source=row.source,
        is_estimate=row.is_estimate or fallback,
    )


def _pick(rows: Iterable[R], country: str) -> R | None:
    """The country's own rule if there is one, else the market-wide rule (newest first)."""
    best: R | None = None
    for row in rows:
        row_country = str(getattr(row, "country", "") or "")
        if row_country == country:
            return row
        if not row_country and best is None:
            best = row
    return best


def tax_rule_for(market: Market, country: str, on: datetime.date) -> TaxRule | None:
    rows = TaxRule.objects.filter(_in_force(on), market=market).order_by("-valid_from")
    return _pick(rows, country)


def duty_rule_for(market: Market, country: str, on: datetime.date) -> DutyRule | None:
    rows = DutyRule.objects.filter(_in_force(on), market=market).order_by("-valid_from")
    return _pick(rows, country)


def load_market_context(
    *,
    market: Market,
    country: str | None = None,
    on: datetime.date | None = None,
    incoterm: str | None = None,
) -> MarketContext:
    """Everything landed cost and price display need for one destination, in a few queries."""
    on = on or timezone.localdate()
    cc = (country or (market.country_codes[0] if market.country_codes else "")).upper()
    if country and cc not in market.country_codes:
        raise ServiceError.single(
            MarketsErrorCode.COUNTRY_NOT_SERVED,
            f"{cc} không thuộc thị trường {market.code} / {cc} is not in market {market.code}.",
            field="country",
        )
    if incoterm and incoterm not in ("DDP", "DDU"):
        raise ServiceError.single(
            MarketsErrorCode.INVALID_INCOTERM,
            "Điều kiện giao hàng phải là DDP hoặc DDU / Incoterm must be DDP or DDU.",
            field="incoterm",
        )
    currency = market.currency_for(cc)
    rate = rate_for(currency, on)
    sources = [rate.source] if rate.source else []
    tax = None
    tax_row = tax_rule_for(market, cc, on)
    if tax_row is not None:
        tax = TaxInfo(
            name=tax_row.name,
            standard_rate=tax_row.standard_rate,
            food_rate=tax_row.food_rate,
            collection=tax_row.collection,
            source=tax_row.source,
            valid_from=tax_row.valid_from,
            is_estimate=tax_row.is_estimate,
        )
        sources.append(tax_row.source)
    duty = None
    duty_row = duty_rule_for(market, cc, on)
    if duty_row is not None:
        duty = DutyInfo(
            de_minimis_amount=duty_row.de_minimis_amount,
            de_minimis_rate=(
                rate_for(duty_row.de_minimis_currency, on)
                if duty_row.de_minimis_amount is not None
                else None
            ),
            tax_exempt_below_threshold=duty_row.tax_exempt_below_threshold,
            tax_factor_below_threshold=duty_row.tax_factor_below_threshold,
            flat_duty_per_category=duty_row.flat_duty_per_category,
            flat_duty_rate=(
                rate_for(duty_row.flat_duty_currency, on)
                if duty_row.flat_duty_per_category is not None
                else None
            ),
            flat_duty_max_value=duty_row.flat_duty_max_value,
            duty_rate=duty_row.duty_rate,
            alcohol_always_dutiable=duty_row.alcohol_always_dutiable,
            source=duty_row.source,
            valid_from=duty_row.valid_from,
            is_estimate=duty_row.is_estimate,
        )
        sources.append(duty_row.source)
    return MarketContext(
        market_code=market.code,
        country=cc,
        currency=currency,
        rate=rate,
        incoterm=incoterm or market.default_incoterm,
        is_domestic=market.is_domestic,
        tax=tax,
        duty=duty,
        on=on,
        sources=sources,
    )

"""Landed cost: a pure function over a market context. Contexts are built by hand here so the
expected figures follow from the rules, not from the (editable) data file."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from prices import Money

from backend.markets.context import DutyInfo, MarketContext, TaxInfo
from backend.markets.landed import LandedLine, landed_cost
from backend.markets.money import VND_RATE, Rate
from backend.markets.selectors import load_market_context, market_by_code

DAY = datetime.date(2026, 11, 29)
EUR = Rate("EUR", Decimal("30000"))


def ctx(**kw) -> MarketContext:
    base = {
        "market_code": "EU",
        "country": "DE",
        "currency": "EUR",
        "rate": EUR,
        "incoterm": "DDP",
        "is_domestic": False,
        "on": DAY,
        "tax": TaxInfo("MwSt", Decimal("19"), Decimal("7"), "AT_SALE"),
        "duty": DutyInfo(
            flat_duty_per_category=Decimal("3"),
            flat_duty_rate=EUR,
            flat_duty_max_value=Decimal("150"),
            duty_rate=Decimal("5"),
        ),
    }
    base.update(kw)
    return MarketContext(**base)


def eur(x: str) -> Money:
    return Money(Decimal(x), "EUR")


TEA = LandedLine(value_vnd=Decimal("900000"), is_food=True, category="0902")  # 30 EUR
SAUCE = LandedLine(value_vnd=Decimal("600000"), is_food=True, category="2103")  # 20 EUR


def test_eu_low_value_ddp_pays_flat_duty_per_category_and_vat_now():
    cost = landed_cost(lines=[TEA, SAUCE], shipping_vnd=Decimal("600000"), ctx=ctx())
    # duty 2 categories x 3 EUR; VAT 7% on goods 50 + (shipping 20 + duty 6) -> 3.5 + 1.82
    assert (cost.goods, cost.shipping, cost.duty, cost.tax) == (
        eur("50.00"),
        eur("20.00"),
        eur("6.00"),
        eur("5.32"),
    )
    assert cost.total == eur("81.32")
    assert cost.paid_now == cost.total and cost.due_on_delivery == eur("0.00")
    assert cost.incoterm == "DDP" and cost.low_value


def test_same_category_twice_pays_the_flat_duty_once():
    cost = landed_cost(lines=[TEA, TEA], shipping_vnd=Decimal(0), ctx=ctx())
    assert cost.duty == eur("3.00")


def test_eu_ddu_vat_at_sale_but_duty_on_delivery():
    cost = landed_cost(
        lines=[TEA, SAUCE], shipping_vnd=Decimal("600000"), ctx=ctx(), incoterm="DDU"
    )
    assert cost.paid_now == eur("75.32")  # goods + shipping + VAT (IOSS)
    assert cost.due_on_delivery == eur("6.00")
    assert cost.paid_now + cost.due_on_delivery == cost.total


def test_eu_above_150_pays_ad_valorem_duty_and_vat_on_import():
    big = LandedLine(value_vnd=Decimal("6000000"), is_food=False, category="6911")  # 200 EUR
    cost = landed_cost(lines=[big], shipping_vnd=Decimal(0), ctx=ctx(), incoterm="DDU")
    assert cost.duty == eur("10.00")
    assert cost.tax == eur("39.90")  # 19% of 210
    assert not cost.low_value and cost.tax_collection == "ON_IMPORT"
    assert cost.paid_now == eur("200.00") and cost.due_on_delivery == eur("49.90")


def test_us_no_de_minimis_duty_on_every_parcel():
    usd = Rate("USD", Decimal("25000"))
    us = ctx(
        market_code="US",
        country="US",
        currency="USD",
        rate=usd,
        tax=TaxInfo("Sales tax", Decimal(0), Decimal(0), "ON_IMPORT"),
        duty=DutyInfo(de_minimis_amount=None, duty_rate=Decimal("20")),
    )
    small = LandedLine(value_vnd=Decimal("250000"), is_food=True, category="0902")  # 10 USD
    cost = landed_cost(lines=[small], shipping_vnd=Decimal("250000"), ctx=us, incoterm="DDU")
    assert cost.duty == Money(Decimal("2.00"), "USD")
    assert cost.due_on_delivery == Money(Decimal("2.00"), "USD")
    assert cost.total == Money(Decimal("22.00"), "USD")


def test_japan_below_10000_yen_is_free_of_duty_and_tax_and_rounds_to_whole_yen():
    jpy = Rate("JPY", Decimal("172.5"))
    jp = ctx(
        market_code="JP",
        country="JP",
        currency="JPY",
        rate=jpy,
        incoterm="DDU",
        tax=TaxInfo("Consumption tax", Decimal(10), Decimal(8), "ON_IMPORT"),
        duty=DutyInfo(
            de_minimis_amount=Decimal(10000),
            de_minimis_rate=jpy,
            tax_exempt_below_threshold=True,
            duty_rate=Decimal(5),
        ),
    )
    line = LandedLine(value_vnd=Decimal("1500000"), is_food=True, category="0902")
    cost = landed_cost(lines=[line], shipping_vnd=Decimal("388000"), ctx=jp)
    assert cost.goods == Money(Decimal("8696"), "JPY")  # 8695.65
    assert cost.shipping == Money(Decimal("2249"), "JPY")  # 2249.28
    assert cost.duty.amount == 0 and cost.tax.amount == 0
    assert cost.total == Money(Decimal("10945"), "JPY")
    above = landed_cost(lines=[line, line], shipping_vnd=Decimal(0), ctx=jp)
    assert above.duty == Money(Decimal("870"), "JPY")  # 5% of 17391.30
    assert above.tax == Money(Decimal("1461"), "JPY")  # 8% of 18260.87


def test_gulf_alcohol_is_never_exempt_below_the_threshold():
    sar = Rate("SAR", Decimal("7000"))
    gcc = ctx(
        market_code="GCC",
        country="AE",
        currency="SAR",
        rate=sar,
        incoterm="DDU",
        tax=TaxInfo("VAT", Decimal(5), Decimal(5), "ON_IMPORT"),
        duty=DutyInfo(
            de_minimis_amount=Decimal(1000),
            de_minimis_rate=sar,
            alcohol_always_dutiable=True,
            duty_rate=Decimal(5),
        ),
    )
    honey = LandedLine(value_vnd=Decimal("700000"), is_food=True, category="0409")  # 100 SAR
    wine = LandedLine(value_vnd=Decimal("1400000"), category="2208", contains_alcohol=True)
    assert landed_cost(lines=[honey], shipping_vnd=Decimal(0), ctx=gcc).duty.amount == 0
    mixed = landed_cost(lines=[honey, wine], shipping_vnd=Decimal(0), ctx=gcc)
    assert mixed.duty == Money(Decimal("10.00"), "SAR")  # 5% of the 200 SAR of spirits


def test_china_cross_border_below_5000_rmb_zero_duty_vat_at_70_percent():
    cny = Rate("CNY", Decimal("3500"))
    cn = ctx(
        market_code="CN",
        country="CN",
        currency="CNY",
        rate=cny,
        tax=TaxInfo("VAT", Decimal(13), Decimal(9), "ON_IMPORT"),
        duty=DutyInfo(
            de_minimis_amount=Decimal(5000),
            de_minimis_rate=cny,
            tax_factor_below_threshold=Decimal("0.70"),
            duty_rate=Decimal(10),
        ),
    )
    nest = LandedLine(value_vnd=Decimal("3500000"), is_food=True, category="0410")  # 1000 CNY
    cost = landed_cost(lines=[nest], shipping_vnd=Decimal(0), ctx=cn)
    assert cost.duty.amount == 0
    assert cost.tax == Money(Decimal("63.00"), "CNY")  # 9% x 70% of 1000


def test_domestic_is_vat_included_and_all_paid_now():
    vn = ctx(market_code="VN", country="VN", currency="VND", rate=VND_RATE, is_domestic=True)
    cost = landed_cost(lines=[TEA], shipping_vnd=Decimal("30000"), ctx=vn, incoterm="DDU")
    assert cost.total == Money(Decimal("930000"), "VND")
    assert cost.duty.amount == cost.tax.amount == 0 and cost.paid_now == cost.total


@pytest.mark.django_db
def test_landed_cost_from_the_loaded_uk_rules():
    uk = load_market_context(market=market_by_code("UK"), on=DAY)
    textile = LandedLine(value_vnd=Decimal("1740000"), category="6214")  # 50 GBP at 34,800
    cost = landed_cost(lines=[textile], shipping_vnd=Decimal(0), ctx=uk)
    assert cost.currency == "GBP" and cost.incoterm == "DDP"
    assert cost.duty.amount == 0  # below GBP 135
    assert cost.tax == Money(Decimal("10.00"), "GBP")  # 20% at sale
    assert cost.tax_collection == "AT_SALE" and cost.is_estimate
    assert any("HMRC" in s for s in cost.sources)

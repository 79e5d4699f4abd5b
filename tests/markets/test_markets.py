"""Markets as data: the loaded reference rows, currency rounding, lookups and bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from prices import Money

from backend.core.errors import ServiceError
from backend.markets.error_codes import MarketsErrorCode
from backend.markets.models import DutyRule, ExchangeRate, Market
from backend.markets.money import Rate, round_money
from backend.markets.selectors import load_market_context, market_by_code, market_for_country

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 29)


def test_every_market_of_the_brief_is_loaded_with_its_countries():
    codes = set(Market.objects.values_list("code", flat=True))
    assert {"VN", "EU", "US", "JP", "GCC", "UK", "KR", "CN", "AU"} <= codes
    gcc = Market.objects.get(code="GCC")
    assert sorted(gcc.country_codes) == ["AE", "BH", "KW", "OM", "QA", "SA"]
    assert len(Market.objects.get(code="EU").country_codes) == 27
    assert Market.objects.get(code="VN").is_domestic


def test_every_rule_has_a_source_and_a_start_date_and_estimates_are_marked():
    for rule in DutyRule.objects.all():
        assert rule.source and rule.valid_from
    gcc = DutyRule.objects.get(market__code="GCC")
    assert gcc.is_estimate and gcc.alcohol_always_dutiable
    assert gcc.de_minimis_amount == Decimal("1000") and gcc.de_minimis_currency == "SAR"
    assert ExchangeRate.objects.filter(is_estimate=False).count() == 0


@pytest.mark.parametrize(
    ("on", "flat", "threshold"),
    [
        (datetime.date(2026, 6, 30), None, Decimal("150")),
        (datetime.date(2026, 7, 1), Decimal("3"), None),
    ],
)
def test_eu_duty_switches_to_flat_three_euro_on_2026_07_01(on, flat, threshold):
    ctx = load_market_context(market=market_by_code("EU"), country="DE", on=on)
    assert ctx.duty is not None
    assert ctx.duty.flat_duty_per_category == flat
    assert ctx.duty.de_minimis_amount == threshold


def test_us_has_no_de_minimis_since_2025_08_29():
    us = market_by_code("us")
    before = load_market_context(market=us, on=datetime.date(2025, 8, 28))
    after = load_market_context(market=us, on=datetime.date(2025, 8, 29))
    assert before.duty is not None and before.duty.de_minimis_amount == Decimal("800")
    assert after.duty is not None and after.duty.de_minimis_amount is None


def test_country_rule_wins_over_the_market_default():
    eu = market_by_code("EU")
    de = load_market_context(market=eu, country="DE", on=DAY)
    be = load_market_context(market=eu, country="BE", on=DAY)
    assert de.tax is not None and de.tax.standard_rate == Decimal("19")
    assert be.tax is not None and be.tax.standard_rate == Decimal("21")  # market default


def test_gulf_country_has_its_own_currency():
    gcc = market_by_code("GCC")
    assert load_market_context(market=gcc, country="AE", on=DAY).currency == "AED"
    assert load_market_context(market=gcc, country="SA", on=DAY).currency == "SAR"
    assert load_market_context(market=gcc, country="KW", on=DAY).rate.currency == "KWD"


def test_country_lookup_and_bad_input():
    assert market_for_country("de").code == "EU"
    assert market_for_country("SA").code == "GCC"
    assert market_for_country("GB").code == "UK"
    with pytest.raises(ServiceError) as err:
        market_for_country("BR")
    assert err.value.errors[0].code == MarketsErrorCode.COUNTRY_NOT_SERVED
    with pytest.raises(ServiceError) as err:
        market_by_code("MARS")
    assert err.value.errors[0].code == MarketsErrorCode.UNKNOWN_MARKET
    assert err.value.errors[0].field == "market"
    with pytest.raises(ServiceError) as err:
        load_market_context(market=market_by_code("EU"), country="US")
    assert err.value.errors[0].code == MarketsErrorCode.COUNTRY_NOT_SERVED
    with pytest.raises(ServiceError) as err:
        load_market_context(market=market_by_code("EU"), incoterm="FOB")
    assert err.value.errors[0].code == MarketsErrorCode.INVALID_INCOTERM


def test_a_currency_without_a_rate_is_a_typed_error():
    market = Market.objects.create(
        code="CH", name_vi="Thụy Sĩ", name_en="Switzerland", countries=["CH"], currency="CHF"
    )
    with pytest.raises(ServiceError) as err:
        load_market_context(market=market, on=DAY)
    assert err.value.errors[0].code == MarketsErrorCode.NO_EXCHANGE_RATE


def test_newest_rate_in_force_on_the_day_is_used():
    ExchangeRate.objects.create(
        currency="EUR",
        vnd_per_unit=Decimal("31000"),
        valid_from=datetime.date(2026, 12, 1),
        source="test",
    )
    eu = market_by_code("EU")
    assert load_market_context(market=eu, on=DAY).rate.vnd_per_unit == Decimal("30500")
    later = load_market_context(market=eu, on=datetime.date(2026, 12, 2))
    assert later.rate.vnd_per_unit == Decimal("31000")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1234.5", "VND", "1235"),
        ("1234.4", "VND", "1234"),
        ("99.5", "JPY", "100"),
        ("18604.49", "KRW", "18604"),
        ("10.005", "EUR", "10.01"),
        ("10.004", "USD", "10.00"),
        ("1.2345", "KWD", "1.235"),
    ],
)
def test_rounding_follows_each_currency(amount, currency, expected):
    assert round_money(Decimal(amount), currency) == Money(Decimal(expected), currency)
    assert str(round_money(Decimal(amount), currency).amount) == expected


def test_conversion_from_vnd_rounds_once_in_the_target_currency():
    eur = Rate("EUR", Decimal("30500"))
    assert eur.from_vnd(Decimal("150000")) == Money(Decimal("4.92"), "EUR")  # 4.918...
    jpy = Rate("JPY", Decimal("172.5"))
    assert jpy.from_vnd(Decimal("150000")) == Money(Decimal("870"), "JPY")  # 869.56...
    krw = Rate("KRW", Decimal("18.6"))
    assert krw.from_vnd(Decimal("150000")) == Money(Decimal("8065"), "KRW")  # 8064.5...
    assert eur.to_vnd(Decimal("4.92")) == Money(Decimal("150060"), "VND")

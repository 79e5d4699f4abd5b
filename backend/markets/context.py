"""Plain snapshots of a market's rules for one destination and one day, loaded once by
`selectors.load_market_context` and passed down to pure functions (landed cost, prices)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .money import Rate


@dataclass(frozen=True)
class TaxInfo:
    name: str
    standard_rate: Decimal  # percent
    food_rate: Decimal  # percent
    collection: str  # INCLUDED / AT_SALE / ON_IMPORT
    source: str = ""
    valid_from: datetime.date | None = None
    is_estimate: bool = False


@dataclass(frozen=True)
class DutyInfo:
    de_minimis_amount: Decimal | None = None
    de_minimis_rate: Rate | None = None  # the threshold's currency
    tax_exempt_below_threshold: bool = False
    tax_factor_below_threshold: Decimal = Decimal(1)
    flat_duty_per_category: Decimal | None = None
    flat_duty_rate: Rate | None = None  # the flat duty's currency
    flat_duty_max_value: Decimal | None = None
    duty_rate: Decimal = Decimal(0)  # percent
    alcohol_always_dutiable: bool = False
    source: str = ""
    valid_from: datetime.date | None = None
    is_estimate: bool = False


@dataclass(frozen=True)
class MarketContext:
    market_code: str
    country: str
    currency: str
    rate: Rate
    incoterm: str
    is_domestic: bool
    tax: TaxInfo | None
    duty: DutyInfo | None
    on: datetime.date
    sources: list[str] = field(default_factory=list)

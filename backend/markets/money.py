"""Currency conversion from VND and rounding by each currency's rules (VND, JPY, KRW: no minor
unit; EUR, USD: 2 decimals; KWD, BHD, OMR: 3), with `prices.Money`. VND stays the source of
truth: converted amounts are for display and estimates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from prices import Money

VND = "VND"


def currency_decimals(currency: str) -> int:
    return int(get_currency_precision(currency))


def round_money(amount: Decimal | int | str, currency: str) -> Money:
    """Round half up to the currency's minor unit."""
    exp = Decimal(1).scaleb(-currency_decimals(currency))
    return Money(Decimal(amount).quantize(exp, rounding=ROUND_HALF_UP), currency)


@dataclass(frozen=True)
class Rate:
    """1 unit of `currency` = `vnd_per_unit` VND, from `valid_from`."""

    currency: str
    vnd_per_unit: Decimal
    valid_from: datetime.date | None = None
    source: str = ""
    is_estimate: bool = False

    def from_vnd(self, amount_vnd: Decimal | int) -> Money:
        if self.currency == VND:
            return round_money(Decimal(amount_vnd), VND)
        return round_money(Decimal(amount_vnd) / self.vnd_per_unit, self.currency)

    def to_vnd(self, amount: Decimal | int) -> Money:
        if self.currency == VND:
            return round_money(Decimal(amount), VND)
        return round_money(Decimal(amount) * self.vnd_per_unit, VND)

    def convert_exact(self, amount_vnd: Decimal) -> Decimal:
        """Unrounded, for sums that are rounded once at the end."""
        if self.currency == VND:
            return Decimal(amount_vnd)
        return Decimal(amount_vnd) / self.vnd_per_unit


VND_RATE = Rate(currency=VND, vnd_per_unit=Decimal(1), source="identity")

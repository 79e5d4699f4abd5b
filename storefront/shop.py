"""What the storefront knows about the visitor for one request: language, ship-to country,
market and currency.

The country lives in the session (a form in the header sets it); the market and currency come
from the markets domain. Views call `get_shop(request)` once and pass the result down."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django_countries import countries

SESSION_COUNTRY_KEY = "ship_to_country"
DEFAULT_COUNTRY = "VN"


@dataclass(frozen=True)
class Shop:
    language: str
    country: str
    country_name: str
    currency: str
    market: Any | None = None
    rate: Decimal | None = None  # units of `currency` per 1 VND; None for VND

    def convert(self, amount_vnd: Decimal | None) -> Decimal | None:
        """A VND amount in the shopper's currency, with the rate loaded once per request."""
        from storefront import adapters

        return adapters.convert_price(amount_vnd, self)

    @property
    def is_domestic(self) -> bool:
        return self.country == DEFAULT_COUNTRY


def is_valid_country(code: str) -> bool:
    return bool(code) and code.upper() in dict(countries)


def get_country(request: HttpRequest) -> str:
    code = str(request.session.get(SESSION_COUNTRY_KEY, DEFAULT_COUNTRY)).upper()
    return code if is_valid_country(code) else DEFAULT_COUNTRY


def set_country(request: HttpRequest, code: str) -> bool:
    """Store the ship-to country; False when the code is not an ISO 3166 country."""
    code = (code or "").strip().upper()
    if not is_valid_country(code):
        return False
    request.session[SESSION_COUNTRY_KEY] = code
    return True


def _market_currency_rate(country: str) -> tuple[Any | None, str, Decimal | None]:
    from storefront import adapters

    return adapters.market_for_country(country)


def get_shop(request: HttpRequest) -> Shop:
    cached = getattr(request, "_storefront_shop", None)
    if cached is not None:
        return cached
    country = get_country(request)
    market, currency, rate = _market_currency_rate(country)
    shop = Shop(
        language=translation.get_language() or settings.LANGUAGE_CODE,
        country=country,
        country_name=str(dict(countries)[country]),
        currency=currency,
        market=market,
        rate=rate,
    )
    request._storefront_shop = shop  # type: ignore[attr-defined]
    return shop

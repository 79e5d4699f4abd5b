"""One interface for every payment gateway, and the registry of enabled gateways.

A gateway is a class named in the setting ``PAYMENT_GATEWAYS`` implementing
`PaymentGateway`: `create` runs at checkoutPaymentCreate (e.g. Stripe creates the
PaymentIntent), `process` at checkoutComplete (charge, or leave for cash on delivery),
`refund` from the admin. Every call is safe to repeat for the same payment: a retry never
charges twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from backend.checkout.fetch import CheckoutInfo

    from ..models import Payment

# Currencies without a minor unit (Stripe's zero-decimal list, the ones we may meet).
ZERO_DECIMAL_CURRENCIES = frozenset({"VND", "JPY", "KRW", "CLP", "PYG", "UGX", "XAF", "XOF"})


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Amount in the smallest unit Stripe expects: 150000 VND -> 150000, 12.34 USD -> 1234."""
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(amount.quantize(Decimal(1)))
    return int((amount * 100).quantize(Decimal(1)))


def from_minor_units(value: int, currency: str) -> Decimal:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return Decimal(value)
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


@dataclass
class GatewayResult:
    """What a gateway call did. `status` is a PaymentStatus value."""

    status: str
    psp_reference: str | None = None
    client_secret: str = ""
    error: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class GatewayError(Exception):
    """The gateway could not be reached or refused the request (not a decline)."""


class PaymentGateway(Protocol):
    id: str
    name_vi: str
    name_en: str

    def is_enabled(self) -> bool: ...

    def is_available(self, checkout_info: CheckoutInfo, amount: Decimal) -> bool: ...

    def config(self) -> dict[str, str]: ...

    def create(self, payment: Payment) -> GatewayResult: ...

    def process(self, payment: Payment) -> GatewayResult: ...

    def refund(self, payment: Payment, amount: Decimal) -> GatewayResult: ...

    def cancel(self, payment: Payment) -> None: ...


@lru_cache(maxsize=8)
def _gateways(paths: tuple[str, ...]) -> tuple[PaymentGateway, ...]:
    return tuple(import_string(path)() for path in paths)


def all_gateways() -> tuple[PaymentGateway, ...]:
    return _gateways(tuple(settings.PAYMENT_GATEWAYS))


def enabled_gateways() -> list[PaymentGateway]:
    return [g for g in all_gateways() if g.is_enabled()]


def get_gateway(gateway_id: str) -> PaymentGateway | None:
    return next((g for g in enabled_gateways() if g.id == gateway_id), None)

"""Delivery methods offered to a checkout.

THE PLUG POINT
==============
Checkout never computes delivery itself. It asks every provider named in the setting
``CHECKOUT_DELIVERY_PROVIDERS`` (dotted paths, env ``CHECKOUT_DELIVERY_PROVIDERS``,
comma-separated) for the methods it offers to a `CheckoutInfo`, and concatenates them in
that order. A provider is any class (instantiated without arguments) or object with::

    def methods(self, checkout_info: CheckoutInfo) -> list[DeliveryMethod]

It returns nothing for addresses it does not serve. Method ids must be unique across
providers: prefix them with the provider's name (``domestic-flat:3``, ``intl-express:EU``).
Each method lists one `Parcel` per producer (every producer ships its own part), and its
`price` is the sum of the parcels' prices; the order keeps the parcel prices on each
producer's part. A provider must not query lines, variants or products: they are on the
`CheckoutInfo` (products carry their category, producer and export facts). Reference data it
needs (rate tables) may be loaded once and cached in ``checkout_info.extra``.

The international provider of `backend.shipping` (markets helper) plugs in by adding its
path to the setting; it does not need any change here. Problems such as "this product cannot
ship to that country" plug in the same way through ``CHECKOUT_PROBLEM_CHECKERS`` (see
`backend.checkout.problems`).

The first provider is `DomesticFlatRateProvider`: for Vietnamese addresses, one method per
active `DomesticShippingRate` row (data, edited in the admin), charged per producer parcel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from .models import DomesticShippingRate

if TYPE_CHECKING:
    from .fetch import CheckoutInfo


@dataclass(frozen=True)
class Parcel:
    producer_id: int
    price: Decimal
    weight_grams: int = 0


@dataclass(frozen=True)
class DeliveryMethod:
    id: str
    name_vi: str
    name_en: str
    price: Decimal
    currency: str = "VND"
    min_days: int | None = None
    max_days: int | None = None
    parcels: tuple[Parcel, ...] = field(default_factory=tuple)

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_vi

    def parcel_price(self, producer_id: int) -> Decimal:
        return sum((p.price for p in self.parcels if p.producer_id == producer_id), Decimal(0))


@runtime_checkable
class DeliveryMethodProvider(Protocol):
    def methods(self, checkout_info: CheckoutInfo) -> list[DeliveryMethod]: ...


def parcel_weights(checkout_info: CheckoutInfo) -> dict[int, int]:
    """Grams per producer for the shippable lines, in line order."""
    weights: dict[int, int] = {}
    for info in checkout_info.lines:
        if info.is_shippable:
            weights[info.producer.pk] = (
                weights.get(info.producer.pk, 0) + info.variant.weight_grams * info.line.quantity
            )
    return weights


class DomesticFlatRateProvider:
    """Flat rate per producer parcel for addresses in Vietnam."""

    prefix = "domestic-flat"

    def methods(self, checkout_info: CheckoutInfo) -> list[DeliveryMethod]:
        address = checkout_info.shipping_address
        if address is None or not address.is_domestic or not checkout_info.lines:
            return []
        rates = checkout_info.extra.get("domestic_rates")
        if rates is None:
            rates = list(DomesticShippingRate.objects.filter(is_active=True))
            checkout_info.extra["domestic_rates"] = rates
        weights = parcel_weights(checkout_info)
        result = []
        for rate in rates:  # type: ignore[attr-defined]
            parcels = tuple(
                Parcel(producer_id=pid, price=rate.price_per_parcel, weight_grams=grams)
                for pid, grams in weights.items()
            )
            result.append(
                DeliveryMethod(
                    id=f"{self.prefix}:{rate.pk}",
                    name_vi=rate.name_vi,
                    name_en=rate.name_en,
                    price=sum((p.price for p in parcels), Decimal(0)),
                    currency=checkout_info.currency,
                    min_days=rate.min_days,
                    max_days=rate.max_days,
                    parcels=parcels,
                )
            )
        return result


@lru_cache(maxsize=8)
def _providers(paths: tuple[str, ...]) -> tuple[DeliveryMethodProvider, ...]:
    loaded = []
    for path in paths:
        obj = import_string(path)
        loaded.append(obj() if isinstance(obj, type) else obj)
    return tuple(loaded)


def delivery_providers() -> tuple[DeliveryMethodProvider, ...]:
    return _providers(tuple(settings.CHECKOUT_DELIVERY_PROVIDERS))


def available_delivery_methods(checkout_info: CheckoutInfo) -> list[DeliveryMethod]:
    methods: list[DeliveryMethod] = []
    for provider in delivery_providers():
        methods.extend(provider.methods(checkout_info))
    return methods

"""The international delivery provider for checkout (plug point: the setting
CHECKOUT_DELIVERY_PROVIDERS, see backend/checkout/delivery.py).

For an address abroad it quotes every international service on the checkout's parcels (one
per producer, lines that may not go to that country left out: the compliance problem checker
reports them), from the rate tables loaded once per CheckoutInfo."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from backend.core.errors import ServiceError

from .quote import Destination, quote
from .selectors import load_shipping_data, parcels_from_lines

if TYPE_CHECKING:
    from backend.checkout.fetch import CheckoutInfo

PREFIX = "intl"


def _cached(checkout_info: CheckoutInfo, key: str, load: Any) -> Any:
    if key not in checkout_info.extra:
        checkout_info.extra[key] = load()
    return checkout_info.extra[key]


def shipping_data_for(checkout_info: CheckoutInfo) -> Any:
    return _cached(checkout_info, "shipping_data", load_shipping_data)


def provinces_for(checkout_info: CheckoutInfo) -> dict[int, Any]:
    from backend.places.models import Province

    ids = {info.producer.province_id for info in checkout_info.lines}

    def load() -> dict[int, Any]:
        return Province.objects.in_bulk(list(ids))

    cached = _cached(checkout_info, "producer_provinces", load)
    if not ids <= set(cached):
        cached = checkout_info.extra["producer_provinces"] = load()
    return dict(cached)


def destination_verdicts(checkout_info: CheckoutInfo) -> tuple[str | None, dict[int, Any]]:
    """(market code or None when the country is in no market, verdicts by product id), for
    the checkout's shipping country; loaded once per CheckoutInfo and country."""
    from backend.compliance.checks import verdicts_for_destination
    from backend.markets.selectors import market_for_country

    address = checkout_info.shipping_address
    if address is None:
        return None, {}
    country = address.country_code
    product_ids = tuple(sorted({info.product.pk for info in checkout_info.lines}))
    key = f"compliance:{country}:{product_ids}"

    def load() -> tuple[str | None, dict[int, Any]]:
        try:
            market = market_for_country(country)
        except ServiceError:
            return None, {}
        return market.code, verdicts_for_destination(
            product_ids=product_ids, market_code=market.code, country=country
        )

    result: tuple[str | None, dict[int, Any]] = _cached(checkout_info, key, load)
    return result


class InternationalShippingProvider:
    prefix = PREFIX

    def methods(self, checkout_info: CheckoutInfo) -> list[Any]:
        from backend.checkout.delivery import DeliveryMethod, Parcel

        address = checkout_info.shipping_address
        if address is None or address.is_domestic or not checkout_info.lines:
            return []
        market, verdicts = destination_verdicts(checkout_info)
        if market is None:
            return []
        lines = [
            (info.variant, info.line.quantity)
            for info in checkout_info.lines
            if info.is_shippable
            and not (info.product.pk in verdicts and verdicts[info.product.pk].blocked)
        ]
        if not lines:
            return []
        result = quote(
            parcels_from_lines(lines, provinces_for(checkout_info)),
            Destination(address.country_code),
            shipping_data_for(checkout_info),
        )
        methods = []
        for m in result.methods:
            methods.append(
                DeliveryMethod(
                    id=f"{self.prefix}:{m.service_code}",
                    name_vi=m.name_vi,
                    name_en=m.name_en,
                    price=m.price_vnd,
                    currency="VND",
                    min_days=m.days_min,
                    max_days=m.days_max,
                    parcels=tuple(
                        Parcel(
                            producer_id=int(pq.producer_id or 0),
                            price=pq.total,
                            weight_grams=int(
                                (pq.chargeable_kg * 1000).to_integral_value(ROUND_CEILING)
                            ),
                        )
                        for pq in m.parcels
                    ),
                )
            )
        return methods


class DomesticZonedProvider:
    """Zone-priced domestic services (standard and cold chain) for Vietnamese addresses: the
    same province, the same region, inter-region or remote, per producer parcel. Cold-chain
    goods (chilled, frozen) are offered only the services that carry them."""

    prefix = "vn-zone"

    def methods(self, checkout_info: CheckoutInfo) -> list[Any]:
        from backend.checkout.delivery import DeliveryMethod, Parcel
        from backend.places.models import Province

        address = checkout_info.shipping_address
        if address is None or not address.is_domestic or not address.province_id:
            return []
        lines = [(i.variant, i.line.quantity) for i in checkout_info.lines if i.is_shippable]
        if not lines:
            return []
        key = f"province:{address.province_id}"
        if key not in checkout_info.extra:
            checkout_info.extra[key] = Province.objects.filter(pk=address.province_id).first()
        dest_province: Any = checkout_info.extra[key]
        dest = Destination("VN", province_code=dest_province.code, region=dest_province.region)
        result = quote(
            parcels_from_lines(lines, provinces_for(checkout_info)),
            dest,
            shipping_data_for(checkout_info),
        )
        return [
            DeliveryMethod(
                id=f"{self.prefix}:{m.service_code}",
                name_vi=m.name_vi,
                name_en=m.name_en,
                price=m.price_vnd,
                currency="VND",
                min_days=m.days_min,
                max_days=m.days_max,
                parcels=tuple(
                    Parcel(producer_id=int(pq.producer_id or 0), price=pq.total) for pq in m.parcels
                ),
            )
            for m in result.methods
        ]


__all__ = [
    "Decimal",
    "DomesticZonedProvider",
    "InternationalShippingProvider",
    "destination_verdicts",
]

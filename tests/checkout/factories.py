"""Helpers to build sellable variants and ready checkouts for checkout/order/payment tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend.checkout import services
from backend.checkout.addresses import AddressInput
from backend.checkout.fetch import CheckoutInfo
from backend.checkout.models import DomesticShippingRate
from backend.checkout.services import LineInput
from backend.producers.models import Producer
from tests.factories import (
    OcopCertificateFactory,
    ProducerFactory,
    ProductFactory,
    ProductVariantFactory,
)


def sellable_variant(
    *,
    producer: Producer | None = None,
    price: int = 150_000,
    quantity: int = 20,
    weight_grams: int = 600,
    **product_kwargs: Any,
) -> Any:
    """An approved, certified product of a verified producer, with one variant."""
    product = ProductFactory(producer=producer or ProducerFactory(), **product_kwargs)
    OcopCertificateFactory(product=product)
    return ProductVariantFactory(
        product=product, price_amount=Decimal(price), quantity=quantity, weight_grams=weight_grams
    )


def vn_address(**overrides: str) -> AddressInput:
    data = {
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "country": "VN",
        "province_code": "01",
        "commune_code": "00004",
        "street_address_1": "12 Phố Đội Cấn",
    }
    data.update(overrides)
    return AddressInput.from_mapping(data)


def us_address(**overrides: str) -> AddressInput:
    data = {
        "full_name": "Jane Doe",
        "phone": "+1 415 555 2671",
        "country": "US",
        "street_address_1": "1 Market St",
        "city": "San Francisco",
        "country_area": "CA",
        "postal_code": "94105",
    }
    data.update(overrides)
    return AddressInput.from_mapping(data)


def standard_rate() -> DomesticShippingRate:
    return DomesticShippingRate.objects.get(name_en="Standard delivery")


def ready_checkout(
    variants_quantities: list[tuple[Any, int]],
    *,
    user: Any = None,
    email: str = "shopper@example.com",
    language_code: str = "vi",
) -> CheckoutInfo:
    """A checkout with lines, e-mail, a Hà Nội address and standard delivery chosen."""
    info = services.checkout_create(
        user=user,
        lines=[LineInput(v.pk, q) for v, q in variants_quantities],
        email=email,
        language_code=language_code,
        shipping_address=vn_address(),
    )
    return services.checkout_delivery_method_update(
        token=info.checkout.token,
        user=user,
        delivery_method_id=f"domestic-flat:{standard_rate().pk}",
    )

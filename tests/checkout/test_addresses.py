from __future__ import annotations

import pytest

from backend.checkout.addresses import address_validate
from backend.checkout.error_codes import CheckoutErrorCode
from backend.core.errors import ServiceError
from tests.checkout.factories import us_address, vn_address

pytestmark = pytest.mark.django_db


def codes(error: ServiceError) -> set[tuple[CheckoutErrorCode, str | None]]:
    return {(e.code, e.field) for e in error.errors}  # type: ignore[misc]


def test_vietnamese_address_by_province_and_commune_codes():
    address = address_validate(data=vn_address())
    assert address.province.code == "01"
    assert address.commune.code == "00004"
    assert address.phone == "+84912345678"
    assert address.is_domestic


def test_commune_must_belong_to_the_province():
    with pytest.raises(ServiceError) as info:
        address_validate(data=vn_address(province_code="79"), field_prefix="shipping_address")
    assert (CheckoutErrorCode.INVALID_COMMUNE, "shipping_address.commune_code") in codes(info.value)


def test_vietnamese_address_needs_known_codes():
    with pytest.raises(ServiceError) as info:
        address_validate(data=vn_address(province_code="99", commune_code="123"))
    found = {c for c, _ in codes(info.value)}
    assert {CheckoutErrorCode.INVALID_PROVINCE, CheckoutErrorCode.INVALID_COMMUNE} <= found


def test_foreign_address_with_postal_code_and_phone():
    address = address_validate(data=us_address())
    assert address.country.code == "US"
    assert address.phone == "+14155552671"
    assert address.province is None and address.commune is None


def test_foreign_address_with_a_vietnamese_commune_is_refused():
    with pytest.raises(ServiceError) as info:
        address_validate(data=us_address(commune_code="00004"))
    assert (CheckoutErrorCode.INVALID_COMMUNE, "commune_code") in codes(info.value)


@pytest.mark.parametrize(
    ("country", "postal_code", "ok"),
    [
        ("US", "94105", True),
        ("US", "9410", False),
        ("JP", "100-0001", True),
        ("JP", "ABC", False),
        ("GB", "SW1A 1AA", True),
        ("DE", "1011", False),
        ("AE", "", True),  # no postal codes
    ],
)
def test_postal_codes_per_country(country, postal_code, ok):
    phones = {
        "US": "+14155552671",
        "JP": "+81312345678",
        "GB": "+442079460000",
        "DE": "+4930123456",
        "AE": "+97142345678",
    }
    data = us_address(country=country, postal_code=postal_code, phone=phones[country])
    if ok:
        assert address_validate(data=data).country.code == country
    else:
        with pytest.raises(ServiceError) as info:
            address_validate(data=data)
        assert (CheckoutErrorCode.INVALID_POSTAL_CODE, "postal_code") in codes(info.value)


def test_invalid_phone_and_unknown_country():
    with pytest.raises(ServiceError) as info:
        address_validate(data=vn_address(phone="12"))
    assert (CheckoutErrorCode.INVALID_PHONE, "phone") in codes(info.value)
    with pytest.raises(ServiceError) as info:
        address_validate(data=vn_address(country="XX"))
    assert (CheckoutErrorCode.INVALID_COUNTRY, "country") in codes(info.value)

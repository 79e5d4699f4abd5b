"""Address validation: Vietnamese addresses by province and commune code (two-level
structure, the commune must belong to the province); foreign addresses by ISO country, with
postal codes checked against a small per-country table and phone numbers by `phonenumbers`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django_countries import countries

from backend.core.errors import FieldError, ServiceError
from backend.places.models import Commune, Province

from .error_codes import CheckoutErrorCode
from .messages import t
from .models import Address

# Postal-code formats of the countries we ship to most (upper-cased input, spaces kept).
# A country missing here accepts 2-10 letters, digits, spaces and dashes; a country mapped to
# None has no postal codes.
POSTAL_CODE_PATTERNS: dict[str, str | None] = {
    "VN": r"\d{6}",
    "US": r"\d{5}(-\d{4})?",
    "JP": r"\d{3}-?\d{4}",
    "KR": r"\d{5}",
    "CN": r"\d{6}",
    "AU": r"\d{4}",
    "SG": r"\d{6}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "DE": r"\d{5}",
    "FR": r"\d{5}",
    "IT": r"\d{5}",
    "ES": r"\d{5}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "BE": r"\d{4}",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "SA": r"\d{5}(-\d{4})?",
    "KW": r"\d{5}",
    "BH": r"\d{3,4}",
    "OM": r"\d{3}",
    "AE": None,
    "QA": None,
    "HK": None,
}
_GENERIC_POSTAL_CODE = r"[A-Z0-9][A-Z0-9 \-]{1,9}"


@dataclass
class AddressInput:
    full_name: str = ""
    phone: str = ""
    country: str = ""
    street_address_1: str = ""
    street_address_2: str = ""
    company_name: str = ""
    province_code: str = ""
    commune_code: str = ""
    city: str = ""
    country_area: str = ""
    postal_code: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> AddressInput:
        values = {k: str(data.get(k) or "").strip() for k in cls.__dataclass_fields__}
        return cls(**values)


def _error(code: CheckoutErrorCode, message: str, field: str, prefix: str) -> FieldError:
    return FieldError(code=code, message=message, field=f"{prefix}.{field}" if prefix else field)


def address_validate(*, data: AddressInput, field_prefix: str = "") -> Address:
    """A validated, unsaved Address built from `data`; ServiceError listing every problem."""
    errors: list[FieldError] = []
    country = data.country.upper()
    if not country or country not in dict(countries):
        raise ServiceError(
            _error(
                CheckoutErrorCode.INVALID_COUNTRY,
                t("Mã quốc gia không hợp lệ.", "Unknown country code."),
                "country",
                field_prefix,
            )
        )
    for name in ("full_name", "street_address_1", "phone"):
        if not getattr(data, name):
            errors.append(
                _error(
                    CheckoutErrorCode.REQUIRED,
                    t("Trường này là bắt buộc.", "This field is required."),
                    name,
                    field_prefix,
                )
            )
    address = Address(
        full_name=data.full_name[:200],
        company_name=data.company_name[:200],
        country=country,
        street_address_1=data.street_address_1[:256],
        street_address_2=data.street_address_2[:256],
    )
    # Phone number, normalised to E.164.
    if data.phone:
        try:
            number = phonenumbers.parse(data.phone, country)
            if not phonenumbers.is_valid_number(number):
                raise phonenumbers.NumberParseException(0, "invalid")
            address.phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            errors.append(
                _error(
                    CheckoutErrorCode.INVALID_PHONE,
                    f"{data.phone[:40]!r} is not a valid phone number for {country}.",
                    "phone",
                    field_prefix,
                )
            )
    if country == "VN":
        errors.extend(_validate_vietnamese(address, data, field_prefix))
    else:
        errors.extend(_validate_foreign(address, data, country, field_prefix))
    if errors:
        raise ServiceError(errors)
    return address


def _validate_vietnamese(address: Address, data: AddressInput, prefix: str) -> list[FieldError]:
    errors: list[FieldError] = []
    # One query in the usual case: the commune with its province.
    commune = (
        Commune.objects.select_related("province").filter(code=data.commune_code).first()
        if data.commune_code
        else None
    )
    if commune is not None and commune.province.code == data.province_code:
        province: Province | None = commune.province
    else:
        province = (
            Province.objects.filter(code=data.province_code).first() if data.province_code else None
        )
    if province is None:
        errors.append(
            _error(
                CheckoutErrorCode.INVALID_PROVINCE,
                t(
                    "Địa chỉ tại Việt Nam cần mã tỉnh/thành (cấu trúc hai cấp).",
                    "A Vietnamese address needs a province code of the two-level structure.",
                ),
                "province_code",
                prefix,
            )
        )
    if commune is None:
        errors.append(
            _error(
                CheckoutErrorCode.INVALID_COMMUNE,
                t(
                    "Địa chỉ tại Việt Nam cần mã xã/phường.",
                    "A Vietnamese address needs a commune (xã/phường) code.",
                ),
                "commune_code",
                prefix,
            )
        )
    elif province is not None and commune.province_id != province.pk:
        errors.append(
            _error(
                CheckoutErrorCode.INVALID_COMMUNE,
                t(
                    f"Xã/phường {commune.code} không thuộc tỉnh/thành {province.code}.",
                    f"Commune {commune.code} does not belong to province {province.code}.",
                ),
                "commune_code",
                prefix,
            )
        )
    if data.postal_code and not re.fullmatch(POSTAL_CODE_PATTERNS["VN"] or "", data.postal_code):
        errors.append(
            _error(
                CheckoutErrorCode.INVALID_POSTAL_CODE,
                t(
                    "Mã bưu chính Việt Nam có sáu chữ số.",
                    "Vietnamese postal codes have six digits.",
                ),
                "postal_code",
                prefix,
            )
        )
    address.province = province
    address.commune = commune
    address.postal_code = data.postal_code
    return errors


def _validate_foreign(
    address: Address, data: AddressInput, country: str, prefix: str
) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.province_code or data.commune_code:
        field = "commune_code" if data.commune_code else "province_code"
        errors.append(
            _error(
                CheckoutErrorCode.INVALID_COMMUNE,
                t(
                    "Mã tỉnh và mã xã chỉ dùng cho địa chỉ tại Việt Nam.",
                    "Province and commune codes are for Vietnamese addresses only.",
                ),
                field,
                prefix,
            )
        )
    if not data.city:
        errors.append(
            _error(
                CheckoutErrorCode.REQUIRED,
                t("Trường này là bắt buộc.", "This field is required."),
                "city",
                prefix,
            )
        )
    postal_code = data.postal_code.upper()
    pattern = POSTAL_CODE_PATTERNS.get(country, _GENERIC_POSTAL_CODE)
    if pattern is None:
        postal_code = ""
    elif not postal_code:
        errors.append(
            _error(
                CheckoutErrorCode.REQUIRED,
                t("Trường này là bắt buộc.", "This field is required."),
                "postal_code",
                prefix,
            )
        )
    elif not re.fullmatch(pattern, postal_code):
        errors.append(
            _error(
                CheckoutErrorCode.INVALID_POSTAL_CODE,
                f"{postal_code[:20]!r} is not a valid postal code for {country}.",
                "postal_code",
                prefix,
            )
        )
    address.city = data.city[:128]
    address.country_area = data.country_area[:128]
    address.postal_code = postal_code
    return errors

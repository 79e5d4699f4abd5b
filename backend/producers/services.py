"""Writes of producers (chủ thể OCOP): create, update, verify, reject.

Every function is keyword-only, runs in one transaction and raises `ServiceError` with a
`ProducerErrorCode` when the input is wrong."""

from __future__ import annotations

from typing import Any, TypedDict

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from typing_extensions import Unpack

from backend.core.errors import FieldError, ServiceError
from backend.core.text import vi_slugify
from backend.places.models import Commune, CraftVillage, Province
from backend.producers.error_codes import ProducerErrorCode
from backend.producers.models import Producer, ProducerKind, VerificationStatus

DEFAULT_PHONE_REGION = "VN"


class ProducerFields(TypedDict, total=False):
    slug: str
    commune: Commune | None
    craft_village: CraftVillage | None
    address: str
    story_vi: str
    story_en: str
    contact_name: str
    contact_email: str
    contact_phone: str
    website: str
    business_registration_number: str
    is_demo: bool


class ProducerChanges(ProducerFields, total=False):
    kind: str
    name: str
    province: Province


def unique_slug(
    queryset: QuerySet[Any], base: str, *, field: str = "slug", max_length: int = 200
) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free in `queryset` (one query)."""
    base = (base or "item")[:max_length].strip("-") or "item"
    taken = set(queryset.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1


def normalize_phone(raw: str, *, field: str = "contact_phone", code: Any = None) -> str:
    """A phone number in E.164 (+84...), read as Vietnamese when it has no country code."""
    code = code or ProducerErrorCode.INVALID_PHONE
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ServiceError.single(code, f"'{raw}' is not a phone number.", field) from exc
    if not phonenumbers.is_valid_number(number):
        raise ServiceError.single(code, f"'{raw}' is not a valid phone number.", field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _check_length(errors: list[FieldError], model: type[Model], data: dict[str, Any]) -> None:
    for name, value in data.items():
        if not isinstance(value, str):
            continue
        max_length = getattr(model._meta.get_field(name), "max_length", None)
        if max_length and len(value) > max_length:
            errors.append(
                FieldError(
                    ProducerErrorCode.TOO_LONG,
                    f"At most {max_length} characters.",
                    name,
                )
            )


def _clean(data: dict[str, Any], *, instance: Producer | None) -> dict[str, Any]:
    errors: list[FieldError] = []
    for key in ("name", "address", "story_vi", "story_en", "contact_name", "website"):
        if key in data and isinstance(data[key], str):
            data[key] = data[key].strip()
    if "name" in data and not data["name"]:
        errors.append(FieldError(ProducerErrorCode.REQUIRED, "The name is required.", "name"))
    if "kind" in data and data["kind"] not in ProducerKind.values:
        errors.append(FieldError(ProducerErrorCode.INVALID, "Unknown producer kind.", "kind"))
    if "province" in data and data["province"] is None:
        errors.append(
            FieldError(ProducerErrorCode.REQUIRED, "The province is required.", "province")
        )
    _check_length(errors, Producer, data)
    if data.get("contact_phone"):
        try:
            data["contact_phone"] = normalize_phone(data["contact_phone"])
        except ServiceError as exc:
            errors.extend(exc.errors)
    if data.get("contact_email"):
        data["contact_email"] = data["contact_email"].strip().lower()
        try:
            validate_email(data["contact_email"])
        except ValidationError:
            errors.append(
                FieldError(
                    ProducerErrorCode.INVALID_EMAIL, "Not an e-mail address.", "contact_email"
                )
            )
    if data.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(data["website"])
        except ValidationError:
            errors.append(
                FieldError(ProducerErrorCode.INVALID_URL, "Not a web address.", "website")
            )
    province = data.get("province", instance.province if instance else None)
    commune = data.get("commune", instance.commune if instance else None)
    village = data.get("craft_village", instance.craft_village if instance else None)
    if province is not None and commune is not None and commune.province_id != province.pk:
        errors.append(
            FieldError(
                ProducerErrorCode.COMMUNE_NOT_IN_PROVINCE,
                f"{commune.name} is not in {province.short_name}.",
                "commune",
            )
        )
    if province is not None and village is not None and village.province_id != province.pk:
        errors.append(
            FieldError(
                ProducerErrorCode.CRAFT_VILLAGE_NOT_IN_PROVINCE,
                f"{village.name} is not in {province.short_name}.",
                "craft_village",
            )
        )
    if "slug" in data and not data["slug"]:
        data.pop("slug")  # blank: keep the current one, or make one from the name
    if "slug" in data:
        slug = vi_slugify(data["slug"] or "")
        if not slug:
            errors.append(FieldError(ProducerErrorCode.INVALID, "Not a usable slug.", "slug"))
        others = Producer.objects.filter(slug=slug)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if slug and others.exists():
            errors.append(
                FieldError(ProducerErrorCode.DUPLICATED_SLUG, "This slug is taken.", "slug")
            )
        data["slug"] = slug
    if errors:
        raise ServiceError(errors)
    return data


def _sync(producer: Producer) -> None:
    from search.sync import schedule_products

    schedule_products(producer_ids=[producer.pk])


@transaction.atomic
def producer_create(
    *, name: str, kind: str, province: Province, **fields: Unpack[ProducerFields]
) -> Producer:
    """A new producer, waiting for staff verification. The slug comes from the name."""
    data = _clean({"name": name, "kind": kind, "province": province, **fields}, instance=None)
    if not data.get("slug"):
        data["slug"] = unique_slug(Producer.objects.all(), vi_slugify(data["name"]))
    producer = Producer.objects.create(**data)
    return producer


@transaction.atomic
def producer_update(*, producer: Producer, **changes: Unpack[ProducerChanges]) -> Producer:
    data = _clean(dict(changes), instance=producer)
    for key, value in data.items():
        setattr(producer, key, value)
    producer.save()
    _sync(producer)
    return producer


@transaction.atomic
def producer_verify(*, producer: Producer) -> Producer:
    producer.verification_status = VerificationStatus.VERIFIED
    producer.verified_at = timezone.now()
    producer.rejection_reason = ""
    producer.save(update_fields=["verification_status", "verified_at", "rejection_reason"])
    _sync(producer)
    return producer


@transaction.atomic
def producer_reject(*, producer: Producer, reason: str) -> Producer:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError.single(
            ProducerErrorCode.REQUIRED, "Say why the producer is rejected.", "reason"
        )
    producer.verification_status = VerificationStatus.REJECTED
    producer.rejection_reason = reason
    producer.verified_at = None
    producer.save(update_fields=["verification_status", "rejection_reason", "verified_at"])
    _sync(producer)
    return producer

"""Writes of places: craft villages (provinces and communes are reference data)."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db import transaction
from typing_extensions import Unpack

from backend.core.errors import FieldError, ServiceError
from backend.core.text import fold, vi_slugify
from backend.places.error_codes import PlaceErrorCode
from backend.places.models import Commune, CraftVillage, Province
from backend.producers.services import unique_slug


class CraftVillageFields(TypedDict, total=False):
    name_en: str
    slug: str
    commune: Commune | None
    craft_vi: str
    craft_en: str
    story_vi: str
    story_en: str


class CraftVillageChanges(CraftVillageFields, total=False):
    name: str
    province: Province


def _clean(data: dict[str, Any], *, instance: CraftVillage | None) -> dict[str, Any]:
    errors: list[FieldError] = []
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            errors.append(FieldError(PlaceErrorCode.REQUIRED, "The name is required.", "name"))
    for key, value in data.items():
        if isinstance(value, str):
            max_length = getattr(CraftVillage._meta.get_field(key), "max_length", None)
            if max_length and len(value) > max_length:
                errors.append(
                    FieldError(PlaceErrorCode.TOO_LONG, f"At most {max_length} characters.", key)
                )
    if "province" in data and data["province"] is None:
        errors.append(FieldError(PlaceErrorCode.REQUIRED, "The province is required.", "province"))
    province = data.get("province", instance.province if instance else None)
    commune = data.get("commune", instance.commune if instance else None)
    if province is not None and commune is not None and commune.province_id != province.pk:
        errors.append(
            FieldError(
                PlaceErrorCode.COMMUNE_NOT_IN_PROVINCE,
                f"{commune.name} is not in {province.short_name}.",
                "commune",
            )
        )
    if "slug" in data and not data["slug"]:
        data.pop("slug")  # blank: keep the current one, or make one from the name
    if data.get("slug"):
        data["slug"] = vi_slugify(data["slug"])
        others = CraftVillage.objects.filter(slug=data["slug"])
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            errors.append(FieldError(PlaceErrorCode.DUPLICATED_SLUG, "This slug is taken.", "slug"))
    if errors:
        raise ServiceError(errors)
    if "name" in data:
        data["folded_name"] = fold(data["name"])
    return data


@transaction.atomic
def craft_village_create(
    *, name: str, province: Province, **fields: Unpack[CraftVillageFields]
) -> CraftVillage:
    data = _clean({"name": name, "province": province, **fields}, instance=None)
    if not data.get("slug"):
        data["slug"] = unique_slug(
            CraftVillage.objects.all(), vi_slugify(data["name"]), max_length=120
        )
    return CraftVillage.objects.create(**data)


@transaction.atomic
def craft_village_update(
    *, craft_village: CraftVillage, **changes: Unpack[CraftVillageChanges]
) -> CraftVillage:
    data = _clean(dict(changes), instance=craft_village)
    for key, value in data.items():
        setattr(craft_village, key, value)
    craft_village.save()
    product_ids = list(craft_village.products.values_list("pk", flat=True))
    if product_ids:
        from search.sync import schedule_products

        schedule_products(product_ids)
    return craft_village

"""Writes of the catalogue: products, moderation, variants, stock and media.

Rules kept here (and nowhere else):
- slugs (vi and en) are unique; they come from the names when not given;
- the category is an OCOP product SET (level 1), never a group;
- the origin commune and craft village lie in the origin province;
- a variant's price is >= 0 and its SKU unique; `product_update_price_range` keeps
  Product.price_min/price_max equal to the variants' range after every variant write;
- stock never goes below what checkouts and orders have allocated;
- images are JPEG/PNG/WebP within limits, stored through the default storage, with WebP
  thumbnails of 128, 256 and 512 pixels.
Every write schedules the search sync for the products it touched."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypedDict

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from typing_extensions import Unpack

from backend.catalogue.error_codes import CatalogueErrorCode
from backend.catalogue.images import THUMBNAIL_SIZES, make_thumbnail, read_image
from backend.catalogue.models import (
    Category,
    CitesStatus,
    ModerationStatus,
    Product,
    ProductMedia,
    ProductVariant,
    StorageClass,
    Thumbnail,
)
from backend.compliance.services import product_compliance_changed
from backend.core.errors import FieldError, ServiceError
from backend.core.text import vi_slugify
from backend.places.models import Commune, CraftVillage, Province
from backend.producers.models import Producer
from backend.producers.services import unique_slug

Code = CatalogueErrorCode


class ProductFields(TypedDict, total=False):
    name_en: str
    slug: str
    slug_en: str | None
    description_vi: str
    description_en: str
    commune: Commune | None
    craft_village: CraftVillage | None
    hs_code: str
    storage_class: str
    shelf_life_days: int | None
    contains_alcohol: bool
    abv_percent: Decimal | None
    contains_pork: bool
    contains_meat: bool
    contains_seafood: bool
    contains_dairy: bool
    is_fresh_produce: bool
    fresh_produce_species: str
    is_raw_fermented: bool
    contains_birds_nest: bool
    is_liquid: bool
    is_dangerous_goods: bool
    wood_species: str
    cites_status: str
    is_food_contact: bool
    is_supplement: bool
    has_health_claim: bool
    is_fragile: bool
    moderation_status: str


class ProductChanges(ProductFields, total=False):
    name_vi: str
    category: Category
    province: Province


class VariantFields(TypedDict, total=False):
    name_en: str
    length_cm: Decimal | int | str | None
    width_cm: Decimal | int | str | None
    height_cm: Decimal | int | str | None
    quantity: int
    sort_order: int


class VariantChanges(VariantFields, total=False):
    sku: str
    name_vi: str
    price_amount: Decimal | int | str
    weight_grams: int


def _sync(product_ids: Iterable[int]) -> None:
    from search.sync import schedule_products

    schedule_products(product_ids)


def _too_long(errors: list[FieldError], model: Any, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, str):
            max_length = getattr(model._meta.get_field(key), "max_length", None)
            if max_length and len(value) > max_length:
                errors.append(FieldError(Code.TOO_LONG, f"At most {max_length} characters.", key))


# --- Products -----------------------------------------------------------------------------


def _clean_slug(
    errors: list[FieldError], data: dict[str, Any], field: str, instance: Product | None
) -> None:
    raw = data.get(field)
    if raw is None or raw == "":
        return
    slug = vi_slugify(raw)
    if not slug:
        errors.append(FieldError(Code.INVALID, "Not a usable slug.", field))
        return
    # Both slug columns share one URL space per language; keep each unique in its column.
    others = Product.objects.filter(**{field: slug})
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        errors.append(FieldError(Code.DUPLICATED_SLUG, f"The slug '{slug}' is taken.", field))
    data[field] = slug


def _clean_product(data: dict[str, Any], *, instance: Product | None) -> dict[str, Any]:
    errors: list[FieldError] = []
    for key in ("name_vi", "name_en", "description_vi", "description_en", "hs_code"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    if "name_vi" in data and not data["name_vi"]:
        errors.append(FieldError(Code.REQUIRED, "The Vietnamese name is required.", "name_vi"))
    _too_long(errors, Product, data)
    category = data.get("category")
    if "category" in data:
        if category is None:
            errors.append(FieldError(Code.REQUIRED, "The product set is required.", "category"))
        elif category.level != Category.Level.PRODUCT_SET:
            errors.append(
                FieldError(
                    Code.CATEGORY_NOT_PRODUCT_SET,
                    f"{category.code} is a group; choose one of its product sets.",
                    "category",
                )
            )
    if "province" in data and data["province"] is None:
        errors.append(FieldError(Code.REQUIRED, "The origin province is required.", "province"))
    province = data.get("province", instance.province if instance else None)
    commune = data.get("commune", instance.commune if instance else None)
    village = data.get("craft_village", instance.craft_village if instance else None)
    if province is not None and commune is not None and commune.province_id != province.pk:
        errors.append(
            FieldError(
                Code.COMMUNE_NOT_IN_PROVINCE,
                f"{commune.name} is not in {province.short_name}.",
                "commune",
            )
        )
    if province is not None and village is not None and village.province_id != province.pk:
        errors.append(
            FieldError(
                Code.CRAFT_VILLAGE_NOT_IN_PROVINCE,
                f"{village.name} is not in {province.short_name}.",
                "craft_village",
            )
        )
    if "storage_class" in data and data["storage_class"] not in StorageClass.values:
        errors.append(FieldError(Code.INVALID, "Unknown storage class.", "storage_class"))
    if "cites_status" in data and data["cites_status"] not in CitesStatus.values:
        errors.append(FieldError(Code.INVALID, "Unknown CITES status.", "cites_status"))
    if "moderation_status" in data and data["moderation_status"] not in ModerationStatus.values:
        errors.append(FieldError(Code.INVALID, "Unknown status.", "moderation_status"))
    shelf_life = data.get("shelf_life_days")
    if shelf_life is not None and (not isinstance(shelf_life, int) or shelf_life <= 0):
        errors.append(
            FieldError(Code.INVALID, "Shelf life is a positive number of days.", "shelf_life_days")
        )
    alcohol = data.get("contains_alcohol", instance.contains_alcohol if instance else False)
    if "abv_percent" in data and data["abv_percent"] is not None:
        try:
            abv = Decimal(str(data["abv_percent"]))
        except InvalidOperation:
            abv = Decimal(-1)
        if not (Decimal(0) < abv <= Decimal(100)):
            errors.append(
                FieldError(Code.INVALID_ABV, "ABV is between 0 and 100 %.", "abv_percent")
            )
        elif not alcohol:
            errors.append(
                FieldError(Code.INVALID_ABV, "Only alcoholic products have an ABV.", "abv_percent")
            )
        else:
            data["abv_percent"] = abv.quantize(Decimal("0.1"))
    elif alcohol and "contains_alcohol" in data and not (instance and instance.abv_percent):
        errors.append(
            FieldError(Code.INVALID_ABV, "Give the ABV of an alcoholic product.", "abv_percent")
        )
    _clean_slug(errors, data, "slug", instance)
    _clean_slug(errors, data, "slug_en", instance)
    if errors:
        raise ServiceError(errors)
    return data


@transaction.atomic
def product_create(
    *,
    producer: Producer,
    category: Category,
    name_vi: str,
    province: Province | None = None,
    **fields: Unpack[ProductFields],
) -> Product:
    """A new product, waiting for review (PENDING_REVIEW) unless a status is given. The
    origin province defaults to the producer's."""
    data = _clean_product(
        {
            "category": category,
            "name_vi": name_vi,
            "province": province or producer.province,
            **fields,
        },
        instance=None,
    )
    if not data.get("slug"):
        data["slug"] = unique_slug(
            Product.objects.all(), vi_slugify(data["name_vi"]), max_length=250
        )
    if not data.get("slug_en") and data.get("name_en"):
        data["slug_en"] = unique_slug(
            Product.objects.all(), vi_slugify(data["name_en"]), field="slug_en", max_length=250
        )
    if not data.get("slug_en"):
        data["slug_en"] = None
    product = Product.objects.create(producer=producer, **data)
    _sync([product.pk])
    product_compliance_changed(product_ids=[product.pk])
    return product


@transaction.atomic
def product_update(*, product: Product, **changes: Unpack[ProductChanges]) -> Product:
    """Changes some fields. Slugs stay as they are (links keep working) unless given."""
    data = _clean_product(dict(changes), instance=product)
    if data.get("slug") == "":
        data.pop("slug")
    if "slug_en" in data and not data["slug_en"]:
        data["slug_en"] = None
    for key, value in data.items():
        setattr(product, key, value)
    if not product.slug_en and product.name_en:
        product.slug_en = unique_slug(
            Product.objects.exclude(pk=product.pk),
            vi_slugify(product.name_en),
            field="slug_en",
            max_length=250,
        )
    product.save()
    _sync([product.pk])
    product_compliance_changed(product_ids=[product.pk])
    return product


@transaction.atomic
def product_approve(*, product: Product, note: str = "") -> Product:
    if product.moderation_status == ModerationStatus.ARCHIVED:
        raise ServiceError.single(
            Code.INVALID_STATUS, "An archived product cannot be approved.", "moderation_status"
        )
    product.moderation_status = ModerationStatus.APPROVED
    product.moderation_note = note.strip()
    product.save(update_fields=["moderation_status", "moderation_note", "updated_at"])
    _sync([product.pk])
    return product


@transaction.atomic
def product_reject(*, product: Product, note: str) -> Product:
    note = (note or "").strip()
    if not note:
        raise ServiceError.single(Code.REQUIRED, "Say why the product is rejected.", "note")
    product.moderation_status = ModerationStatus.REJECTED
    product.moderation_note = note
    product.save(update_fields=["moderation_status", "moderation_note", "updated_at"])
    _sync([product.pk])
    return product


# --- Variants, price range and stock --------------------------------------------------------


def product_update_price_range(*, product: Product) -> Product:
    """Product.price_min/price_max = the range of its variants' prices (None without any)."""
    bounds = product.variants.aggregate(low=Min("price_amount"), high=Max("price_amount"))
    product.price_min, product.price_max = bounds["low"], bounds["high"]
    Product.objects.filter(pk=product.pk).update(
        price_min=product.price_min, price_max=product.price_max
    )
    return product


def _decimal(
    errors: list[FieldError], data: dict[str, Any], field: str, code: Code, places: str
) -> None:
    value = data.get(field)
    if value is None:
        return
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors.append(FieldError(Code.INVALID, "Not a number.", field))
        return
    if amount < 0:
        errors.append(FieldError(code, "Must not be negative.", field))
        return
    data[field] = amount.quantize(Decimal(places))


def _clean_variant(
    data: dict[str, Any], *, instance: ProductVariant | None, product: Product | None = None
) -> dict[str, Any]:
    errors: list[FieldError] = []
    for key in ("sku", "name_vi", "name_en"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    if "sku" in data:
        if not data["sku"]:
            errors.append(FieldError(Code.REQUIRED, "The SKU is required.", "sku"))
        else:
            others = ProductVariant.objects.filter(sku__iexact=data["sku"])
            if instance is not None:
                others = others.exclude(pk=instance.pk)
            if others.exists():
                errors.append(
                    FieldError(Code.DUPLICATED_SKU, f"SKU '{data['sku']}' is taken.", "sku")
                )
    if "name_vi" in data and not data["name_vi"]:
        errors.append(FieldError(Code.REQUIRED, "Give the pack size or unit.", "name_vi"))
    _too_long(errors, ProductVariant, data)
    if "price_amount" in data:
        if data["price_amount"] is None:
            errors.append(FieldError(Code.REQUIRED, "The price is required.", "price_amount"))
        else:
            _decimal(errors, data, "price_amount", Code.NEGATIVE_PRICE, "1")
            price = data.get("price_amount")
            if isinstance(price, Decimal) and price >= Decimal("1e14"):
                errors.append(FieldError(Code.INVALID, "The price is too large.", "price_amount"))
    if "weight_grams" in data:
        weight = data["weight_grams"]
        owner = product or (instance.product if instance is not None else None)
        # Services (group VI) never ship: they may weigh nothing.
        lowest = 0 if owner is not None and not owner.category.is_shippable else 1
        if not isinstance(weight, int) or weight < lowest or weight > 1_000_000:
            errors.append(
                FieldError(Code.INVALID_WEIGHT, "Weight is 1 g to 1,000 kg.", "weight_grams")
            )
    for dim in ("length_cm", "width_cm", "height_cm"):
        _decimal(errors, data, dim, Code.INVALID_DIMENSION, "0.1")
        value = data.get(dim)
        if isinstance(value, Decimal) and (value == 0 or value >= 10000):
            errors.append(FieldError(Code.INVALID_DIMENSION, "0.1 to 9999.9 cm.", dim))
    if "quantity" in data:
        quantity = data["quantity"]
        if not isinstance(quantity, int) or quantity < 0:
            errors.append(FieldError(Code.NEGATIVE_QUANTITY, "Stock is 0 or more.", "quantity"))
        elif instance is not None and quantity < instance.quantity_allocated:
            errors.append(
                FieldError(
                    Code.BELOW_ALLOCATED,
                    f"{instance.quantity_allocated} units are already allocated.",
                    "quantity",
                )
            )
    if errors:
        raise ServiceError(errors)
    return data


@transaction.atomic
def variant_create(
    *,
    product: Product,
    sku: str,
    name_vi: str,
    price_amount: Decimal | int | str,
    weight_grams: int,
    **fields: Unpack[VariantFields],
) -> ProductVariant:
    data = _clean_variant(
        {
            "sku": sku,
            "name_vi": name_vi,
            "price_amount": price_amount,
            "weight_grams": weight_grams,
            **fields,
        },
        instance=None,
        product=product,
    )
    try:
        with transaction.atomic():
            variant = ProductVariant.objects.create(product=product, **data)
    except IntegrityError as exc:  # a concurrent create took the SKU
        raise ServiceError.single(Code.DUPLICATED_SKU, "The SKU is taken.", "sku") from exc
    product_update_price_range(product=product)
    _sync([product.pk])
    return variant


@transaction.atomic
def variant_update(*, variant: ProductVariant, **changes: Unpack[VariantChanges]) -> ProductVariant:
    original, variant = variant, ProductVariant.objects.select_for_update().get(pk=variant.pk)
    data = _clean_variant(dict(changes), instance=variant)
    for key, value in data.items():
        setattr(variant, key, value)
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError as exc:
        raise ServiceError.single(Code.DUPLICATED_SKU, "The SKU is taken.", "sku") from exc
    product_update_price_range(product=variant.product)
    _sync([variant.product_id])
    original.refresh_from_db()
    return variant


@transaction.atomic
def variant_delete(*, variant: ProductVariant) -> None:
    variant = ProductVariant.objects.select_for_update().get(pk=variant.pk)
    if variant.quantity_allocated:
        raise ServiceError.single(
            Code.VARIANT_ALLOCATED,
            f"{variant.quantity_allocated} units are allocated to checkouts or orders.",
            "variant",
        )
    product = variant.product
    variant.delete()
    product_update_price_range(product=product)
    _sync([product.pk])


@transaction.atomic
def stock_set(*, variant: ProductVariant, quantity: int) -> ProductVariant:
    """Sets the units on hand; never below the units already allocated."""
    locked = ProductVariant.objects.select_for_update().get(pk=variant.pk)
    _clean_variant({"quantity": quantity}, instance=locked)
    locked.quantity = quantity
    locked.save(update_fields=["quantity", "updated_at"])
    variant.quantity = locked.quantity
    variant.quantity_allocated = locked.quantity_allocated
    _sync([locked.product_id])
    return locked


# --- Media ----------------------------------------------------------------------------------


def _delete_files_on_commit(names: list[tuple[Any, Any]]) -> None:
    def delete() -> None:
        for storage, name in names:
            with contextlib.suppress(Exception):
                storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def product_media_create(
    *,
    product: Product,
    file: IO[bytes] | bytes,
    alt_vi: str = "",
    alt_en: str = "",
    sort_order: int | None = None,
) -> ProductMedia:
    """Checks the image, stores it and its WebP thumbnails (128, 256, 512 px)."""
    alt_vi, alt_en = (alt_vi or "").strip(), (alt_en or "").strip()
    errors: list[FieldError] = []
    _too_long(errors, ProductMedia, {"alt_vi": alt_vi, "alt_en": alt_en})
    if errors:
        raise ServiceError(errors)
    image = read_image(file)
    if sort_order is None:
        sort_order = (product.media.aggregate(top=Max("sort_order"))["top"] or 0) + (
            1 if product.media.exists() else 0
        )
    stem = f"{product.slug[:60]}-{uuid.uuid4().hex[:10]}"
    media = ProductMedia(
        product=product,
        width=image.width,
        height=image.height,
        alt_vi=alt_vi or product.name_vi,
        alt_en=alt_en or product.name_en,
        sort_order=sort_order,
    )
    stored: list[tuple[Any, Any]] = []
    try:
        media.image.save(f"{stem}.{image.extension}", ContentFile(image.data), save=False)
        stored.append((media.image.storage, media.image.name))
        media.save()
        for size in THUMBNAIL_SIZES:
            thumb = Thumbnail(media=media, size=size, format="WEBP")
            thumb.image.save(
                f"{stem}-{size}.webp", ContentFile(make_thumbnail(image, size)), save=False
            )
            stored.append((thumb.image.storage, thumb.image.name))
            thumb.save()
    except Exception:
        # Nothing half-made stays behind: the rows roll back, the files go now.
        for storage, name in stored:
            with contextlib.suppress(Exception):
                storage.delete(name)
        raise
    _sync([product.pk])
    return media


@transaction.atomic
def product_media_update(
    *,
    media: ProductMedia,
    alt_vi: str | None = None,
    alt_en: str | None = None,
    sort_order: int | None = None,
) -> ProductMedia:
    """Changes the alt texts or the position of an image (the file itself never changes)."""
    changes: dict[str, Any] = {}
    if alt_vi is not None:
        changes["alt_vi"] = alt_vi.strip()
    if alt_en is not None:
        changes["alt_en"] = alt_en.strip()
    errors: list[FieldError] = []
    _too_long(errors, ProductMedia, changes)
    if sort_order is not None:
        if not isinstance(sort_order, int) or sort_order < 0:
            errors.append(FieldError(Code.INVALID, "The position is 0 or more.", "sort_order"))
        changes["sort_order"] = sort_order
    if errors:
        raise ServiceError(errors)
    for key, value in changes.items():
        setattr(media, key, value)
    if changes:
        media.save(update_fields=[*changes, "updated_at"])
        _sync([media.product_id])
    return media


@transaction.atomic
def product_media_delete(*, media: ProductMedia) -> None:
    """Deletes the image, its thumbnails and their files (once the transaction commits)."""
    names = [(media.image.storage, media.image.name)]
    names += [(t.image.storage, t.image.name) for t in media.thumbnails.all()]
    product_id = media.product_id
    media.delete()
    _delete_files_on_commit(names)
    _sync([product_id])


@transaction.atomic
def product_delete(*, product: Product) -> bool:
    """Deletes a listing with its variants and images. A product with OCOP certificates or
    traceability batches is archived instead (certificate history and printed QR codes stay
    valid); returns True when the row was deleted, False when archived. Refused while units of
    it are allocated to checkouts or orders."""
    allocated = product.variants.filter(quantity_allocated__gt=0).exists()
    if allocated:
        raise ServiceError.single(
            Code.VARIANT_ALLOCATED,
            "Units of this product are allocated to checkouts or orders.",
            "id",
        )
    if product.certificates.exists() or product.batches.exists():
        product.moderation_status = ModerationStatus.ARCHIVED
        product.save(update_fields=["moderation_status", "updated_at"])
        _sync([product.pk])
        return False
    names: list[tuple[Any, Any]] = []
    for media in product.media.prefetch_related("thumbnails"):
        names.append((media.image.storage, media.image.name))
        names += [(t.image.storage, t.image.name) for t in media.thumbnails.all()]
    product_id = product.pk
    product.delete()
    _delete_files_on_commit(names)
    _sync([product_id])
    return True

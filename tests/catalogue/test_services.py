"""Catalogue services: products, moderation, variants and price range, stock, media."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from backend.catalogue import images
from backend.catalogue.error_codes import CatalogueErrorCode as Code
from backend.catalogue.models import ModerationStatus, ProductMedia, Thumbnail
from backend.catalogue.services import (
    product_approve,
    product_create,
    product_media_create,
    product_media_delete,
    product_reject,
    product_update,
    stock_set,
    variant_create,
    variant_delete,
    variant_update,
)
from backend.core.errors import ServiceError
from backend.places.models import Commune
from tests.factories import (
    CraftVillageFactory,
    ProducerFactory,
    ProductFactory,
    ProductVariantFactory,
    product_set,
    province,
)

pytestmark = pytest.mark.django_db


def codes(exc) -> set:
    return {e.code for e in exc.value.errors}


def png_bytes(size=(800, 600), fmt="PNG", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 40, 40)).save(out, format=fmt)
    return out.getvalue()


# --- Products -------------------------------------------------------------------------------


def test_product_create_makes_unique_slugs_and_waits_for_review():
    producer = ProducerFactory()
    a = product_create(
        producer=producer,
        category=product_set("I-4a"),
        name_vi="Nước mắm Phú Quốc",
        name_en="Phu Quoc fish sauce",
    )
    b = product_create(
        producer=producer,
        category=product_set("I-4a"),
        name_vi="Nước mắm Phú Quốc",
        name_en="Phu Quoc fish sauce",
    )
    assert (a.slug, a.slug_en) == ("nuoc-mam-phu-quoc", "phu-quoc-fish-sauce")
    assert (b.slug, b.slug_en) == ("nuoc-mam-phu-quoc-2", "phu-quoc-fish-sauce-2")
    assert a.moderation_status == ModerationStatus.PENDING_REVIEW
    assert a.province == producer.province


def test_product_category_must_be_a_set_not_a_group():
    with pytest.raises(ServiceError) as exc:
        product_create(producer=ProducerFactory(), category=product_set("I"), name_vi="Chả cá")
    assert codes(exc) == {Code.CATEGORY_NOT_PRODUCT_SET}


def test_product_origin_commune_and_village_must_be_in_province():
    hue = Commune.objects.filter(province__code="46").first()
    village = CraftVillageFactory(province=province("01"))
    with pytest.raises(ServiceError) as exc:
        product_create(
            producer=ProducerFactory(),
            category=product_set(),
            name_vi="Giò lụa",
            province=province("01"),
            commune=hue,
        )
    assert codes(exc) == {Code.COMMUNE_NOT_IN_PROVINCE}
    product = ProductFactory(province=province("46"))
    with pytest.raises(ServiceError) as exc:
        product_update(product=product, craft_village=village)
    assert codes(exc) == {Code.CRAFT_VILLAGE_NOT_IN_PROVINCE}


def test_product_update_slug_duplicates_and_abv_rules():
    ProductFactory(slug="ruou-ta-ruong", slug_en="ta-ruong-spirit")
    product = ProductFactory()
    with pytest.raises(ServiceError) as exc:
        product_update(product=product, slug="Rượu Tà Rương", slug_en="ta-ruong-spirit")
    assert codes(exc) == {Code.DUPLICATED_SLUG}
    assert {e.field for e in exc.value.errors} == {"slug", "slug_en"}
    with pytest.raises(ServiceError) as exc:
        product_update(product=product, abv_percent=Decimal("29.5"))
    assert codes(exc) == {Code.INVALID_ABV}  # not alcoholic
    with pytest.raises(ServiceError) as exc:
        product_update(product=product, contains_alcohol=True, abv_percent=Decimal("130"))
    assert codes(exc) == {Code.INVALID_ABV}
    product_update(product=product, contains_alcohol=True, abv_percent=Decimal("29.5"))
    product.refresh_from_db()
    assert product.abv_percent == Decimal("29.5")


def test_product_update_rejects_bad_values():
    product = ProductFactory()
    with pytest.raises(ServiceError) as exc:
        product_update(product=product, name_vi="", storage_class="WARM", shelf_life_days=0)
    assert codes(exc) == {Code.REQUIRED, Code.INVALID}
    with pytest.raises(ServiceError) as exc:
        product_update(product=product, name_en="x" * 300)
    assert codes(exc) == {Code.TOO_LONG}


def test_product_approve_and_reject():
    product = ProductFactory(moderation_status=ModerationStatus.PENDING_REVIEW)
    with pytest.raises(ServiceError) as exc:
        product_reject(product=product, note="")
    assert codes(exc) == {Code.REQUIRED}
    product_reject(product=product, note="Ảnh không rõ")
    assert product.moderation_status == ModerationStatus.REJECTED
    product_approve(product=product)
    product.refresh_from_db()
    assert product.moderation_status == ModerationStatus.APPROVED
    product.moderation_status = ModerationStatus.ARCHIVED
    product.save()
    with pytest.raises(ServiceError) as exc:
        product_approve(product=product)
    assert codes(exc) == {Code.INVALID_STATUS}


# --- Variants, price range, stock ------------------------------------------------------------


def test_variants_keep_the_price_range():
    product = ProductFactory()
    small = variant_create(
        product=product, sku="NM-250", name_vi="chai 250ml", price_amount=90000, weight_grams=400
    )
    product.refresh_from_db()
    assert (product.price_min, product.price_max) == (90000, 90000)
    big = variant_create(
        product=product,
        sku="NM-500",
        name_vi="chai 500ml",
        price_amount="180000",
        weight_grams=750,
        length_cm="7",
        width_cm=7,
        height_cm=28,
    )
    product.refresh_from_db()
    assert (product.price_min, product.price_max) == (90000, 180000)
    assert big.height_cm == Decimal("28.0")
    variant_update(variant=small, price_amount=Decimal("120000"))
    product.refresh_from_db()
    assert (product.price_min, product.price_max) == (120000, 180000)
    variant_delete(variant=big)
    product.refresh_from_db()
    assert (product.price_min, product.price_max) == (120000, 120000)
    variant_delete(variant=small)
    product.refresh_from_db()
    assert (product.price_min, product.price_max) == (None, None)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"price_amount": -1}, Code.NEGATIVE_PRICE),
        ({"price_amount": "abc"}, Code.INVALID),
        ({"price_amount": "NaN"}, Code.INVALID),
        ({"weight_grams": 0}, Code.INVALID_WEIGHT),
        ({"length_cm": -3}, Code.INVALID_DIMENSION),
        ({"quantity": -1}, Code.NEGATIVE_QUANTITY),
        ({"sku": " "}, Code.REQUIRED),
        ({"sku": "TAKEN-1"}, Code.DUPLICATED_SKU),
        ({"sku": "taken-1"}, Code.DUPLICATED_SKU),
    ],
)
def test_variant_create_rejects_bad_input(fields, code):
    ProductVariantFactory(sku="TAKEN-1")
    data = {"sku": "NEW-1", "name_vi": "gói", "price_amount": 1000, "weight_grams": 100}
    data.update(fields)
    with pytest.raises(ServiceError) as exc:
        variant_create(product=ProductFactory(), **data)
    assert code in codes(exc)


def test_stock_never_below_allocated_and_allocated_variant_not_deleted():
    variant = ProductVariantFactory(quantity=10, quantity_allocated=4)
    with pytest.raises(ServiceError) as exc:
        stock_set(variant=variant, quantity=3)
    assert codes(exc) == {Code.BELOW_ALLOCATED}
    with pytest.raises(ServiceError) as exc:
        stock_set(variant=variant, quantity=-5)
    assert codes(exc) == {Code.NEGATIVE_QUANTITY}
    stock_set(variant=variant, quantity=4)
    variant.refresh_from_db()
    assert variant.quantity == 4 and variant.quantity_available == 0
    with pytest.raises(ServiceError) as exc:
        variant_delete(variant=variant)
    assert codes(exc) == {Code.VARIANT_ALLOCATED}
    with pytest.raises(ServiceError) as exc:
        variant_update(variant=variant, quantity=1)
    assert codes(exc) == {Code.BELOW_ALLOCATED}


# --- Media ------------------------------------------------------------------------------------


def test_media_create_stores_image_and_webp_thumbnails():
    product = ProductFactory()
    upload = SimpleUploadedFile("photo.png", png_bytes((1200, 800)), content_type="image/png")
    media = product_media_create(product=product, file=upload, alt_vi="Ảnh", alt_en="Photo")
    assert (media.width, media.height) == (1200, 800)
    assert default_storage.exists(media.image.name)
    thumbs = list(media.thumbnails.order_by("size"))
    assert [t.size for t in thumbs] == [128, 256, 512]
    for thumb in thumbs:
        assert thumb.format == "WEBP" and thumb.image.name.endswith(".webp")
        with default_storage.open(thumb.image.name) as fh, Image.open(fh) as im:
            assert im.format == "WEBP"
            assert max(im.size) == thumb.size
    second = product_media_create(product=product, file=png_bytes(fmt="JPEG"))
    assert second.sort_order > media.sort_order
    assert second.alt_vi == product.name_vi  # alt text defaults to the name

    product_media_delete(media=media)
    assert not ProductMedia.objects.filter(pk=media.pk).exists()
    assert not Thumbnail.objects.filter(media_id=media.pk).exists()
    # Files go when the transaction commits: see the transactional test below.


@pytest.mark.django_db(transaction=True)
def test_media_delete_removes_files_after_commit():
    product = ProductFactory()
    media = product_media_create(product=product, file=png_bytes())
    names = [media.image.name] + [t.image.name for t in media.thumbnails.all()]
    assert all(default_storage.exists(n) for n in names)
    product_media_delete(media=media)
    assert not any(default_storage.exists(n) for n in names)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", Code.INVALID_IMAGE),
        (b"GIF89a not really", Code.INVALID_IMAGE),
        (png_bytes(fmt="GIF"), Code.UNSUPPORTED_IMAGE_TYPE),
        (png_bytes(fmt="BMP"), Code.UNSUPPORTED_IMAGE_TYPE),
        (png_bytes()[:200], Code.INVALID_IMAGE),  # truncated
    ],
)
def test_media_rejects_bad_files(data, code):
    product = ProductFactory()
    with pytest.raises(ServiceError) as exc:
        product_media_create(product=product, file=data)
    assert codes(exc) == {code}
    assert not product.media.exists()


def test_media_limits_size_dimensions_and_bombs(monkeypatch):
    product = ProductFactory()
    monkeypatch.setattr(images, "MAX_SIDE", 500)
    with pytest.raises(ServiceError) as exc:
        product_media_create(product=product, file=png_bytes((600, 100)))
    assert codes(exc) == {Code.IMAGE_DIMENSIONS_TOO_LARGE}
    monkeypatch.setattr(images, "MAX_SIDE", 6000)
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ServiceError) as exc:
        product_media_create(product=product, file=png_bytes((400, 400), mode="RGB") * 3)
    assert codes(exc) == {Code.IMAGE_TOO_LARGE}
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 10 * 1024 * 1024)
    # Pillow's own decompression-bomb guard, lowered so a small file trips it.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ServiceError) as exc:
        product_media_create(product=product, file=png_bytes((100, 100)))
    assert codes(exc) == {Code.IMAGE_DIMENSIONS_TOO_LARGE}
    assert not product.media.exists()


def test_media_update_changes_alt_text_and_position_only():
    from backend.catalogue.services import product_media_update

    media = product_media_create(product=ProductFactory(), file=png_bytes())
    name = media.image.name
    product_media_update(media=media, alt_vi=" Ảnh mới ", alt_en="New photo", sort_order=3)
    media.refresh_from_db()
    assert (media.alt_vi, media.alt_en, media.sort_order) == ("Ảnh mới", "New photo", 3)
    assert media.image.name == name
    with pytest.raises(ServiceError) as exc:
        product_media_update(media=media, sort_order=-1, alt_en="x" * 251)
    assert codes(exc) == {Code.INVALID, Code.TOO_LONG}

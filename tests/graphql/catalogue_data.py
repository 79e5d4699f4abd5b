"""Builders of catalogue rows for the API tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend.catalogue.models import ProductMedia, Thumbnail
from tests.factories import (
    BatchFactory,
    CraftVillageFactory,
    OcopCertificateFactory,
    ProducerFactory,
    ProductFactory,
    ProductVariantFactory,
)


def full_product(**kwargs: Any) -> Any:
    """A product with everything the API shows: two variants, a certificate, an image with two
    thumbnails, two batches, a commune and a craft village."""
    product: Any = ProductFactory(**kwargs)
    if product.craft_village_id is None:
        village = CraftVillageFactory(province=product.province)
        product.craft_village = village
        product.commune = village.commune
        product.save(update_fields=["craft_village", "commune"])
    ProductVariantFactory(product=product, price_amount=Decimal("120000"))
    ProductVariantFactory(product=product, price_amount=Decimal("210000"), name_vi="hộp 1kg")
    OcopCertificateFactory(product=product, stars=4)
    media = ProductMedia.objects.create(
        product=product, image=f"products/{product.slug}.jpg", alt_vi="Ảnh", alt_en="Photo"
    )
    for size in (256, 1024):
        Thumbnail.objects.create(
            media=media, size=size, image=f"thumbnails/{product.slug}-{size}.webp"
        )
    BatchFactory(product=product)
    BatchFactory(product=product)
    return product


def many_full_products(count: int) -> list[Any]:
    producers = [ProducerFactory() for _ in range(5)]
    return [full_product(producer=producers[i % 5]) for i in range(count)]


PRODUCT_FIELDS = """
  id name description slug stars potentialFiveStar
  certificate { id number decisionNumber issuingAuthority decisionDate expiresOn stars
                potentialFiveStar criteriaVersion kind status isValid }
  category { id code name slug level parent { id code name } }
  producer { id name slug kind isVerified province { id code name } }
  origin {
    province { id code name shortName }
    commune { id code name }
    craftVillage { id name slug }
  }
  hsCode storageClass shelfLifeDays
  variants { id sku name pricing { price { amount currency } } quantityAvailable
             weight { value unit } }
  pricing { priceRange { start { amount currency } stop { amount currency } } }
  media { id url alt thumbnail(size: 200) }
  traceabilityUrl qrCodeUrl created updated
"""

PRODUCTS_QUERY = (
    """
query Products($first: Int, $after: String, $filter: ProductFilterInput,
               $sortBy: ProductOrder, $lang: LanguageCodeEnum) {
  products(first: $first, after: $after, filter: $filter, sortBy: $sortBy,
           languageCode: $lang) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { """
    + PRODUCT_FIELDS
    + """ } }
  }
}
"""
)

"""What is indexed per product, built in a constant number of queries per batch.

Stars and expiry: a document carries the stars of the product's current certificate only
while that certificate is VERIFIED, together with its decision date and expiry date. Both
backends count the stars (filter, facet, sort) only when today's date lies between the two,
so a certificate that expires drops its stars from search on the day it expires, without a
job and without a re-index. A revoked or replaced certificate changes the row, which the
certification services re-sync through `search.sync.schedule_products`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet

from backend.catalogue.models import ModerationStatus, Product, ProductVariant
from backend.certification.models import CertificateStatus


def public_products() -> QuerySet[Product]:
    return Product.objects.filter(moderation_status=ModerationStatus.APPROVED)


def _queryset() -> QuerySet[Product]:
    in_stock = ProductVariant.objects.filter(
        product=OuterRef("pk"), quantity__gt=F("quantity_allocated")
    )
    return (
        public_products()
        .select_related(
            "category__parent",
            "province",
            "commune",
            "craft_village",
            "producer",
            "current_certificate",
        )
        .prefetch_related("province__aliases")
        .annotate(has_stock=Exists(in_stock))
        .order_by("pk")
    )


def _amount(value: Any) -> int | None:
    return None if value is None else int(value)


def product_document(product: Product) -> dict[str, Any]:
    category = product.category
    group = category.parent or category
    province = product.province
    village = product.craft_village
    producer = product.producer
    cert = product.current_certificate
    verified = cert is not None and cert.status == CertificateStatus.VERIFIED
    names = [n for n in (product.name_vi, product.name_en) if n]
    return {
        "id": product.pk,
        "name_vi": product.name_vi,
        "name_en": product.name_en,
        "description_vi": product.description_vi,
        "description_en": product.description_en,
        "category_code": category.code,
        "category_name_vi": category.name_vi,
        "category_name_en": category.name_en,
        "group_code": group.code,
        "group_name_vi": group.name_vi,
        "group_name_en": group.name_en,
        "stars": cert.stars if verified and cert else None,
        "potential_five_star": bool(verified and cert and cert.potential_five_star),
        "certificate_valid_from": cert.decision_date.isoformat() if verified and cert else None,
        "certificate_valid_until": cert.expires_on.isoformat() if verified and cert else None,
        "province_code": province.code,
        "province_name": province.short_name,
        "province_name_en": province.name_en,
        "former_province_names": [a.name for a in province.aliases.all()],
        "commune_name": product.commune.name if product.commune else "",
        "craft_village_slug": village.slug if village else "",
        "craft_village_name": village.name if village else "",
        "craft_village_craft": " ".join(filter(None, [village.craft_vi, village.craft_en]))
        if village
        else "",
        "producer_id": producer.pk,
        "producer_name": producer.name,
        "producer_kind": producer.kind,
        "price_min": _amount(product.price_min),
        "price_max": _amount(product.price_max),
        "in_stock": bool(getattr(product, "has_stock", False)),
        "created_at": product.created_at.isoformat(),
        "markets": [],
        "suggest": names,
    }


def build_documents(ids: Iterable[int]) -> list[dict[str, Any]]:
    """Documents of the given products that are public (the others are left out)."""
    ids = list(ids)
    if not ids:
        return []
    return [product_document(p) for p in _queryset().filter(pk__in=ids)]


def iter_document_batches(batch_size: int = 500) -> Iterator[list[dict[str, Any]]]:
    """Every public product, in batches keyed on the primary key (no OFFSET scans)."""
    last = 0
    while True:
        batch = list(_queryset().filter(pk__gt=last)[:batch_size])
        if not batch:
            return
        last = batch[-1].pk
        yield [product_document(p) for p in batch]


def count_public_products() -> int:
    return public_products().count()

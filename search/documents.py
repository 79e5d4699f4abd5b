"""What is indexed per product, built in a constant number of queries per batch.

Stars and expiry: a document carries the stars of the product's current certificate only
while that certificate is VERIFIED, together with its decision date and expiry date. Both
backends count the stars (filter, facet, sort) only when today's date lies between the two,
so a certificate that expires drops its stars from search on the day it expires, without a
job and without a re-index. A revoked or replaced certificate changes the row, which the
certification services re-sync through `search.sync.schedule_products`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import F, QuerySet

from backend.catalogue.models import ModerationStatus, Product, ProductVariant
from backend.certification.models import CertificateStatus
from backend.places.models import ProvinceAlias
from backend.producers.models import VerificationStatus

from .text import word_suffixes

# Same visibility as the catalogue: APPROVED, of a producer that is not rejected or suspended.
HIDDEN_PRODUCER_STATUSES = (VerificationStatus.REJECTED, VerificationStatus.SUSPENDED)


def public_products() -> QuerySet[Product]:
    return Product.objects.filter(moderation_status=ModerationStatus.APPROVED).exclude(
        producer__verification_status__in=HIDDEN_PRODUCER_STATUSES
    )


_COLUMNS = {
    "id": "pk",
    "name_vi": "name_vi",
    "name_en": "name_en",
    "description_vi": "description_vi",
    "description_en": "description_en",
    "category_code": "category__code",
    "category_name_vi": "category__name_vi",
    "category_name_en": "category__name_en",
    "group_code": "category__parent__code",
    "group_name_vi": "category__parent__name_vi",
    "group_name_en": "category__parent__name_en",
    "cert_stars": "current_certificate__stars",
    "cert_potential": "current_certificate__potential_five_star",
    "cert_from": "current_certificate__decision_date",
    "cert_until": "current_certificate__expires_on",
    "cert_status": "current_certificate__status",
    "province_id": "province_id",
    "province_code": "province__code",
    "province_name": "province__short_name",
    "province_name_en": "province__name_en",
    "commune_name": "commune__name",
    "craft_village_slug": "craft_village__slug",
    "craft_village_name": "craft_village__name",
    "craft_vi": "craft_village__craft_vi",
    "craft_en": "craft_village__craft_en",
    "producer_id": "producer_id",
    "producer_name": "producer__name",
    "producer_kind": "producer__kind",
    "price_min": "price_min",
    "price_max": "price_max",
    "created_at": "created_at",
    "in_stock": "has_stock",
}


def _rows(products: QuerySet[Product], limit: int | None = None) -> list[dict[str, Any]]:
    """Flat rows (values(), no model instances: indexing reads many of them), plus whether
    any variant has stock, read by product id (an index lookup, not a scan of variants)."""
    columns = [c for c in _COLUMNS.values() if c != "has_stock"]
    query = products.order_by("pk").values(*columns)
    rows = list(query[:limit] if limit is not None else query)
    stocked = set(
        ProductVariant.objects.filter(
            product_id__in=[r["pk"] for r in rows], quantity__gt=F("quantity_allocated")
        ).values_list("product_id", flat=True)
    )
    for r in rows:
        r["has_stock"] = r["pk"] in stocked
    return rows


def _aliases(province_ids: Iterable[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for pid, name in ProvinceAlias.objects.filter(province_id__in=set(province_ids)).values_list(
        "province_id", "name"
    ):
        names.setdefault(pid, []).append(name)
    return names


def _amount(value: Any) -> int | None:
    return None if value is None else int(value)


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def product_document(row: dict[str, Any], aliases: dict[int, list[str]]) -> dict[str, Any]:
    """The indexed document of one product row (see `_COLUMNS`)."""
    r = {key: row[column] for key, column in _COLUMNS.items()}
    verified = r["cert_status"] == CertificateStatus.VERIFIED and r["cert_stars"] is not None
    # A product set's group is its parent; a product filed under a group is its own group.
    group = (
        (r["group_code"], r["group_name_vi"], r["group_name_en"])
        if r["group_code"]
        else (r["category_code"], r["category_name_vi"], r["category_name_en"])
    )
    names = [n for n in (r["name_vi"], r["name_en"]) if n]
    return {
        "id": r["id"],
        "name_vi": r["name_vi"],
        "name_en": r["name_en"],
        "description_vi": r["description_vi"],
        "description_en": r["description_en"],
        "category_code": r["category_code"],
        "category_name_vi": r["category_name_vi"],
        "category_name_en": r["category_name_en"],
        "group_code": group[0],
        "group_name_vi": group[1],
        "group_name_en": group[2],
        "stars": r["cert_stars"] if verified else None,
        "potential_five_star": bool(verified and r["cert_potential"]),
        "certificate_valid_from": _date(r["cert_from"]) if verified else None,
        "certificate_valid_until": _date(r["cert_until"]) if verified else None,
        "province_code": r["province_code"],
        "province_name": r["province_name"],
        "province_name_en": r["province_name_en"],
        "former_province_names": aliases.get(r["province_id"], []),
        "commune_name": r["commune_name"] or "",
        "craft_village_slug": r["craft_village_slug"] or "",
        "craft_village_name": r["craft_village_name"] or "",
        "craft_village_craft": " ".join(filter(None, [r["craft_vi"], r["craft_en"]])),
        "producer_id": r["producer_id"],
        "producer_name": r["producer_name"],
        "producer_kind": r["producer_kind"],
        "price_min": _amount(r["price_min"]),
        "price_max": _amount(r["price_max"]),
        "in_stock": bool(r["in_stock"]),
        "created_at": r["created_at"].isoformat(),
        "markets": [],  # filled by _documents from the compliance verdicts
        "suggest": [suffix for name in names for suffix in word_suffixes(name)],
    }


def _documents(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from backend.compliance.selectors import eligible_markets_by_product

    aliases = _aliases(r["province_id"] for r in rows)
    markets = eligible_markets_by_product(r["pk"] for r in rows)
    documents = [product_document(r, aliases) for r in rows]
    for doc in documents:
        doc["markets"] = sorted(markets.get(doc["id"], []))
    return documents


def build_documents(ids: Iterable[int]) -> list[dict[str, Any]]:
    """Documents of the given products that are public (the others are left out), in two
    queries whatever their number."""
    ids = list(ids)
    if not ids:
        return []
    return _documents(_rows(public_products().filter(pk__in=ids)))


def iter_document_batches(batch_size: int = 500) -> Iterator[list[dict[str, Any]]]:
    """Every public product, in batches keyed on the primary key (no OFFSET scans)."""
    last = 0
    while True:
        rows = _rows(public_products().filter(pk__gt=last), batch_size)
        if not rows:
            return
        last = rows[-1]["pk"]
        yield _documents(rows)


def count_public_products() -> int:
    return public_products().count()

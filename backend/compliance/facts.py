"""Product facts: the flat, immutable view of a product the rules read. Built in bulk from one
`values()` query plus one query for the producers' documents."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

FOOD_GROUPS = ("I", "II")

FACT_FIELDS = (
    "hs_code",
    "storage_class",
    "shelf_life_days",
    "contains_alcohol",
    "abv_percent",
    "contains_pork",
    "contains_meat",
    "contains_seafood",
    "contains_dairy",
    "is_fresh_produce",
    "fresh_produce_species",
    "is_raw_fermented",
    "contains_birds_nest",
    "is_liquid",
    "is_dangerous_goods",
    "wood_species",
    "cites_status",
    "is_food_contact",
    "is_supplement",
    "has_health_claim",
)


@dataclass(frozen=True)
class HeldDocument:
    kind: str
    document_id: int
    expires_on: datetime.date | None
    is_verified: bool


@dataclass(frozen=True)
class ProductFacts:
    product_id: int | None = None
    producer_id: int | None = None
    set_code: str = ""
    group_code: str = ""
    is_shippable: bool = True
    hs_code: str = ""
    storage_class: str = "AMBIENT"
    shelf_life_days: int | None = None
    contains_alcohol: bool = False
    abv_percent: Decimal | None = None
    contains_pork: bool = False
    contains_meat: bool = False
    contains_seafood: bool = False
    contains_dairy: bool = False
    is_fresh_produce: bool = False
    fresh_produce_species: str = ""
    is_raw_fermented: bool = False
    contains_birds_nest: bool = False
    is_liquid: bool = False
    is_dangerous_goods: bool = False
    wood_species: str = ""
    cites_status: str = "NOT_LISTED"
    is_food_contact: bool = False
    is_supplement: bool = False
    has_health_claim: bool = False
    documents: tuple[HeldDocument, ...] = field(default=(), compare=False)

    @property
    def is_food(self) -> bool:
        return self.group_code in FOOD_GROUPS or self.is_supplement

    @property
    def is_animal_product(self) -> bool:
        return (
            self.contains_meat
            or self.contains_pork
            or self.contains_seafood
            or self.contains_dairy
            or self.contains_birds_nest
        )

    def get(self, name: str) -> Any:
        return getattr(self, name)


def facts_from_row(row: Mapping[str, Any], documents: Iterable[HeldDocument] = ()) -> ProductFacts:
    set_code = row.get("category__code") or ""
    return ProductFacts(
        product_id=row.get("id"),
        producer_id=row.get("producer_id"),
        set_code=set_code,
        group_code=set_code.split("-", 1)[0],
        is_shippable=bool(row.get("category__is_shippable", True)),
        documents=tuple(documents),
        **{name: row[name] for name in FACT_FIELDS if name in row and row[name] is not None},
    )


def load_facts(product_ids: Iterable[int]) -> list[ProductFacts]:
    """Facts of many products in three queries: products with their set, documents, and the
    products each document is limited to."""
    from backend.catalogue.models import Product
    from backend.certification.models import ProducerDocument

    ids = list(product_ids)
    rows = list(
        Product.objects.filter(pk__in=ids)
        .order_by("pk")
        .values("id", "producer_id", "category__code", "category__is_shippable", *FACT_FIELDS)
    )
    producer_ids = {r["producer_id"] for r in rows}
    today = timezone.localdate()
    by_producer: dict[int, list[tuple[HeldDocument, set[int]]]] = defaultdict(list)
    docs = (
        ProducerDocument.objects.filter(producer_id__in=producer_ids)
        .filter(models_q_valid(today))
        .prefetch_related("products")
        .only("id", "producer_id", "kind", "expires_on", "is_verified")
    )
    for doc in docs:
        covered = {p.pk for p in doc.products.all()}
        by_producer[doc.producer_id].append(
            (HeldDocument(doc.kind, doc.pk, doc.expires_on, doc.is_verified), covered)
        )
    facts = []
    for row in rows:
        held = [
            d
            for d, covered in by_producer.get(row["producer_id"], [])
            if not covered or row["id"] in covered
        ]
        facts.append(facts_from_row(row, held))
    return facts


def models_q_valid(today: datetime.date) -> Any:
    from django.db.models import Q

    return Q(expires_on__isnull=True) | Q(expires_on__gte=today)

"""Reads of the compliance domain."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backend.markets.models import Market

from .evaluator import DocType, RuleSet, build_ruleset
from .models import DocumentType, ProductMarketVerdict, Rule, SpeciesAlias


def load_ruleset(on: datetime.date | None = None) -> RuleSet:
    """Every active market, rule, document type and species alias, in four queries."""
    on = on or timezone.localdate()
    markets = {
        m.code: (m.country_codes, m.is_domestic)
        for m in Market.objects.filter(is_active=True).order_by("sort_order", "code")
    }
    rules = list(
        Rule.objects.filter(is_active=True).values(
            "id",
            "code",
            "markets",
            "countries",
            "condition",
            "effect",
            "reason_code",
            "message_vi",
            "message_en",
            "documents",
            "source",
            "valid_from",
            "valid_to",
            "is_estimate",
            "is_active",
        )
    )
    doc_types = [
        DocType(d.code, d.name_vi, d.name_en, d.producer_document_kind, d.per_shipment)
        for d in DocumentType.objects.all()
    ]
    aliases = dict(SpeciesAlias.objects.values_list("name", "species"))
    return build_ruleset(
        rules=rules, markets=markets, doc_types=doc_types, species_aliases=aliases, on=on
    )


def verdicts_for_product(product_id: int) -> QuerySet[ProductMarketVerdict]:
    return (
        ProductMarketVerdict.objects.filter(product_id=product_id)
        .select_related("market")
        .order_by("market__sort_order")
    )


def verdict_for(product_id: int, market_code: str) -> ProductMarketVerdict | None:
    return (
        ProductMarketVerdict.objects.filter(product_id=product_id, market__code=market_code)
        .select_related("market")
        .first()
    )


def product_ids_with_verdict(market_code: str, verdicts: Iterable[str]) -> Any:
    """IDs of products whose verdict for a market is one of `verdicts` (a subquery to use in
    `Product.objects.filter(pk__in=...)`). Indexed on (market, verdict, product)."""
    qs = ProductMarketVerdict.objects.filter(market__code=market_code, verdict__in=list(verdicts))
    return qs.values("product_id")


def eligible_markets_by_product(product_ids: Iterable[int]) -> dict[int, list[str]]:
    """For search documents: the markets each product may go to (not BLOCKED)."""
    out: dict[int, list[str]] = {}
    rows = (
        ProductMarketVerdict.objects.filter(product_id__in=list(product_ids))
        .exclude(verdict="BLOCKED")
        .values_list("product_id", "market__code")
    )
    for pid, code in rows:
        out.setdefault(pid, []).append(code)
    return out

"""Compliance of products for one destination country, for checkout and estimates: stored
verdicts where they exist, evaluated on the spot (not stored) where they do not yet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .evaluator import evaluate
from .explain import RuleCatalog, catalog_from_ruleset, explain_reasons, load_catalog
from .facts import load_facts
from .models import ProductMarketVerdict
from .selectors import load_ruleset


@dataclass(frozen=True)
class DestinationVerdict:
    product_id: int
    market: str
    country: str
    verdict: str
    reasons: list[dict[str, Any]] = field(default_factory=list)  # explained

    @property
    def blocked(self) -> bool:
        return self.verdict == "BLOCKED"

    @property
    def reason_codes(self) -> list[str]:
        return [
            r["code"]
            for r in self.reasons
            if not r.get("countries") or self.country in r.get("countries", [])
        ]


def verdicts_for_destination(
    *, product_ids: Iterable[int], market_code: str, country: str
) -> dict[int, DestinationVerdict]:
    """One query for the stored verdicts; products without one are evaluated live (the rule
    set and their facts are then loaded once for all of them)."""
    ids = sorted(set(product_ids))
    country = country.upper()
    found: dict[int, tuple[str, list[dict[str, Any]]]] = {}
    stored = ProductMarketVerdict.objects.filter(product_id__in=ids, market__code=market_code)
    for v in stored.only("product_id", "verdict", "reasons", "country_verdicts"):
        found[v.product_id] = (v.verdict_for_country(country), v.reasons)
    missing = [pid for pid in ids if pid not in found]
    catalog: RuleCatalog | None = None
    if missing:
        ruleset = load_ruleset()
        catalog = catalog_from_ruleset(ruleset)
        for facts in load_facts(missing):
            assert facts.product_id is not None
            mv = evaluate(facts, ruleset, market_code)
            found[facts.product_id] = (mv.for_country(country), mv.reasons)
    if catalog is None and any(reasons for _, reasons in found.values()):
        catalog = load_catalog()
    return {
        pid: DestinationVerdict(
            pid,
            market_code,
            country,
            verdict,
            explain_reasons(reasons, catalog) if catalog and reasons else [],
        )
        for pid, (verdict, reasons) in found.items()
    }

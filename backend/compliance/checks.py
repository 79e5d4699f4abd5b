"""Compliance of products for one destination country, for checkout and estimates: stored
verdicts where they exist, evaluated on the spot (not stored) where they do not yet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .evaluator import evaluate
from .facts import load_facts
from .models import ProductMarketVerdict
from .selectors import load_ruleset


@dataclass(frozen=True)
class DestinationVerdict:
    product_id: int
    market: str
    country: str
    verdict: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)

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
    out: dict[int, DestinationVerdict] = {}
    stored = ProductMarketVerdict.objects.filter(product_id__in=ids, market__code=market_code)
    for v in stored:
        out[v.product_id] = DestinationVerdict(
            v.product_id, market_code, country, v.verdict_for_country(country), v.reasons,
            v.documents,
        )  # fmt: skip
    missing = [pid for pid in ids if pid not in out]
    if missing:
        ruleset = load_ruleset()
        for facts in load_facts(missing):
            assert facts.product_id is not None
            mv = evaluate(facts, ruleset, market_code)
            out[facts.product_id] = DestinationVerdict(
                facts.product_id, market_code, country, mv.for_country(country), mv.reasons,
                mv.documents,
            )  # fmt: skip
    return out

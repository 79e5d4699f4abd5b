"""The compliance evaluator: pure functions over `ProductFacts` and a `RuleSet` loaded once.

Condition language (JSON), kept small on purpose:
    {"all": [c, ...]}  {"any": [c, ...]}  {"not": c}
    {"fact": NAME, "op": OP, "value": V}
OP is one of: true, false, eq, ne, in, not_in, gt, gte, lt, lte, prefix (V: list of
prefixes), empty, not_empty. NAME is a ProductFacts field or one of the derived facts
`is_food` and `is_animal_product`. A missing (None) fact never matches a comparison.
`fresh_produce_species` is normalised through the rule set's species aliases (e.g.
"bưởi" -> "pomelo") before it is compared.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from backend.core.text import fold

from .facts import ProductFacts

Predicate = Callable[[ProductFacts], bool]
MEMO_SIZE = 20_000

BLOCKED = "BLOCKED"
WITH_DOCUMENTS = "ELIGIBLE_WITH_DOCUMENTS"
ELIGIBLE = "ELIGIBLE"
_SEVERITY = {ELIGIBLE: 0, WITH_DOCUMENTS: 1, BLOCKED: 2}

KNOWN_FACTS = {f for f in ProductFacts.__dataclass_fields__ if f != "documents"} | {
    "is_food",
    "is_animal_product",
}


class ConditionError(ValueError):
    pass


def normalise_species(value: str, aliases: Mapping[str, str]) -> str:
    """Folded snake-case species key through the aliases; a name that starts with an alias
    ("vải thiều Lục Ngạn") takes the longest such alias ("vải thiều" -> lychee)."""
    key = "_".join(fold(value or "").replace("-", " ").split())
    if key in aliases:
        return aliases[key]
    prefixes = [a for a in aliases if key.startswith(a + "_")]
    return aliases[max(prefixes, key=len)] if prefixes else key


def _num(v: Any) -> Decimal:
    return Decimal(str(v))


def compile_condition(cond: Any, aliases: Mapping[str, str] | None = None) -> Predicate:
    """Turn a JSON condition into a predicate; raises ConditionError on a malformed one."""
    aliases = aliases or {}
    if not isinstance(cond, dict):
        raise ConditionError(f"a condition must be an object, got {cond!r}")
    if "all" in cond:
        parts = [compile_condition(c, aliases) for c in cond["all"]]
        return lambda f: all(p(f) for p in parts)
    if "any" in cond:
        parts = [compile_condition(c, aliases) for c in cond["any"]]
        return lambda f: any(p(f) for p in parts)
    if "not" in cond:
        inner = compile_condition(cond["not"], aliases)
        return lambda f: not inner(f)
    name, op, value = cond.get("fact"), cond.get("op"), cond.get("value")
    if name not in KNOWN_FACTS:
        raise ConditionError(f"unknown fact {name!r}")
    if name == "fresh_produce_species":
        cache: dict[str, str] = {}

        def get(f: ProductFacts) -> Any:
            raw = f.fresh_produce_species
            if raw not in cache:
                cache[raw] = normalise_species(raw, aliases)
            return cache[raw]

        if isinstance(value, list):
            value = [normalise_species(v, aliases) for v in value]
        elif isinstance(value, str):
            value = normalise_species(value, aliases)
    else:

        def get(f: ProductFacts) -> Any:
            return getattr(f, name)

    if op == "true":
        return lambda f: bool(get(f))
    if op == "false":
        return lambda f: not get(f)
    if op == "empty":
        return lambda f: not get(f)
    if op == "not_empty":
        return lambda f: bool(get(f))
    if op == "eq":
        return lambda f: get(f) == value
    if op == "ne":
        return lambda f: get(f) != value
    if op in ("in", "not_in"):
        if not isinstance(value, list):
            raise ConditionError(f"{op} needs a list")
        values = frozenset(value)
        if op == "in":
            return lambda f: get(f) in values
        return lambda f: get(f) not in values
    if op == "prefix":
        prefixes = tuple(value if isinstance(value, list) else [value])
        return lambda f: bool(get(f)) and str(get(f)).startswith(prefixes)
    if op in ("gt", "gte", "lt", "lte"):
        limit = _num(value)
        cmp: Callable[[Decimal], bool] = {
            "gt": lambda x: x > limit,
            "gte": lambda x: x >= limit,
            "lt": lambda x: x < limit,
            "lte": lambda x: x <= limit,
        }[op]
        return lambda f: get(f) is not None and cmp(_num(get(f)))
    raise ConditionError(f"unknown operator {op!r}")


@dataclass(frozen=True)
class CompiledRule:
    id: int
    code: str
    markets: frozenset[str]  # market codes, resolved from EXPORT / ALL
    countries: frozenset[str]
    predicate: Predicate = field(compare=False)
    effect: str  # BLOCK / REQUIRE_DOCUMENTS
    reason_code: str
    message_vi: str
    message_en: str
    documents: tuple[str, ...]
    source: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    is_estimate: bool

    def explain(self) -> dict[str, Any]:
        return {
            "rule": self.code,
            "rule_id": self.id,
            "source": self.source,
            "valid_from": self.valid_from.isoformat(),
            "is_estimate": self.is_estimate,
        }


@dataclass(frozen=True)
class DocType:
    code: str
    name_vi: str
    name_en: str
    producer_document_kind: str
    per_shipment: bool


@dataclass
class RuleSet:
    """Rules in force on `on`, grouped by market, plus market countries and document types."""

    on: datetime.date
    market_countries: dict[str, tuple[str, ...]]
    rules_by_market: dict[str, list[CompiledRule]]
    doc_types: dict[str, DocType]
    memo: dict[Any, list[MarketVerdict]] = field(default_factory=dict, repr=False)

    @property
    def markets(self) -> list[str]:
        return list(self.market_countries)

    @cached_property
    def all_rules(self) -> list[CompiledRule]:
        seen: dict[str, CompiledRule] = {}
        for rules in self.rules_by_market.values():
            for r in rules:
                seen.setdefault(r.code, r)
        return list(seen.values())


def build_ruleset(
    *,
    rules: Iterable[Mapping[str, Any]],
    markets: Mapping[str, tuple[Sequence[str], bool]],
    doc_types: Iterable[DocType],
    species_aliases: Mapping[str, str],
    on: datetime.date,
) -> RuleSet:
    """`markets`: code -> (countries, is_domestic). `rules`: dicts with the Rule fields."""
    export = [code for code, (_, domestic) in markets.items() if not domestic]
    aliases = {normalise_species(k, {}): v for k, v in species_aliases.items()}
    by_market: dict[str, list[CompiledRule]] = {code: [] for code in markets}
    for r in rules:
        if not r.get("is_active", True):
            continue
        if r["valid_from"] > on or (r.get("valid_to") and r["valid_to"] < on):
            continue
        targets: set[str] = set()
        for m in r["markets"]:
            if m == "ALL":
                targets.update(markets)
            elif m == "EXPORT":
                targets.update(export)
            elif m in markets:
                targets.add(m)
        compiled = CompiledRule(
            id=r.get("id") or 0,
            code=r["code"],
            markets=frozenset(targets),
            countries=frozenset(c.upper() for c in r.get("countries") or []),
            predicate=compile_condition(r["condition"], aliases),
            effect=r["effect"],
            reason_code=r["reason_code"],
            message_vi=r["message_vi"],
            message_en=r["message_en"],
            documents=tuple(r.get("documents") or ()),
            source=r["source"],
            valid_from=r["valid_from"],
            valid_to=r.get("valid_to"),
            is_estimate=bool(r.get("is_estimate")),
        )
        for m in targets:
            by_market[m].append(compiled)
    return RuleSet(
        on=on,
        market_countries={code: tuple(c) for code, (c, _) in markets.items()},
        rules_by_market=by_market,
        doc_types={d.code: d for d in doc_types},
    )


@dataclass
class MarketVerdict:
    market: str
    verdict: str
    reasons: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    country_verdicts: dict[str, str]

    def for_country(self, country: str) -> str:
        return self.country_verdicts.get(country.upper(), self.verdict)

    @cached_property
    def serialized(self) -> tuple[str, str, str, str]:
        """(reasons, documents, country_verdicts) as JSON, and a digest of the whole verdict:
        computed once per (memoised) verdict, compared to skip unchanged rows."""
        reasons = json.dumps(self.reasons, sort_keys=True)
        documents = json.dumps(self.documents, sort_keys=True)
        countries = json.dumps(self.country_verdicts, sort_keys=True)
        digest = hashlib.md5(
            f"{self.verdict}|{reasons}|{documents}|{countries}".encode(), usedforsecurity=False
        ).hexdigest()
        return reasons, documents, countries, digest


def _combine(matched: Iterable[CompiledRule]) -> str:
    verdict = ELIGIBLE
    for rule in matched:
        if rule.effect == "BLOCK":
            return BLOCKED
        verdict = WITH_DOCUMENTS
    return verdict


def fired_rules(facts: ProductFacts, ruleset: RuleSet) -> frozenset[str]:
    """Codes of the rules whose condition matches, each rule tested once whatever the number
    of markets it covers."""
    return frozenset(r.code for r in ruleset.all_rules if r.predicate(facts))


def evaluate(
    facts: ProductFacts, ruleset: RuleSet, market: str, fired: frozenset[str] | None = None
) -> MarketVerdict:
    """The verdict of one product for one market: the strictest over its countries, with
    the rules that fired and the documents they ask for, in the compact stored form
    (`explain.py` adds messages, sources and dates)."""
    countries = ruleset.market_countries[market]
    if fired is None:
        fired = fired_rules(facts, ruleset)
    matched = [r for r in ruleset.rules_by_market.get(market, ()) if r.code in fired]
    wide = [r for r in matched if not r.countries]
    specific = [r for r in matched if r.countries]
    per_country: dict[str, str] = {}
    if specific:
        for c in countries:
            per_country[c] = _combine(wide + [r for r in specific if c in r.countries])
        summary = max(per_country.values(), key=_SEVERITY.__getitem__)
    else:
        summary = _combine(wide)
    reasons: list[dict[str, Any]] = []
    documents: dict[str, dict[str, Any]] = {}
    for rule in matched:
        rule_countries = sorted(rule.countries.intersection(countries)) if rule.countries else []
        if rule.effect == "BLOCK":
            reasons.append(
                {"rule": rule.code, "code": rule.reason_code, "countries": rule_countries}
            )
            continue
        for kind in rule.documents:
            entry = documents.get(kind)
            if entry is None:
                entry = documents[kind] = _document_entry(kind, facts, ruleset)
                entry["countries"] = rule_countries
                entry["rules"] = []
            elif entry["countries"] and rule_countries:
                entry["countries"] = sorted(set(entry["countries"]) | set(rule_countries))
            else:
                entry["countries"] = []
            entry["rules"].append(rule.code)
    differing = per_country if len(set(per_country.values())) > 1 else {}
    if summary == BLOCKED and not differing:
        documents = {}  # blocked everywhere in the market: no document would help
    return MarketVerdict(
        market=market,
        verdict=summary,
        reasons=reasons,
        documents=list(documents.values()),
        country_verdicts=differing,
    )


def _document_entry(kind: str, facts: ProductFacts, ruleset: RuleSet) -> dict[str, Any]:
    doc_type = ruleset.doc_types.get(kind)
    producer_kind = doc_type.producer_document_kind if doc_type else ""
    held = None
    if producer_kind and not (doc_type and doc_type.per_shipment):
        for d in facts.documents:
            # The one that lasts longest (None = no expiry).
            if d.kind == producer_kind and (
                held is None
                or (d.expires_on or datetime.date.max) > (held.expires_on or datetime.date.max)
            ):
                held = d
    return {
        "kind": kind,
        "held": held is not None,
        "valid_until": held.expires_on.isoformat() if held and held.expires_on else None,
        "verified": bool(held and held.is_verified),
    }


def evaluate_all(facts: ProductFacts, ruleset: RuleSet) -> list[MarketVerdict]:
    """Verdicts for every market. They depend only on the rules that fired and the documents
    held, so products sharing both share one (read-only) result, memoised on the rule set."""
    fired = fired_rules(facts, ruleset)
    key = (fired, facts.documents)
    cached = ruleset.memo.get(key)
    if cached is None:
        cached = [evaluate(facts, ruleset, m, fired) for m in ruleset.markets]
        if len(ruleset.memo) < MEMO_SIZE:
            ruleset.memo[key] = cached
    return cached

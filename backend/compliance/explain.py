"""Stored verdicts are compact (rule codes, reason codes, document kinds, held/valid until);
this adds what a person reads: messages in both languages, each rule's source and date,
document names. A `RuleCatalog` is loaded once (two queries) per request or job."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from .evaluator import RuleSet


@dataclass(frozen=True)
class RuleInfo:
    code: str
    reason_code: str
    message_vi: str
    message_en: str
    source: str
    valid_from: str
    is_estimate: bool


@dataclass(frozen=True)
class DocInfo:
    name_vi: str
    name_en: str
    per_shipment: bool


@dataclass(frozen=True)
class RuleCatalog:
    rules: dict[str, RuleInfo]
    docs: dict[str, DocInfo]

    def rule(self, code: str) -> RuleInfo:
        return self.rules.get(code) or RuleInfo(code, "", code, code, "", "", False)


def load_catalog() -> RuleCatalog:
    from .models import DocumentType, Rule

    rules = {
        r["code"]: RuleInfo(
            r["code"],
            r["reason_code"],
            r["message_vi"],
            r["message_en"],
            r["source"],
            r["valid_from"].isoformat(),
            r["is_estimate"],
        )
        for r in Rule.objects.values(
            "code", "reason_code", "message_vi", "message_en", "source", "valid_from", "is_estimate"
        )
    }
    docs = {
        d.code: DocInfo(d.name_vi, d.name_en, d.per_shipment) for d in DocumentType.objects.all()
    }
    return RuleCatalog(rules, docs)


def catalog_from_ruleset(ruleset: RuleSet) -> RuleCatalog:
    rules: dict[str, RuleInfo] = {}
    for compiled in ruleset.rules_by_market.values():
        for r in compiled:
            rules[r.code] = RuleInfo(
                r.code, r.reason_code, r.message_vi, r.message_en, r.source,
                r.valid_from.isoformat(), r.is_estimate,
            )  # fmt: skip
    docs = {
        code: DocInfo(d.name_vi, d.name_en, d.per_shipment) for code, d in ruleset.doc_types.items()
    }
    return RuleCatalog(rules, docs)


def explain_reasons(reasons: list[dict[str, Any]], catalog: RuleCatalog) -> list[dict[str, Any]]:
    out = []
    for r in reasons:
        info = catalog.rule(r["rule"])
        out.append(
            {
                "code": r.get("code") or info.reason_code,
                "countries": list(r.get("countries") or []),
                "rule": info.code,
                "message_vi": info.message_vi,
                "message_en": info.message_en,
                "source": info.source,
                "valid_from": info.valid_from,
                "is_estimate": info.is_estimate,
            }
        )
    return out


def explain_documents(
    documents: list[dict[str, Any]], catalog: RuleCatalog, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """`held` is re-read against today: a document that expired since stays listed, not held."""
    today = today or datetime.date.today()
    out = []
    for d in documents:
        doc = catalog.docs.get(d["kind"])
        valid_until = d.get("valid_until")
        held = bool(d.get("held")) and (
            not valid_until or datetime.date.fromisoformat(valid_until) >= today
        )
        out.append(
            {
                "kind": d["kind"],
                "name_vi": doc.name_vi if doc else d["kind"],
                "name_en": doc.name_en if doc else d["kind"],
                "per_shipment": doc.per_shipment if doc else False,
                "held": held,
                "valid_until": valid_until,
                "verified": bool(d.get("verified")),
                "countries": list(d.get("countries") or []),
                "rules": [
                    {
                        "rule": (info := catalog.rule(code)).code,
                        "reason_code": info.reason_code,
                        "source": info.source,
                        "valid_from": info.valid_from,
                        "is_estimate": info.is_estimate,
                    }
                    for code in d.get("rules") or []
                ],
            }
        )
    return out

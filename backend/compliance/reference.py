"""Loads backend/compliance/data/rules.json (rules, document types, species aliases).
Idempotent: matched on codes; rows staff added are left alone."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "rules.json"


def read_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def load_rules(
    Rule: Any, DocumentType: Any, SpeciesAlias: Any, data: dict[str, Any] | None = None
) -> None:
    data = data if data is not None else read_data()
    for d in data["document_types"]:
        DocumentType.objects.update_or_create(
            code=d["code"],
            defaults={
                k: d[k] for k in ("name_vi", "name_en", "producer_document_kind", "per_shipment")
            },
        )
    for name, species in data.get("species_aliases", {}).items():
        SpeciesAlias.objects.update_or_create(name=name, defaults={"species": species})
    for r in data["rules"]:
        defaults = {
            k: r.get(k)
            for k in (
                "title_vi",
                "title_en",
                "markets",
                "countries",
                "condition",
                "effect",
                "reason_code",
                "message_vi",
                "message_en",
                "documents",
                "source",
            )
        }
        defaults["valid_from"] = datetime.date.fromisoformat(r["valid_from"])
        defaults["valid_to"] = (
            datetime.date.fromisoformat(r["valid_to"]) if r.get("valid_to") else None
        )
        defaults["is_estimate"] = bool(r.get("is_estimate"))
        Rule.objects.update_or_create(code=r["code"], defaults=defaults)

"""Loads the markets data file (backend/markets/data/markets.json) into the database.

Idempotent: rows are matched on their natural keys and updated; rows staff added in the admin
are left alone. Takes the model classes so that data migrations can pass historical models."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "markets.json"


def read_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _provenance(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": row["source"],
        "valid_from": _date(row["valid_from"]),
        "valid_to": _date(row.get("valid_to")),
        "is_estimate": bool(row.get("is_estimate", False)),
        "note": row.get("note", ""),
    }


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_markets(
    Market: Any,
    ExchangeRate: Any,
    TaxRule: Any,
    DutyRule: Any,
    RequiredDocument: Any,
    data: dict[str, Any] | None = None,
) -> None:
    data = data if data is not None else read_data()
    for row in data["exchange_rates"]:
        prov = _provenance(row)
        ExchangeRate.objects.update_or_create(
            currency=row["currency"],
            valid_from=prov.pop("valid_from"),
            defaults={"vnd_per_unit": Decimal(row["vnd_per_unit"]), **prov},
        )
    for m in data["markets"]:
        market, _ = Market.objects.update_or_create(
            code=m["code"],
            defaults={
                "name_vi": m["name_vi"],
                "name_en": m["name_en"],
                "countries": m["countries"],
                "currency": m["currency"],
                "currency_overrides": m.get("currency_overrides", {}),
                "default_incoterm": m["default_incoterm"],
                "is_domestic": m.get("is_domestic", False),
                "sort_order": m.get("sort_order", 0),
            },
        )
        for t in m.get("tax_rules", []):
            prov = _provenance(t)
            TaxRule.objects.update_or_create(
                market=market,
                country=t.get("country", ""),
                valid_from=prov.pop("valid_from"),
                defaults={
                    "name": t.get("name", "VAT"),
                    "standard_rate": Decimal(t["standard_rate"]),
                    "food_rate": Decimal(t["food_rate"]),
                    "collection": t.get("collection", "ON_IMPORT"),
                    **prov,
                },
            )
        for d in m.get("duty_rules", []):
            prov = _provenance(d)
            DutyRule.objects.update_or_create(
                market=market,
                country=d.get("country", ""),
                valid_from=prov.pop("valid_from"),
                defaults={
                    "de_minimis_amount": _dec(d.get("de_minimis_amount")),
                    "de_minimis_currency": d.get("de_minimis_currency", ""),
                    "tax_exempt_below_threshold": d.get("tax_exempt_below_threshold", False),
                    "tax_factor_below_threshold": Decimal(
                        str(d.get("tax_factor_below_threshold", "1"))
                    ),
                    "flat_duty_per_category": _dec(d.get("flat_duty_per_category")),
                    "flat_duty_currency": d.get("flat_duty_currency", ""),
                    "flat_duty_max_value": _dec(d.get("flat_duty_max_value")),
                    "duty_rate": Decimal(str(d.get("duty_rate", "0"))),
                    "alcohol_always_dutiable": d.get("alcohol_always_dutiable", False),
                    **prov,
                },
            )
        for r in m.get("required_documents", []):
            prov = _provenance(r)
            RequiredDocument.objects.update_or_create(
                market=market,
                kind=r["kind"],
                applies_to=r.get("applies_to", "ALL"),
                defaults={
                    "name_vi": r["name_vi"],
                    "name_en": r["name_en"],
                    "is_mandatory": r.get("is_mandatory", True),
                    **prov,
                },
            )

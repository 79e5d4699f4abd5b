"""Loads backend/shipping/data/shipping.json. Idempotent, matched on codes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "shipping.json"

SERVICE_FIELDS = (
    "name_vi", "name_en", "kind", "storage_classes", "carries_dangerous_goods",
    "carries_liquids", "max_weight_kg", "fuel_surcharge_percent", "oversize_fee_vnd",
    "overweight_fee_vnd", "overweight_kg", "remote_area_fee_vnd", "insurance_percent",
    "supports_cod", "sort_order", "source", "is_estimate", "peak_surcharge_percent",
    "peak_months",
)  # fmt: skip


def read_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def load_shipping(
    Carrier: Any,
    ShippingService: Any,
    Zone: Any,
    ZoneRate: Any,
    RateRow: Any,
    data: dict[str, Any] | None = None,
) -> None:
    data = data if data is not None else read_data()
    for c in data["carriers"]:
        carrier, _ = Carrier.objects.update_or_create(
            code=c["code"],
            defaults={
                "name": c["name"],
                "remote_province_codes": c.get("remote_province_codes", []),
            },
        )
        zones = {}
        for z in c["zones"]:
            zones[z["code"]], _ = Zone.objects.update_or_create(
                carrier=carrier,
                code=z["code"],
                defaults={
                    "name": z["name"],
                    "domestic_type": z.get("domestic_type", ""),
                    "number": z.get("number"),
                    "countries": z.get("countries", []),
                    "is_estimate": z.get("is_estimate", False),
                },
            )
        # Only the fields the (possibly historical) model has: an older migration loads the
        # current file too.
        known = {f.name for f in ShippingService._meta.get_fields()}
        for s in c["services"]:
            service, _ = ShippingService.objects.update_or_create(
                code=s["code"],
                defaults={
                    "carrier": carrier,
                    **{k: s[k] for k in SERVICE_FIELDS if k in s and k in known},
                },
            )
            for r in s["rates"]:
                zone_rate, _ = ZoneRate.objects.update_or_create(
                    service=service,
                    zone=zones[r["zone"]],
                    defaults={
                        "per_kg_beyond_vnd": r["per_kg_beyond_vnd"],
                        "days_min": r["days_min"],
                        "days_max": r["days_max"],
                        "source": r["source"],
                        "is_estimate": r.get("is_estimate", False),
                    },
                )
                for row in r["rows"]:
                    RateRow.objects.update_or_create(
                        zone_rate=zone_rate,
                        up_to_kg=Decimal(row["up_to_kg"]),
                        defaults={"price_vnd": row["price_vnd"], "is_estimate": row["is_estimate"]},
                    )

"""Reads of the shipping domain: the snapshot quotes are computed from, and parcels built
from order lines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .models import RateRow, ShippingService, Zone, ZoneRate
from .quote import Parcel, ParcelItem, RateData, ServiceData, ShippingData, ZoneData


def load_shipping_data() -> ShippingData:
    """Active services with their zones and rate tables, in four queries."""
    services = list(
        ShippingService.objects.filter(is_active=True, carrier__is_active=True).select_related(
            "carrier"
        )
    )
    zones_by_carrier: dict[int, list[ZoneData]] = defaultdict(list)
    zone_codes: dict[int, str] = {}
    for z in Zone.objects.filter(carrier_id__in={s.carrier_id for s in services}):
        zone_codes[z.pk] = z.code
        zones_by_carrier[z.carrier_id].append(
            ZoneData(z.code, z.domestic_type, z.number, frozenset(c.upper() for c in z.countries))
        )
    rows: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for r in RateRow.objects.filter(zone_rate__service__in=services).order_by("up_to_kg"):
        rows[r.zone_rate_id].append((r.up_to_kg, r.price_vnd))
    rates: dict[int, dict[str, RateData]] = defaultdict(dict)
    for zr in ZoneRate.objects.filter(service__in=services):
        if not rows[zr.pk]:
            continue
        rates[zr.service_id][zone_codes[zr.zone_id]] = RateData(
            rows=tuple(rows[zr.pk]),
            per_kg_beyond=zr.per_kg_beyond_vnd,
            days_min=zr.days_min,
            days_max=zr.days_max,
            is_estimate=zr.is_estimate,
        )
    return ShippingData(
        services=tuple(
            ServiceData(
                code=s.code,
                carrier_code=s.carrier.code,
                carrier_name=s.carrier.name,
                name_vi=s.name_vi,
                name_en=s.name_en,
                kind=s.kind,
                storage_classes=frozenset(s.storage_classes),
                carries_dangerous_goods=s.carries_dangerous_goods,
                carries_liquids=s.carries_liquids,
                max_weight_kg=s.max_weight_kg,
                step_kg=s.step_kg,
                volumetric_divisor=s.volumetric_divisor,
                fuel_surcharge_percent=s.fuel_surcharge_percent,
                oversize_side_cm=s.oversize_side_cm,
                oversize_fee=s.oversize_fee_vnd,
                overweight_kg=s.overweight_kg,
                overweight_fee=s.overweight_fee_vnd,
                remote_area_fee=s.remote_area_fee_vnd,
                insurance_percent=s.insurance_percent,
                supports_cod=s.supports_cod,
                is_estimate=s.is_estimate,
                remote_provinces=frozenset(s.carrier.remote_province_codes),
                peak_surcharge_percent=s.peak_surcharge_percent,
                peak_months=frozenset(int(m) for m in s.peak_months),
                zones=tuple(zones_by_carrier[s.carrier_id]),
                rates=rates[s.pk],
            )
            for s in services
        )
    )


def parcels_from_lines(
    lines: Iterable[tuple[Any, int]], provinces: dict[int, Any] | None = None
) -> list[Parcel]:
    """One parcel per producer from (variant, quantity) pairs. Variants must come with
    `product__producer` loaded, and either `provinces` (id -> Province) or
    `product__producer__province` loaded, so that no query runs per line."""
    grouped: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    for variant, qty in lines:
        grouped[variant.product.producer_id].append((variant, qty))
    parcels = []
    for producer_id, group in grouped.items():
        producer = group[0][0].product.producer
        origin = provinces[producer.province_id] if provinces is not None else producer.province
        items = tuple(
            ParcelItem(
                weight_grams=v.weight_grams,
                quantity=qty,
                length_cm=v.length_cm,
                width_cm=v.width_cm,
                height_cm=v.height_cm,
                storage_class=v.product.storage_class,
                is_dangerous_goods=v.product.is_dangerous_goods,
                is_liquid=v.product.is_liquid,
                contains_alcohol=v.product.contains_alcohol,
                abv_percent=v.product.abv_percent,
                value_vnd=Decimal(v.price_amount) * qty,
                product_id=v.product_id,
            )
            for v, qty in group
        )
        parcels.append(
            Parcel(
                producer_id=producer_id,
                origin_province=origin.code,
                origin_region=origin.region,
                items=items,
            )
        )
    return parcels

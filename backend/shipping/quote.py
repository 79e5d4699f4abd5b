"""Shipping quotes: pure functions over a `ShippingData` snapshot loaded once.

A multi-producer order ships as one parcel per producer; each parcel is quoted on its own
and a method is offered only when it can carry every parcel. Weight is charged on the greater
of actual and volumetric weight (L x W x H / divisor, cm and kg), rounded up to the service's
step (0.5 kg); beyond the rate table's last row each started kg costs `per_kg_beyond`."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

DG_ABV_LIMIT = Decimal(24)


@dataclass(frozen=True)
class ParcelItem:
    weight_grams: int
    quantity: int = 1
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    storage_class: str = "AMBIENT"
    is_dangerous_goods: bool = False
    is_liquid: bool = False
    contains_alcohol: bool = False
    abv_percent: Decimal | None = None
    value_vnd: Decimal = Decimal(0)  # line value (unit price x quantity)
    product_id: int | None = None

    @property
    def dangerous(self) -> bool:
        """Dangerous goods by air: flagged, or spirits above 24% ABV."""
        return self.is_dangerous_goods or bool(
            self.contains_alcohol
            and self.abv_percent is not None
            and self.abv_percent > DG_ABV_LIMIT
        )

    @property
    def dims(self) -> tuple[Decimal, Decimal, Decimal] | None:
        if self.length_cm and self.width_cm and self.height_cm:
            return (Decimal(self.length_cm), Decimal(self.width_cm), Decimal(self.height_cm))
        return None


@dataclass(frozen=True)
class Parcel:
    producer_id: int | None
    origin_province: str  # province code, e.g. "01"
    origin_region: str  # north / central / south
    items: tuple[ParcelItem, ...]

    @property
    def actual_kg(self) -> Decimal:
        return sum((Decimal(i.weight_grams * i.quantity) for i in self.items), Decimal(0)) / 1000

    def volumetric_kg(self, divisor: int) -> Decimal:
        total = Decimal(0)
        for i in self.items:
            if i.dims:
                length, w, h = i.dims
                total += length * w * h * i.quantity / divisor
        return total

    @property
    def longest_side_cm(self) -> Decimal:
        return max((max(i.dims) for i in self.items if i.dims), default=Decimal(0))

    @property
    def value_vnd(self) -> Decimal:
        return sum((Decimal(i.value_vnd) for i in self.items), Decimal(0))


@dataclass(frozen=True)
class Destination:
    country: str
    province_code: str | None = None
    region: str | None = None
    remote_area: bool = False

    @property
    def is_domestic(self) -> bool:
        return self.country.upper() == "VN"


@dataclass(frozen=True)
class RateData:
    rows: tuple[tuple[Decimal, Decimal], ...]  # (up_to_kg, price) ascending
    per_kg_beyond: Decimal
    days_min: int
    days_max: int
    is_estimate: bool


@dataclass(frozen=True)
class ZoneData:
    code: str
    domestic_type: str
    number: int | None
    countries: frozenset[str]


@dataclass(frozen=True)
class ServiceData:
    code: str
    carrier_code: str
    carrier_name: str
    name_vi: str
    name_en: str
    kind: str
    storage_classes: frozenset[str]
    carries_dangerous_goods: bool
    carries_liquids: bool
    max_weight_kg: Decimal
    step_kg: Decimal
    volumetric_divisor: int
    fuel_surcharge_percent: Decimal
    oversize_side_cm: Decimal
    oversize_fee: Decimal
    overweight_kg: Decimal
    overweight_fee: Decimal
    remote_area_fee: Decimal
    insurance_percent: Decimal
    supports_cod: bool
    is_estimate: bool
    remote_provinces: frozenset[str]
    peak_surcharge_percent: Decimal
    peak_months: frozenset[int]
    zones: tuple[ZoneData, ...]
    rates: dict[str, RateData]  # zone code -> rates

    @property
    def is_domestic(self) -> bool:
        return self.kind == "DOMESTIC"


@dataclass(frozen=True)
class ShippingData:
    services: tuple[ServiceData, ...]


@dataclass(frozen=True)
class ParcelQuote:
    producer_id: int | None
    zone: str
    actual_kg: Decimal
    volumetric_kg: Decimal
    chargeable_kg: Decimal
    base: Decimal
    surcharges: dict[str, Decimal]
    total: Decimal
    days_min: int
    days_max: int


@dataclass(frozen=True)
class MethodQuote:
    service_code: str
    carrier: str
    name_vi: str
    name_en: str
    kind: str
    price_vnd: Decimal
    days_min: int
    days_max: int
    supports_cod: bool
    is_estimate: bool
    parcels: tuple[ParcelQuote, ...]


@dataclass(frozen=True)
class Unavailable:
    service_code: str
    reason: str  # a code: NO_ZONE, STORAGE_CLASS, DANGEROUS_GOODS, LIQUID, TOO_HEAVY
    producer_id: int | None = None


@dataclass
class QuoteResult:
    methods: list[MethodQuote] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)


def round_up(value: Decimal, step: Decimal) -> Decimal:
    if value <= 0:
        return step
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def chargeable_kg(parcel: Parcel, service: ServiceData) -> tuple[Decimal, Decimal, Decimal]:
    actual = parcel.actual_kg
    volumetric = parcel.volumetric_kg(service.volumetric_divisor)
    return actual, volumetric, round_up(max(actual, volumetric), service.step_kg)


def base_price(kg: Decimal, rate: RateData) -> Decimal:
    for up_to, price in rate.rows:
        if kg <= up_to:
            return price
    last_kg, last_price = rate.rows[-1]
    extra_kg = (kg - last_kg).to_integral_value(rounding=ROUND_CEILING)
    return last_price + extra_kg * rate.per_kg_beyond


def zone_for(service: ServiceData, parcel: Parcel, dest: Destination) -> ZoneData | None:
    if service.is_domestic != dest.is_domestic:
        return None
    if service.is_domestic:
        if dest.province_code and dest.province_code == parcel.origin_province:
            wanted = "IN_PROVINCE"
        elif dest.province_code in service.remote_provinces or dest.remote_area:
            wanted = "REMOTE"
        elif dest.region and dest.region == parcel.origin_region:
            wanted = "SAME_REGION"
        else:
            wanted = "INTER_REGION"
        zone = next((z for z in service.zones if z.domestic_type == wanted), None)
    else:
        cc = dest.country.upper()
        zone = next((z for z in service.zones if cc in z.countries), None)
    if zone is None or zone.code not in service.rates:
        return None
    return zone


def quote_parcel(
    parcel: Parcel, service: ServiceData, dest: Destination, on: datetime.date | None = None
) -> ParcelQuote | Unavailable:
    pid = parcel.producer_id
    for item in parcel.items:
        if item.storage_class not in service.storage_classes:
            return Unavailable(service.code, "STORAGE_CLASS", pid)
        if item.dangerous and not service.carries_dangerous_goods:
            return Unavailable(service.code, "DANGEROUS_GOODS", pid)
        if item.is_liquid and not service.carries_liquids:
            return Unavailable(service.code, "LIQUID", pid)
    zone = zone_for(service, parcel, dest)
    if zone is None:
        return Unavailable(service.code, "NO_ZONE", pid)
    actual, volumetric, kg = chargeable_kg(parcel, service)
    if kg > service.max_weight_kg:
        return Unavailable(service.code, "TOO_HEAVY", pid)
    rate = service.rates[zone.code]
    base = base_price(kg, rate)
    surcharges: dict[str, Decimal] = {}
    if service.fuel_surcharge_percent:
        surcharges["fuel"] = base * service.fuel_surcharge_percent / 100
    if parcel.longest_side_cm > service.oversize_side_cm and service.oversize_fee:
        surcharges["oversize"] = service.oversize_fee
    if actual > service.overweight_kg and service.overweight_fee:
        surcharges["overweight"] = service.overweight_fee
    if dest.remote_area and not service.is_domestic and service.remote_area_fee:
        surcharges["remote_area"] = service.remote_area_fee
    month = (on or datetime.date.today()).month
    if service.peak_surcharge_percent and month in service.peak_months:
        surcharges["peak_season"] = base * service.peak_surcharge_percent / 100
    if service.insurance_percent and parcel.value_vnd:
        surcharges["insurance"] = parcel.value_vnd * service.insurance_percent / 100
    surcharges = {k: v.quantize(Decimal(1), rounding=ROUND_HALF_UP) for k, v in surcharges.items()}
    total = base + sum(surcharges.values(), Decimal(0))
    return ParcelQuote(
        producer_id=pid,
        zone=zone.code,
        actual_kg=actual,
        volumetric_kg=volumetric.quantize(Decimal("0.01")),
        chargeable_kg=kg,
        base=base,
        surcharges=surcharges,
        total=total,
        days_min=rate.days_min,
        days_max=rate.days_max,
    )


def quote(
    parcels: Sequence[Parcel],
    dest: Destination,
    data: ShippingData,
    on: datetime.date | None = None,
) -> QuoteResult:
    """Every service that can carry all parcels to `dest`, cheapest first, with price (VND,
    summed over parcels) and days (the slowest parcel); and why the others cannot."""
    result = QuoteResult()
    if not parcels:
        return result
    for service in data.services:
        quotes: list[ParcelQuote] = []
        refused: Unavailable | None = None
        for parcel in parcels:
            q = quote_parcel(parcel, service, dest, on)
            if isinstance(q, Unavailable):
                refused = q
                break
            quotes.append(q)
        if refused is not None:
            result.unavailable.append(refused)
            continue
        result.methods.append(
            MethodQuote(
                service_code=service.code,
                carrier=service.carrier_name,
                name_vi=service.name_vi,
                name_en=service.name_en,
                kind=service.kind,
                price_vnd=sum((q.total for q in quotes), Decimal(0)),
                days_min=max(q.days_min for q in quotes),
                days_max=max(q.days_max for q in quotes),
                supports_cod=service.supports_cod,
                is_estimate=service.is_estimate
                or any(service.rates[q.zone].is_estimate for q in quotes),
                parcels=tuple(quotes),
            )
        )
    result.methods.sort(key=lambda m: (m.price_vnd, m.days_max))
    return result

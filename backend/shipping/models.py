"""Carriers, their services, zones and rate tables, as data (backend/shipping/data/
shipping.json, loaded by a data migration; editable in the admin)."""

from __future__ import annotations

from django.db import models


class ServiceKind(models.TextChoices):
    DOMESTIC = "DOMESTIC", "Domestic"
    INTERNATIONAL_EXPRESS = "INTERNATIONAL_EXPRESS", "International express"
    INTERNATIONAL_ECONOMY = "INTERNATIONAL_ECONOMY", "International economy"


class DomesticZoneType(models.TextChoices):
    IN_PROVINCE = "IN_PROVINCE", "Same province"
    SAME_REGION = "SAME_REGION", "Same region"
    INTER_REGION = "INTER_REGION", "Inter-region"
    REMOTE = "REMOTE", "Remote"


class Carrier(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    remote_province_codes = models.JSONField(
        default=list, blank=True, help_text="Provinces this carrier prices as remote (domestic)."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ShippingService(models.Model):
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="services")
    code = models.CharField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=150)
    name_en = models.CharField(max_length=150)
    kind = models.CharField(max_length=24, choices=ServiceKind.choices)
    storage_classes = models.JSONField(default=list, help_text="Storage classes it can carry.")
    carries_dangerous_goods = models.BooleanField(default=False)
    carries_liquids = models.BooleanField(default=True)
    max_weight_kg = models.DecimalField(max_digits=7, decimal_places=2, default=100)
    step_kg = models.DecimalField(max_digits=4, decimal_places=2, default="0.5")
    volumetric_divisor = models.PositiveIntegerField(default=5000)
    fuel_surcharge_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    oversize_side_cm = models.DecimalField(max_digits=6, decimal_places=1, default=100)
    oversize_fee_vnd = models.DecimalField(max_digits=12, decimal_places=0, default=0)
    overweight_kg = models.DecimalField(max_digits=7, decimal_places=2, default=70)
    overweight_fee_vnd = models.DecimalField(max_digits=12, decimal_places=0, default=0)
    remote_area_fee_vnd = models.DecimalField(max_digits=12, decimal_places=0, default=0)
    insurance_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    peak_surcharge_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text="Of the base price, in peak months."
    )
    peak_months = models.JSONField(default=list, blank=True, help_text="Month numbers, e.g. [12]")
    supports_cod = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=300)
    is_estimate = models.BooleanField(default=False)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.code


class Zone(models.Model):
    """A carrier's zone: a domestic zone type, or an international zone number with its
    countries."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=100)
    domestic_type = models.CharField(max_length=16, choices=DomesticZoneType.choices, blank=True)
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    countries = models.JSONField(default=list, blank=True)
    is_estimate = models.BooleanField(default=False)

    class Meta:
        ordering = ["carrier_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "code"], name="uniq_zone_per_carrier")
        ]

    def __str__(self) -> str:
        return f"{self.carrier.code} {self.code}"


class ZoneRate(models.Model):
    """A service's prices in one zone: rows in weight steps, then a price per kg beyond."""

    service = models.ForeignKey(ShippingService, on_delete=models.CASCADE, related_name="rates")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="rates")
    per_kg_beyond_vnd = models.DecimalField(max_digits=12, decimal_places=0)
    days_min = models.PositiveSmallIntegerField()
    days_max = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=300)
    is_estimate = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "zone"], name="uniq_rate_per_zone")
        ]

    def __str__(self) -> str:
        return f"{self.service.code} / {self.zone.code}"


class RateRow(models.Model):
    zone_rate = models.ForeignKey(ZoneRate, on_delete=models.CASCADE, related_name="rows")
    up_to_kg = models.DecimalField(max_digits=7, decimal_places=2)
    price_vnd = models.DecimalField(max_digits=12, decimal_places=0)
    is_estimate = models.BooleanField(default=False)

    class Meta:
        ordering = ["zone_rate_id", "up_to_kg"]
        constraints = [
            models.UniqueConstraint(fields=["zone_rate", "up_to_kg"], name="uniq_rate_row")
        ]

    def __str__(self) -> str:
        return f"≤{self.up_to_kg} kg: {self.price_vnd}"

from django.contrib import admin

from .models import Carrier, RateRow, ShippingService, Zone, ZoneRate


class ZoneInline(admin.TabularInline):
    model = Zone
    extra = 0


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    inlines = [ZoneInline]


@admin.register(ShippingService)
class ShippingServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "carrier", "kind", "fuel_surcharge_percent", "is_estimate", "is_active"]
    list_filter = ["kind", "carrier"]


class RateRowInline(admin.TabularInline):
    model = RateRow
    extra = 0


@admin.register(ZoneRate)
class ZoneRateAdmin(admin.ModelAdmin):
    list_display = ["service", "zone", "per_kg_beyond_vnd", "days_min", "days_max", "is_estimate"]
    list_filter = ["service"]
    inlines = [RateRowInline]

from __future__ import annotations

from django.contrib import admin

from .models import Checkout, CheckoutLine, DomesticShippingRate, StockReservation


@admin.register(DomesticShippingRate)
class DomesticShippingRateAdmin(admin.ModelAdmin):
    list_display = ("name_vi", "name_en", "price_per_parcel", "min_days", "max_days", "is_active")
    list_editable = ("price_per_parcel", "min_days", "max_days", "is_active")


class CheckoutLineInline(admin.TabularInline):
    model = CheckoutLine
    extra = 0
    raw_id_fields = ("variant",)
    readonly_fields = ("variant", "quantity", "price_amount", "created_at")
    can_delete = False


@admin.register(Checkout)
class CheckoutAdmin(admin.ModelAdmin):
    list_display = ("token", "email", "user", "language_code", "delivery_method_id", "updated_at")
    search_fields = ("email", "token")
    readonly_fields = ("token", "user", "shipping_address", "billing_address", "created_at")
    inlines = [CheckoutLineInline]


@admin.register(StockReservation)
class StockReservationAdmin(admin.ModelAdmin):
    list_display = ("checkout", "variant", "quantity", "expires_at")
    raw_id_fields = ("checkout", "variant")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # released only by services (expiry, failure, cancellation)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

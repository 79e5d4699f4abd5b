"""Staff see and act on every order here; every action goes through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.core.errors import ServiceError

from . import services
from .models import MarketplaceSettings, Order, OrderLine, PayoutEntry, ProducerOrder


@admin.register(MarketplaceSettings)
class MarketplaceSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "default_commission_rate", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not MarketplaceSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = (
        "sku",
        "product_name_vi",
        "producer_name",
        "quantity",
        "quantity_fulfilled",
        "unit_price_amount",
        "total_price_amount",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ProducerOrderInline(admin.TabularInline):
    model = ProducerOrder
    extra = 0
    can_delete = False
    fields = (
        "producer",
        "status",
        "subtotal_amount",
        "shipping_amount",
        "commission_rate",
        "commission_amount",
        "carrier",
        "tracking_number",
        "fulfilled_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "created_at", "user_email", "status", "total_amount", "currency")
    list_filter = ("status", "currency", "language_code")
    search_fields = ("number", "user_email", "token")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [ProducerOrderInline, OrderLineInline]
    actions = ["cancel_orders"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Cancel (release stock, refund, reverse the ledger)")
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        for order in queryset:
            try:
                services.order_cancel(order=order, user=request.user)
            except ServiceError as error:
                self.message_user(request, f"{order}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{order} canceled.", messages.SUCCESS)


@admin.register(ProducerOrder)
class ProducerOrderAdmin(admin.ModelAdmin):
    list_display = ("order", "producer", "status", "subtotal_amount", "commission_amount")
    list_filter = ("status",)
    search_fields = ("order__number", "producer__name")
    readonly_fields = [f.name for f in ProducerOrder._meta.fields]
    actions = ["fulfil"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Mark as shipped (fulfil)")
    def fulfil(self, request: HttpRequest, queryset: QuerySet[ProducerOrder]) -> None:
        for part in queryset:
            try:
                services.producer_order_fulfill(producer_order=part, user=request.user)
            except ServiceError as error:
                self.message_user(request, f"{part}: {error}", messages.ERROR)


class PayoutForm(forms.ModelForm):
    amount = forms.DecimalField(min_value=1, decimal_places=0, help_text="Paid to the producer.")

    class Meta:
        model = PayoutEntry
        fields = ("producer", "amount", "note")


@admin.register(PayoutEntry)
class PayoutEntryAdmin(admin.ModelAdmin):
    """The ledger. Adding an entry here records a payout (money sent to the producer)."""

    list_display = (
        "created_at",
        "producer",
        "kind",
        "amount",
        "currency",
        "producer_order",
        "note",
    )
    list_filter = ("kind",)
    search_fields = ("producer__name", "note")
    raw_id_fields = ("producer",)
    form = PayoutForm

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: PayoutEntry, form: forms.Form, change: bool
    ) -> None:
        entry = services.payout_record(
            producer_id=obj.producer_id,
            amount=form.cleaned_data["amount"],
            user=request.user,
            note=obj.note,
        )
        obj.pk = entry.pk

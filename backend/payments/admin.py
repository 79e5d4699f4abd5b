"""Payments and refunds (full and partial). A refund added here is made at the gateway by
`payment_refund`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.core.errors import ServiceError

from .models import CashOnDeliverySettings, Payment, Refund, StripeEvent
from .services import payment_mark_collected, payment_refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("created_at", "amount", "reason", "psp_reference", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "token",
        "gateway",
        "status",
        "amount",
        "refunded_amount",
        "currency",
        "order",
        "created_at",
    )
    list_filter = ("gateway", "status")
    search_fields = ("psp_reference", "token", "order__number")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [RefundInline]
    actions = ["refund_in_full", "mark_cash_collected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Cash on delivery: mark the cash as collected")
    def mark_cash_collected(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        for payment in queryset:
            try:
                payment_mark_collected(payment=payment, user=request.user)
            except ServiceError as error:
                self.message_user(request, f"{payment}: {error}", messages.ERROR)

    @admin.action(description="Refund in full")
    def refund_in_full(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        for payment in queryset:
            refundable = payment.captured_amount - payment.refunded_amount
            try:
                payment_refund(
                    payment=payment,
                    amount=refundable,
                    user=request.user,
                    reason="full refund from the admin",
                )
            except ServiceError as error:
                self.message_user(request, f"{payment}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"Refunded {refundable} {payment.currency}.")


class RefundForm(forms.ModelForm):
    class Meta:
        model = Refund
        fields = ("payment", "amount", "reason")

    def clean(self) -> dict:
        data = super().clean() or {}
        payment, amount = data.get("payment"), data.get("amount")
        if payment is not None and amount is not None:
            refundable = payment.captured_amount - payment.refunded_amount
            if amount <= Decimal(0) or amount > refundable:
                raise forms.ValidationError(
                    f"Refund between 0 and {refundable} {payment.currency}."
                )
        return data


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Add a refund (full or partial) of a payment: it is made at the gateway first."""

    list_display = ("created_at", "payment", "amount", "reason", "psp_reference", "created_by")
    raw_id_fields = ("payment",)
    form = RefundForm

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Refund, form: forms.Form, change: bool) -> None:
        try:
            payment = payment_refund(
                payment=obj.payment, amount=obj.amount, user=request.user, reason=obj.reason
            )
        except ServiceError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        latest = payment.refunds.order_by("-pk").first()
        if latest is not None:
            obj.pk = latest.pk


@admin.register(CashOnDeliverySettings)
class CashOnDeliverySettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "is_active", "max_amount")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not CashOnDeliverySettings.objects.exists()


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "type", "event_id", "outcome")
    search_fields = ("event_id",)
    readonly_fields = ("event_id", "type", "outcome", "received_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

"""Payments, refunds, processed Stripe events and cash-on-delivery limits."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from backend.core.models import TimeStampedModel


class PaymentStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting (created, not charged yet)"
    ACTION_REQUIRED = "ACTION_REQUIRED", "Waiting for the shopper (3-D Secure)"
    CHARGED = "CHARGED", "Charged"
    NOT_CHARGED = "NOT_CHARGED", "To be collected (cash on delivery)"
    DECLINED = "DECLINED", "Declined"
    CANCELED = "CANCELED", "Canceled"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED", "Partially refunded"
    REFUNDED = "REFUNDED", "Refunded"


class Payment(TimeStampedModel):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gateway = models.CharField(max_length=30)
    # The checkout it pays for; kept after the checkout is deleted (reconciliation).
    checkout_token = models.UUIDField(null=True, blank=True, db_index=True)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    is_active = models.BooleanField(default=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    captured_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    refunded_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    customer_token = models.CharField(
        max_length=255, blank=True, help_text="Token from the client (Stripe payment method)."
    )
    psp_reference = models.CharField(max_length=255, null=True, blank=True, unique=True)
    client_secret = models.CharField(max_length=255, blank=True)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.gateway} {self.amount} {self.currency} ({self.status})"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=200, blank=True)
    psp_reference = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Refund {self.amount} of payment {self.payment_id}"


class StripeEvent(models.Model):
    """A Stripe webhook event handled once: its id is stored with the outcome."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class CashOnDeliverySettings(models.Model):
    """Cash on delivery: Vietnam only, up to `max_amount` (data, one row)."""

    is_active = models.BooleanField(default=True)
    max_amount = models.DecimalField(
        max_digits=14, decimal_places=0, default=Decimal("5000000"), help_text="VND"
    )

    class Meta:
        verbose_name = "cash on delivery settings"
        verbose_name_plural = "cash on delivery settings"

    def __str__(self) -> str:
        return f"COD up to {self.max_amount:,.0f} VND"

    @classmethod
    def load(cls) -> CashOnDeliverySettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

"""Orders, their parts per producer, the platform's commission and the producers' payout
ledger."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from backend.core.models import TimeStampedModel


class OrderStatus(models.TextChoices):
    UNCONFIRMED = "UNCONFIRMED", "Unconfirmed"
    UNFULFILLED = "UNFULFILLED", "Unfulfilled"
    PARTIALLY_FULFILLED = "PARTIALLY_FULFILLED", "Partially fulfilled"
    FULFILLED = "FULFILLED", "Fulfilled"
    CANCELED = "CANCELED", "Canceled"
    REFUNDED = "REFUNDED", "Refunded"


class MarketplaceSettings(models.Model):
    """Platform-wide money rules kept as data (one row, edited in the admin)."""

    default_commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.0800"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="Share of each producer's goods subtotal kept by the platform (0.08 = 8%). "
        "Producer.commission_rate overrides it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "marketplace settings"
        verbose_name_plural = "marketplace settings"

    def __str__(self) -> str:
        return f"Commission {self.default_commission_rate:.2%}"

    @classmethod
    def load(cls) -> MarketplaceSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class Order(TimeStampedModel):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    # The checkout the order came from: one order per checkout, whatever retries happen.
    checkout_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    user_email = models.EmailField()
    language_code = models.CharField(max_length=5, default="vi")
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.UNFULFILLED
    )
    currency = models.CharField(max_length=3, default="VND")
    shipping_address = models.ForeignKey(
        "checkout.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    billing_address = models.ForeignKey(
        "checkout.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivery_method_id = models.CharField(max_length=100, blank=True)
    delivery_method_name = models.CharField(max_length=200, blank=True)
    subtotal_amount = models.DecimalField(max_digits=14, decimal_places=0)
    shipping_amount = models.DecimalField(max_digits=14, decimal_places=0, default=Decimal(0))
    total_amount = models.DecimalField(max_digits=14, decimal_places=0)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.number or self.pk}"


class ProducerOrderStatus(models.TextChoices):
    UNFULFILLED = "UNFULFILLED", "Unfulfilled"
    FULFILLED = "FULFILLED", "Fulfilled"
    CANCELED = "CANCELED", "Canceled"


class ProducerOrder(models.Model):
    """The part of an order one producer fulfils (its own parcel), with the commission."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="producer_orders")
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.PROTECT, related_name="producer_orders"
    )
    status = models.CharField(
        max_length=12, choices=ProducerOrderStatus.choices, default=ProducerOrderStatus.UNFULFILLED
    )
    subtotal_amount = models.DecimalField(max_digits=14, decimal_places=0)
    shipping_amount = models.DecimalField(max_digits=14, decimal_places=0, default=Decimal(0))
    commission_rate = models.DecimalField(max_digits=5, decimal_places=4)
    commission_amount = models.DecimalField(max_digits=14, decimal_places=0)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    carrier = models.CharField(max_length=40, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["order_id", "producer_id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "producer"], name="uniq_order_producer"),
        ]

    def __str__(self) -> str:
        return f"{self.order} / {self.producer_id}"

    @property
    def payout_amount(self) -> Decimal:
        return self.subtotal_amount + self.shipping_amount - self.commission_amount


class OrderLine(models.Model):
    """A line with the snapshot of what was sold and at what price."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    producer_order = models.ForeignKey(
        ProducerOrder, on_delete=models.CASCADE, related_name="lines"
    )
    variant = models.ForeignKey(
        "catalogue.ProductVariant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    producer_name = models.CharField(max_length=200)
    product_name_vi = models.CharField(max_length=250)
    product_name_en = models.CharField(max_length=250, blank=True)
    variant_name_vi = models.CharField(max_length=150, blank=True)
    variant_name_en = models.CharField(max_length=150, blank=True)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    quantity_fulfilled = models.PositiveIntegerField(default=0)
    unit_price_amount = models.DecimalField(max_digits=14, decimal_places=0)
    total_price_amount = models.DecimalField(max_digits=14, decimal_places=0)
    currency = models.CharField(max_length=3, default="VND")

    class Meta:
        ordering = ["order_id", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class PayoutEntryKind(models.TextChoices):
    EARNED = "EARNED", "Earned (goods and shipping)"
    COMMISSION = "COMMISSION", "Platform commission"
    REFUND = "REFUND", "Refunded to the shopper"
    COMMISSION_REVERSAL = "COMMISSION_REVERSAL", "Commission returned on a refund"
    PAID_OUT = "PAID_OUT", "Paid out"


class PayoutEntry(models.Model):
    """One movement of what the platform owes a producer. Amounts are signed: the balance
    owed is the sum of the producer's entries."""

    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.PROTECT, related_name="payout_entries"
    )
    producer_order = models.ForeignKey(
        ProducerOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payout_entries",
    )
    kind = models.CharField(max_length=20, choices=PayoutEntryKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    currency = models.CharField(max_length=3, default="VND")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["producer_id", "created_at", "pk"]
        verbose_name_plural = "payout entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency}"

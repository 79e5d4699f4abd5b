"""Carts (checkouts), their lines, addresses, stock reservations and the domestic flat rate."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django_countries.fields import CountryField

from backend.core.models import TimeStampedModel


class Address(models.Model):
    """A postal address. Vietnamese addresses name a province and a commune of the two-level
    structure; foreign ones an ISO country, city, region and postal code. Validation lives in
    `backend.checkout.addresses`."""

    full_name = models.CharField(max_length=200)
    company_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=32, help_text="E.164, e.g. +84912345678")
    country = CountryField()
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commune = models.ForeignKey(
        "places.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    street_address_1 = models.CharField(max_length=256)
    street_address_2 = models.CharField(max_length=256, blank=True)
    city = models.CharField(max_length=128, blank=True, help_text="Foreign addresses")
    country_area = models.CharField(max_length=128, blank=True, help_text="State or region")
    postal_code = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        parts = [self.full_name, self.street_address_1]
        if self.commune_id:
            parts.append(str(self.commune))
        if self.province_id:
            parts.append(str(self.province))
        if self.city:
            parts.append(self.city)
        parts.append(self.country_code)
        return ", ".join(p for p in parts if p)

    @property
    def is_domestic(self) -> bool:
        return self.country_code == "VN"

    @property
    def country_code(self) -> str:
        return str(getattr(self.country, "code", self.country) or "")


class Checkout(TimeStampedModel):
    """A cart on its way to becoming an order. Anonymous checkouts are reached by token;
    a signed-in shopper's checkout belongs to the account."""

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checkouts",
    )
    email = models.EmailField(blank=True)
    language_code = models.CharField(max_length=5, default="vi")
    currency = models.CharField(max_length=3, default="VND")
    shipping_address = models.ForeignKey(
        Address, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    billing_address = models.ForeignKey(
        Address, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivery_method_id = models.CharField(
        max_length=100, blank=True, help_text="Id of a method offered by a delivery provider."
    )

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return str(self.token)


class CheckoutLine(models.Model):
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalogue.ProductVariant", on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    # The unit price the shopper saw when the line was added or last changed; a different
    # current price is reported as a PRICE_CHANGED problem.
    price_amount = models.DecimalField(max_digits=14, decimal_places=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "variant"], name="uniq_checkout_variant"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="checkout_line_qty_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"


class StockReservation(models.Model):
    """Units of a variant held for a checkout while its shopper pays. They count in
    `ProductVariant.quantity_allocated` until released (expiry, failure, cancellation) or
    handed over to an order."""

    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="reservations")
    variant = models.ForeignKey(
        "catalogue.ProductVariant", on_delete=models.CASCADE, related_name="reservations"
    )
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["variant_id"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "variant"], name="uniq_reservation"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id} until {self.expires_at:%H:%M}"


class DomesticShippingRate(models.Model):
    """A flat domestic delivery rate, charged once per producer parcel (data, edited in the
    admin)."""

    name_vi = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    price_per_parcel = models.DecimalField(
        max_digits=12, decimal_places=0, default=Decimal("30000"), help_text="VND"
    )
    min_days = models.PositiveSmallIntegerField(default=1)
    max_days = models.PositiveSmallIntegerField(default=5)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.price_per_parcel} VND/parcel)"

"""Producers (chủ thể OCOP) and the people who work for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from backend.core.models import TimeStampedModel


class ProducerKind(models.TextChoices):
    COOPERATIVE = "COOPERATIVE", "Hợp tác xã / Cooperative"
    ENTERPRISE = "ENTERPRISE", "Doanh nghiệp / Enterprise"
    COOPERATIVE_GROUP = "COOPERATIVE_GROUP", "Tổ hợp tác / Cooperative group"
    HOUSEHOLD_BUSINESS = "HOUSEHOLD_BUSINESS", "Hộ kinh doanh / Household business"


class VerificationStatus(models.TextChoices):
    PENDING = "PENDING", "Pending review"
    VERIFIED = "VERIFIED", "Verified"
    REJECTED = "REJECTED", "Rejected"
    SUSPENDED = "SUSPENDED", "Suspended"


class Producer(TimeStampedModel):
    kind = models.CharField(max_length=24, choices=ProducerKind.choices)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="producers"
    )
    commune = models.ForeignKey(
        "places.Commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    craft_village = models.ForeignKey(
        "places.CraftVillage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="producers",
    )
    address = models.CharField(max_length=300, blank=True)
    story_vi = models.TextField(blank=True)
    story_en = models.TextField(blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(
        max_length=32, blank=True, help_text="E.164, e.g. +84241234567"
    )
    website = models.URLField(blank=True)
    business_registration_number = models.CharField(max_length=50, blank=True)
    verification_status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    rejection_reason = models.TextField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Overrides the platform's default commission rate when set (0.08 = 8%).",
    )
    is_demo = models.BooleanField(
        default=False, help_text="Invented for the demo catalogue, not a real business."
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["verification_status", "province"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class MemberRole(models.TextChoices):
    OWNER = "OWNER", "Owner"
    STAFF = "STAFF", "Staff"


class ProducerMember(TimeStampedModel):
    """Ties a user to the one producer they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="producer_membership"
    )
    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=8, choices=MemberRole.choices, default=MemberRole.STAFF)

    class Meta:
        ordering = ["producer_id", "role", "user_id"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.producer} ({self.role})"

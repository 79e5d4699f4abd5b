"""OCOP certificates and the other certificates and documents producers hold."""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone

from backend.catalogue.models import CriteriaVersion
from backend.core.models import TimeStampedModel


class _PrivateStorage(Storage):
    """Delegates every call to `storages["private"]` at call time, so a change of
    settings.STORAGES (tests, per-environment settings) is followed."""

    @property
    def _target(self) -> Storage:
        return storages["private"]

    def __getattr__(self, name: str) -> Any:
        return getattr(storages["private"], name)

    def open(self, name: str, mode: str = "rb") -> Any:
        return self._target.open(name, mode)

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        return self._target.save(name, content, max_length=max_length)

    def get_valid_name(self, name: str) -> str:
        return self._target.get_valid_name(name)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self._target.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        return self._target.generate_filename(filename)

    def path(self, name: str) -> str:
        return self._target.path(name)

    def delete(self, name: str) -> None:
        self._target.delete(name)

    def exists(self, name: str) -> bool:
        return self._target.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self._target.listdir(path)

    def size(self, name: str) -> int:
        return self._target.size(name)

    def url(self, name: str | None) -> str:
        return self._target.url(name)

    def get_modified_time(self, name: str) -> datetime.datetime:
        return self._target.get_modified_time(name)


_private = _PrivateStorage()


def private_storage() -> Storage:
    """Certificates and documents live in the private storage (signed URLs on S3)."""
    return _private


class CertificateKind(models.TextChoices):
    NEW = "NEW", "New rating"
    RERATING = "RERATING", "Re-rating"
    UPGRADE = "UPGRADE", "Upgrade"


class CertificateStatus(models.TextChoices):
    """What staff decided. Expiry is not a stored status: it follows from the date."""

    PENDING = "PENDING", "Waiting for verification"
    VERIFIED = "VERIFIED", "Verified"
    REJECTED = "REJECTED", "Rejected"
    REVOKED = "REVOKED", "Revoked"


class OcopCertificate(TimeStampedModel):
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="certificates"
    )
    number = models.CharField(max_length=80, blank=True, help_text="Certificate number")
    decision_number = models.CharField(max_length=80, help_text="e.g. 2361/QĐ-BNNMT")
    issuing_authority = models.CharField(max_length=200)
    decision_date = models.DateField()
    expires_on = models.DateField(help_text="36 months from the decision date.")
    stars = models.PositiveSmallIntegerField(choices=[(3, "3★"), (4, "4★"), (5, "5★")])
    potential_five_star = models.BooleanField(default=False)
    criteria_version = models.CharField(max_length=12, choices=CriteriaVersion.choices)
    evaluation_round = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=10, choices=CertificateKind.choices)
    status = models.CharField(
        max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.PENDING
    )
    document = models.FileField(upload_to="certificates/", blank=True, storage=private_storage)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["product_id", "-decision_date", "-pk"]
        indexes = [models.Index(fields=["status", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stars__gte=3, stars__lte=5), name="ocop_stars_3_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("decision_date")),
                name="ocop_expiry_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.stars}★)"

    def is_valid_on(self, day: datetime.date) -> bool:
        """The star rule. Its SQL twin is `backend.catalogue.selectors.in_force_q`."""
        return (
            self.status == CertificateStatus.VERIFIED
            and self.decision_date <= day <= self.expires_on
        )

    @property
    def is_valid(self) -> bool:
        return self.is_valid_on(timezone.localdate())

    @property
    def display_status(self) -> str:
        """ACTIVE, EXPIRED, PENDING, REJECTED or REVOKED, as a shopper would read it."""
        if self.status == CertificateStatus.VERIFIED:
            return "EXPIRED" if self.expires_on < timezone.localdate() else "ACTIVE"
        return str(self.status)


class DocumentKind(models.TextChoices):
    HALAL = "HALAL", "Halal"
    ORGANIC_EU = "ORGANIC_EU", "Organic (EU)"
    ORGANIC_USDA = "ORGANIC_USDA", "Organic (USDA)"
    ORGANIC_JAS = "ORGANIC_JAS", "Organic (JAS)"
    VIETGAP = "VIETGAP", "VietGAP"
    GLOBALGAP = "GLOBALGAP", "GlobalG.A.P."
    HACCP = "HACCP", "HACCP"
    ISO_22000 = "ISO_22000", "ISO 22000"
    FDA_REGISTRATION = "FDA_REGISTRATION", "FDA food facility registration"
    GACC_REGISTRATION = "GACC_REGISTRATION", "GACC registration (China)"
    LAB_REPORT = "LAB_REPORT", "Laboratory test report"
    PHYTOSANITARY = "PHYTOSANITARY", "Phytosanitary certificate"
    CERTIFICATE_OF_ORIGIN = "CERTIFICATE_OF_ORIGIN", "Certificate of origin"
    BUSINESS_REGISTRATION = "BUSINESS_REGISTRATION", "Business registration"
    OTHER = "OTHER", "Other"


class ProducerDocument(TimeStampedModel):
    """A certificate or document a producer holds (Halal, HACCP, lab report ...).

    It may cover all of the producer's products (no `products`) or only some."""

    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    title = models.CharField(max_length=200, blank=True)
    number = models.CharField(max_length=80, blank=True)
    issuer = models.CharField(max_length=200, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    file = models.FileField(upload_to="documents/", blank=True, storage=private_storage)
    is_public = models.BooleanField(
        default=False,
        help_text="Whether the file may be opened from public traceability pages.",
    )
    products = models.ManyToManyField("catalogue.Product", blank=True, related_name="documents")
    is_verified = models.BooleanField(default=False)

    class Meta:
        ordering = ["producer_id", "kind", "-issued_on"]
        indexes = [models.Index(fields=["kind", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.expires_on is None or self.expires_on >= day

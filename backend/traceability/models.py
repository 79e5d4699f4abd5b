"""Traceability batches (lots) and their public QR pages."""

from __future__ import annotations

from django.db import models

from backend.core.models import TimeStampedModel


class Batch(TimeStampedModel):
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="batches"
    )
    variant = models.ForeignKey(
        "catalogue.ProductVariant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
    )
    code = models.SlugField(max_length=64, unique=True, help_text="Lot code, printed on the pack.")
    production_date = models.DateField()
    expiry_date = models.DateField(null=True, blank=True)
    quantity = models.PositiveIntegerField(default=0)
    notes_vi = models.TextField(blank=True)
    notes_en = models.TextField(blank=True)
    documents = models.ManyToManyField(
        "certification.ProducerDocument", blank=True, related_name="batches"
    )

    class Meta:
        ordering = ["-production_date", "code"]
        verbose_name_plural = "batches"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expiry_date__isnull=True)
                | models.Q(expiry_date__gte=models.F("production_date")),
                name="batch_expiry_after_production",
            )
        ]

    def __str__(self) -> str:
        return self.code

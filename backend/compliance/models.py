"""Export compliance as data: rules over product facts, the document types they ask for, and
the verdicts computed from them (stored per product and market, recomputed by
`services.verdicts_recompute` when a product, its documents or a rule changes)."""

from __future__ import annotations

from django.db import models


class Verdict(models.TextChoices):
    ELIGIBLE = "ELIGIBLE", "Eligible"
    ELIGIBLE_WITH_DOCUMENTS = "ELIGIBLE_WITH_DOCUMENTS", "Eligible with documents"
    BLOCKED = "BLOCKED", "Blocked"


class Effect(models.TextChoices):
    BLOCK = "BLOCK", "Block"
    REQUIRE_DOCUMENTS = "REQUIRE_DOCUMENTS", "Require documents"


class DocumentType(models.Model):
    """A document a rule can ask for. `producer_document_kind` links it to the kinds producers
    upload (certification.DocumentKind); per-shipment documents are arranged with each
    shipment and are never 'held' in advance."""

    code = models.CharField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    producer_document_kind = models.CharField(max_length=24, blank=True)
    per_shipment = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Rule(models.Model):
    """One export rule. `markets` lists market codes, or EXPORT (every non-domestic market) or
    ALL; `countries` narrows it to some countries of those markets. `condition` is a small JSON
    expression over product facts (see backend/compliance/evaluator.py)."""

    code = models.SlugField(max_length=80, unique=True)
    title_vi = models.CharField(max_length=250)
    title_en = models.CharField(max_length=250)
    markets = models.JSONField(default=list)
    countries = models.JSONField(default=list, blank=True)
    condition = models.JSONField()
    effect = models.CharField(max_length=20, choices=Effect.choices)
    reason_code = models.CharField(max_length=60)
    message_vi = models.TextField()
    message_en = models.TextField()
    documents = models.JSONField(default=list, blank=True, help_text="DocumentType codes")
    source = models.CharField(max_length=300)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    is_estimate = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProductMarketVerdict(models.Model):
    """The stored verdict of one product for one market (the strictest over its countries;
    `country_verdicts` lists each country's verdict when they differ)."""

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="market_verdicts"
    )
    market = models.ForeignKey("markets.Market", on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=24, choices=Verdict.choices)
    reasons = models.JSONField(default=list)
    documents = models.JSONField(default=list)
    country_verdicts = models.JSONField(default=dict)
    computed_at = models.DateTimeField(help_text="When the verdict last changed.")
    digest = models.CharField(
        max_length=32, blank=True, help_text="Hash of the verdict, to skip unchanged rewrites."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "market"], name="uniq_product_market")
        ]
        indexes = [models.Index(fields=["market", "verdict", "product"])]

    def __str__(self) -> str:
        return f"{self.product_id} {self.market_id} {self.verdict}"

    def verdict_for_country(self, country: str) -> str:
        return str(self.country_verdicts.get(country.upper(), self.verdict))


class SpeciesAlias(models.Model):
    """A local name of a fruit or plant species, e.g. 'bưởi' -> 'pomelo'."""

    name = models.CharField(max_length=100, unique=True)
    species = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "species aliases"

    def __str__(self) -> str:
        return f"{self.name} -> {self.species}"

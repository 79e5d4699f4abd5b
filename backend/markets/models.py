"""Export markets as data: countries, currency, exchange rates, VAT/GST, duty rules and the
documents a market asks for. Every rule carries its source and the date it applies from;
values the domain brief marks (est.) are stored with `is_estimate=True`."""

from __future__ import annotations

from django.db import models
from django_countries.fields import CountryField

from backend.certification.models import private_storage


class Incoterm(models.TextChoices):
    DDP = "DDP", "Delivered duty paid"
    DDU = "DDU", "Delivered duty unpaid"


class TaxCollection(models.TextChoices):
    INCLUDED = "INCLUDED", "Included in the price (domestic)"
    AT_SALE = "AT_SALE", "Collected at sale (IOSS, UK, AU)"
    ON_IMPORT = "ON_IMPORT", "Collected on import"


class RuleProvenance(models.Model):
    """Where a rule comes from and when it applies."""

    source = models.CharField(max_length=300)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    is_estimate = models.BooleanField(
        default=False, help_text="An estimate (est.) to be checked, not a published figure."
    )
    note = models.TextField(blank=True)

    class Meta:
        abstract = True


class Market(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="e.g. VN, EU, US, GCC")
    name_vi = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    countries = CountryField(multiple=True, blank=True)
    currency = models.CharField(max_length=3, help_text="ISO 4217 code prices show in")
    currency_overrides = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per-country currency where it differs, e.g. {"AE": "AED"}',
    )
    default_incoterm = models.CharField(
        max_length=3, choices=Incoterm.choices, default=Incoterm.DDU
    )
    is_domestic = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    @property
    def country_codes(self) -> list[str]:
        return [str(c) for c in self.countries]

    def currency_for(self, country: str | None) -> str:
        if country and country in self.currency_overrides:
            return str(self.currency_overrides[country])
        return self.currency


class ExchangeRate(RuleProvenance):
    """How many VND one unit of `currency` costs, from `valid_from` on."""

    currency = models.CharField(max_length=3)
    vnd_per_unit = models.DecimalField(max_digits=16, decimal_places=6)

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="uniq_rate_per_day"),
            models.CheckConstraint(condition=models.Q(vnd_per_unit__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.vnd_per_unit} VND ({self.valid_from})"


class TaxRule(RuleProvenance):
    """VAT / GST for a market, or for one of its countries (`country` set)."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="tax_rules")
    country = CountryField(blank=True)
    name = models.CharField(max_length=40, default="VAT", help_text="VAT, GST, ...")
    standard_rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="percent")
    food_rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="percent")
    collection = models.CharField(
        max_length=10, choices=TaxCollection.choices, default=TaxCollection.ON_IMPORT
    )

    class Meta:
        ordering = ["market_id", "country", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.market.code}{'/' + str(self.country) if self.country else ''} {self.name}"


class DutyRule(RuleProvenance):
    """Customs duty on low-value parcels for a market (or one of its countries)."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="duty_rules")
    country = CountryField(blank=True)
    de_minimis_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Goods value up to which no duty is due; empty = no relief.",
    )
    de_minimis_currency = models.CharField(max_length=3, blank=True)
    tax_exempt_below_threshold = models.BooleanField(
        default=False, help_text="Below the threshold, import VAT/GST is not due either."
    )
    tax_factor_below_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=1,
        help_text="Share of VAT due below the threshold (China cross-border: 0.70).",
    )
    flat_duty_per_category = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Flat duty per item category (EU: 3 EUR from 2026-07-01).",
    )
    flat_duty_currency = models.CharField(max_length=3, blank=True)
    flat_duty_max_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Parcels up to this value pay the flat duty (in the flat duty's currency).",
    )
    duty_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text="percent, above the threshold"
    )
    alcohol_always_dutiable = models.BooleanField(
        default=False, help_text="Alcohol never benefits from the threshold."
    )

    class Meta:
        ordering = ["market_id", "country", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.market.code} duty from {self.valid_from}"


class RequiredDocument(RuleProvenance):
    """A document a market asks for on every shipment, or on every food shipment."""

    class AppliesTo(models.TextChoices):
        ALL = "ALL", "Every shipment"
        FOOD = "FOOD", "Food and drink"

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="required_documents")
    kind = models.CharField(max_length=40, help_text="A document kind, e.g. ORIGIN_STATEMENT")
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    applies_to = models.CharField(max_length=8, choices=AppliesTo.choices, default=AppliesTo.ALL)
    is_mandatory = models.BooleanField(
        default=True, help_text="False when it only unlocks a preferential tariff."
    )

    class Meta:
        ordering = ["market_id", "kind"]

    def __str__(self) -> str:
        return f"{self.market.code}: {self.name_en}"


class FeedFormat(models.TextChoices):
    CSV = "CSV", "CSV"
    JSON = "JSON", "JSON"


class FeedStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"


class ExportFeed(models.Model):
    """A catalogue feed for one market, built in the background and stored privately."""

    uuid = models.UUIDField(unique=True, editable=False)
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=4, choices=FeedFormat.choices)
    verdicts = models.JSONField(default=list, help_text="Verdicts included.")
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=FeedStatus.choices, default=FeedStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="export-feeds/", storage=private_storage, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.market.code} {self.format} {self.status}"

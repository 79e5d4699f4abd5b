from typing import Any

from django.contrib import admin

from .models import DutyRule, ExchangeRate, Market, RequiredDocument, TaxRule


class TaxRuleInline(admin.TabularInline):
    model = TaxRule
    extra = 0


class DutyRuleInline(admin.StackedInline):
    model = DutyRule
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "currency", "default_incoterm", "is_domestic", "is_active"]
    list_editable = ["is_active"]
    inlines = [TaxRuleInline, DutyRuleInline, RequiredDocumentInline]

    def save_model(self, request: Any, obj: Market, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Countries or activity changed: verdicts are per market and country.
        from backend.compliance.services import rules_changed

        rules_changed()


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "vnd_per_unit", "valid_from", "is_estimate", "source"]
    list_filter = ["currency", "is_estimate"]

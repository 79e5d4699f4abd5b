from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from .evaluator import ConditionError, compile_condition
from .models import DocumentType, ProductMarketVerdict, Rule, SpeciesAlias
from .services import rules_changed


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = [
            "code",
            "title_vi",
            "title_en",
            "markets",
            "countries",
            "condition",
            "effect",
            "reason_code",
            "message_vi",
            "message_en",
            "documents",
            "source",
            "valid_from",
            "valid_to",
            "is_estimate",
            "is_active",
        ]

    def clean_condition(self) -> Any:
        condition = self.cleaned_data["condition"]
        try:
            compile_condition(condition)
        except ConditionError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return condition


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = [
        "code",
        "effect",
        "reason_code",
        "markets",
        "valid_from",
        "is_estimate",
        "is_active",
    ]
    list_filter = ["effect", "is_estimate", "is_active"]
    search_fields = ["code", "title_en", "title_vi", "reason_code"]

    def save_model(self, request: Any, obj: Rule, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        rules_changed()

    def delete_model(self, request: Any, obj: Rule) -> None:
        super().delete_model(request, obj)
        rules_changed()


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "producer_document_kind", "per_shipment"]


@admin.register(SpeciesAlias)
class SpeciesAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "species"]


@admin.register(ProductMarketVerdict)
class ProductMarketVerdictAdmin(admin.ModelAdmin):
    list_display = ["product", "market", "verdict", "computed_at"]
    list_filter = ["market", "verdict"]
    raw_id_fields = ["product"]

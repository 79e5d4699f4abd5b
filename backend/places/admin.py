from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from backend.catalogue.admin_base import ServiceAdmin
from backend.places.models import Commune, CraftVillage, Province, ProvinceAlias
from backend.places.services import craft_village_create, craft_village_update


class ProvinceAliasInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProvinceAlias
    extra = 0
    fields = ["name", "folded_name", "source"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "short_name", "name_en", "region", "division_type"]
    list_filter = ["region"]
    search_fields = ["code", "name", "short_name", "name_en", "folded_name", "aliases__name"]
    readonly_fields = ["folded_name"]
    inlines = [ProvinceAliasInline]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "province", "division_type"]
    list_filter = ["province", "division_type"]
    search_fields = ["code", "name", "folded_name", "codename"]
    list_select_related = ["province"]
    autocomplete_fields = ["province"]
    show_full_result_count = False


@admin.register(CraftVillage)
class CraftVillageAdmin(ServiceAdmin):
    list_display = ["name", "name_en", "craft_vi", "province", "commune"]
    list_filter = ["province"]
    search_fields = ["name", "name_en", "folded_name", "craft_vi", "craft_en"]
    autocomplete_fields = ["province", "commune"]
    list_select_related = ["province", "commune"]

    def service_save(
        self, request: HttpRequest, instance: models.Model | None, data: dict[str, Any]
    ) -> models.Model:
        if instance is None:
            return craft_village_create(**data)
        assert isinstance(instance, CraftVillage)
        return craft_village_update(craft_village=instance, **data)

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html

from backend.catalogue.admin_base import ServiceAdmin
from backend.traceability.links import batch_public_path
from backend.traceability.models import Batch
from backend.traceability.services import batch_create, batch_update


@admin.register(Batch)
class BatchAdmin(ServiceAdmin):
    list_display = ["code", "product", "production_date", "expiry_date", "quantity", "page"]
    list_filter = ["production_date", "product__category"]
    search_fields = ["code", "product__name_vi", "product__producer__name"]
    autocomplete_fields = ["product", "documents"]
    raw_id_fields = ["variant"]
    list_select_related = ["product"]
    date_hierarchy = "production_date"
    optional_fields = ()

    @admin.display(description="Public page")
    def page(self, obj: Batch) -> str:
        return format_html('<a href="{0}">{0}</a>', batch_public_path(obj.code))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["product"] if obj is not None else []

    def service_save(
        self, request: HttpRequest, instance: models.Model | None, data: dict[str, Any]
    ) -> models.Model:
        if "documents" in data:
            data["documents"] = list(data["documents"])
        if instance is None:
            return batch_create(**data)
        assert isinstance(instance, Batch)
        data.pop("product", None)
        return batch_update(batch=instance, **data)

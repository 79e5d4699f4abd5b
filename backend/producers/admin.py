from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from backend.catalogue.admin_base import ServiceAdmin, reason_action, run_service_action
from backend.producers.models import Producer, ProducerMember
from backend.producers.services import (
    producer_create,
    producer_reject,
    producer_update,
    producer_verify,
)


class ProducerMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProducerMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.action(description="Verify the selected producers")
def verify_producers(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    run_service_action(
        modeladmin, request, queryset, lambda p: producer_verify(producer=p), "Verified"
    )


reject_producers = reason_action(
    name="reject_producers",
    description="Reject the selected producers",
    call=lambda request, producer, reason: producer_reject(producer=producer, reason=reason),
)


@admin.register(Producer)
class ProducerAdmin(ServiceAdmin):
    list_display = ["name", "kind", "province", "verification_status", "is_demo", "created_at"]
    list_filter = ["verification_status", "kind", "is_demo", "province"]
    search_fields = ["name", "slug", "contact_email", "business_registration_number"]
    autocomplete_fields = ["province", "commune", "craft_village"]
    readonly_fields = ["verification_status", "verified_at", "rejection_reason"]
    inlines = [ProducerMemberInline]
    actions = [verify_producers, reject_producers]
    list_select_related = ["province"]

    def service_save(
        self, request: HttpRequest, instance: models.Model | None, data: dict[str, Any]
    ) -> models.Model:
        if instance is None:
            return producer_create(**data)
        assert isinstance(instance, Producer)
        return producer_update(producer=instance, **data)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from backend.accounts.models import User
from backend.catalogue.admin_base import ServiceAdmin, reason_action, run_service_action
from backend.certification import selectors
from backend.certification.models import OcopCertificate, ProducerDocument
from backend.certification.services import (
    ocop_certificate_create,
    ocop_certificate_reject,
    ocop_certificate_revoke,
    ocop_certificate_verify,
    producer_document_create,
    producer_document_update,
)


class CertificateExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("60d", "Expires within 60 days"),
            ("expired", "Expired"),
            ("in_force", "In force"),
        ]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "60d":
            return selectors.certificates_expiring_within(60, queryset)
        if self.value() == "expired":
            return selectors.certificates_expired(queryset)
        if self.value() == "in_force":
            return selectors.certificates_in_force(queryset)
        return queryset


class DocumentExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("60d", "Expires within 60 days"), ("expired", "Expired")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "60d":
            return selectors.documents_expiring_within(60, queryset)
        if self.value() == "expired":
            return selectors.documents_expired(queryset)
        return queryset


def _staff(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.action(description="Verify the selected certificates")
def verify_certificates(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    run_service_action(
        modeladmin,
        request,
        queryset,
        lambda c: ocop_certificate_verify(certificate=c, by=_staff(request)),
        "Verified",
    )


reject_certificates = reason_action(
    name="reject_certificates",
    description="Reject the selected certificates",
    call=lambda request, cert, reason: ocop_certificate_reject(
        certificate=cert, note=reason, by=_staff(request)
    ),
)

revoke_certificates = reason_action(
    name="revoke_certificates",
    description="Revoke the selected certificates",
    call=lambda request, cert, reason: ocop_certificate_revoke(
        certificate=cert, note=reason, by=_staff(request)
    ),
)


@admin.register(OcopCertificate)
class OcopCertificateAdmin(ServiceAdmin):
    """Certificates are added here (PENDING) and then verified, rejected or revoked with the
    actions. A recorded certificate is not edited: history is kept, a new decision is a new
    certificate."""

    list_display = [
        "decision_number",
        "product",
        "stars",
        "potential_five_star",
        "decision_date",
        "expires_on",
        "status",
        "state",
    ]
    list_filter = [
        "status",
        "stars",
        "potential_five_star",
        CertificateExpiryFilter,
        "criteria_version",
        "kind",
    ]
    search_fields = ["decision_number", "number", "product__name_vi", "issuing_authority"]
    autocomplete_fields = ["product"]
    list_select_related = ["product"]
    date_hierarchy = "decision_date"
    actions = [verify_certificates, reject_certificates, revoke_certificates]
    add_fields = [
        "product",
        "number",
        "decision_number",
        "issuing_authority",
        "decision_date",
        "stars",
        "potential_five_star",
        "criteria_version",
        "evaluation_round",
        "kind",
        "document",
    ]

    @admin.display(description="Today")
    def state(self, obj: OcopCertificate) -> str:
        return obj.display_status

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fields
        return [
            *self.add_fields,
            "expires_on",
            "status",
            "verified_by",
            "verified_at",
            "review_note",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.get_fields(request, obj)

    def service_save(
        self, request: HttpRequest, instance: models.Model | None, data: dict[str, Any]
    ) -> models.Model:
        if instance is not None:
            return instance  # nothing is editable on a recorded certificate
        data = {k: v for k, v in data.items() if k in self.add_fields}
        if not data.get("document"):
            data.pop("document", None)
        return ocop_certificate_create(**data)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProducerDocument)
class ProducerDocumentAdmin(ServiceAdmin):
    list_display = [
        "__str__",
        "producer",
        "kind",
        "issuer",
        "issued_on",
        "expires_on",
        "is_verified",
        "is_public",
    ]
    list_filter = ["kind", DocumentExpiryFilter, "is_verified", "is_public"]
    search_fields = ["title", "number", "issuer", "producer__name"]
    autocomplete_fields = ["producer", "products"]
    list_select_related = ["producer"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["producer"] if obj is not None else []

    def service_save(
        self, request: HttpRequest, instance: models.Model | None, data: dict[str, Any]
    ) -> models.Model:
        if "products" in data:
            data["products"] = list(data["products"])
        if "file" in data and not data["file"]:
            data.pop("file")
        if instance is None:
            return producer_document_create(**data)
        assert isinstance(instance, ProducerDocument)
        data.pop("producer", None)
        return producer_document_update(document=instance, **data)

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.html import format_html

from backend.catalogue.admin_base import (
    ServiceAdmin,
    add_service_errors,
    model_data,
    reason_action,
    run_service_action,
)
from backend.catalogue.images import read_image
from backend.catalogue.models import Category, Product, ProductMedia, ProductVariant
from backend.catalogue.selectors import in_force_q
from backend.catalogue.services import (
    product_approve,
    product_create,
    product_media_create,
    product_media_delete,
    product_media_update,
    product_reject,
    product_update,
    variant_create,
    variant_delete,
    variant_update,
)
from backend.certification.models import OcopCertificate
from backend.core.errors import ServiceError


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name_vi", "name_en", "level", "parent", "criteria_version"]
    list_filter = ["level", "criteria_version", "is_shippable"]
    search_fields = ["code", "name_vi", "name_en"]
    ordering = ["sort_order", "code"]


# --- Product inlines ------------------------------------------------------------------------


class _DryRun(Exception):
    pass


class VariantInlineForm(forms.ModelForm):  # type: ignore[type-arg]
    """Checked by running the variant service in a savepoint that is rolled back."""

    class Meta:
        model = ProductVariant
        fields = [
            "sku",
            "name_vi",
            "name_en",
            "price_amount",
            "weight_grams",
            "length_cm",
            "width_cm",
            "height_cm",
            "quantity",
            "sort_order",
        ]

    def _post_clean(self) -> None:
        if self.errors or not self.has_changed() or not self.instance.product_id:
            return
        try:
            with transaction.atomic():
                variant_form_save(self)
                raise _DryRun
        except _DryRun:
            pass
        except ServiceError as exc:
            add_service_errors(self, exc)


def variant_form_save(form: forms.ModelForm[Any]) -> None:
    if form.cleaned_data.get("DELETE"):
        if form.instance.pk:
            variant_delete(variant=ProductVariant.objects.get(pk=form.instance.pk))
        return
    if form.instance.pk:
        existing = ProductVariant.objects.get(pk=form.instance.pk)
        variant_update(variant=existing, **model_data(form, changed_only=True))
    else:
        data = model_data(form, changed_only=False)
        data.pop("product", None)
        variant_create(product=Product.objects.get(pk=form.instance.product_id), **data)


class VariantInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProductVariant
    form = VariantInlineForm
    extra = 0
    readonly_fields = ["quantity_allocated"]


class MediaInlineForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ProductMedia
        fields = ["image", "alt_vi", "alt_en", "sort_order"]

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image and not self.instance.pk:
            try:
                read_image(image)
            except ServiceError as exc:
                raise forms.ValidationError([e.message for e in exc.errors]) from exc
        return image


class MediaInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProductMedia
    form = MediaInlineForm
    extra = 0
    readonly_fields = ["preview", "width", "height"]
    fields = ["preview", "image", "alt_vi", "alt_en", "sort_order", "width", "height"]

    @admin.display(description="Preview")
    def preview(self, obj: ProductMedia) -> str:
        thumb = next((t for t in obj.thumbnails.all() if t.size == 128), None) if obj.pk else None
        if thumb is None:
            return "—"
        return format_html('<img src="{}" alt="" width="64">', thumb.image.url)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.readonly_fields)


class CertificateInline(admin.TabularInline):  # type: ignore[type-arg]
    """The certificate history, read-only; certificates are added and verified on their own
    admin page, through the certification services."""

    model = OcopCertificate
    fk_name = "product"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = (
        "decision_number",
        "stars",
        "potential_five_star",
        "decision_date",
        "expires_on",
        "status",
        "state",
    )
    readonly_fields = fields

    @admin.display(description="Today")
    def state(self, obj: OcopCertificate) -> str:
        return obj.display_status

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Product filters and actions --------------------------------------------------------------


class StarsFilter(admin.SimpleListFilter):
    title = "stars (certificate in force)"
    parameter_name = "stars"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("5", "5★"), ("4", "4★"), ("3", "3★"), ("none", "No stars (none or expired)")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if value == "none":
            return queryset.exclude(in_force_q())
        if value in ("3", "4", "5"):
            return queryset.filter(in_force_q(), current_certificate__stars=int(value))
        return queryset


@admin.action(description="Approve the selected products")
def approve_products(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    run_service_action(
        modeladmin, request, queryset, lambda p: product_approve(product=p), "Approved"
    )


reject_products = reason_action(
    name="reject_products",
    description="Reject the selected products",
    call=lambda request, product, reason: product_reject(product=product, note=reason),
)


@admin.register(Product)
class ProductAdmin(ServiceAdmin):
    list_display = [
        "name_vi",
        "category",
        "producer",
        "province",
        "moderation_status",
        "stars",
        "price_min",
        "price_max",
    ]
    list_filter = ["moderation_status", StarsFilter, "category", "province", "storage_class"]
    search_fields = ["name_vi", "name_en", "slug", "producer__name", "variants__sku"]
    autocomplete_fields = ["producer", "province", "commune", "craft_village"]
    list_select_related = ["category", "producer", "province", "current_certificate"]
    readonly_fields = [
        "moderation_status",
        "moderation_note",
        "current_certificate",
        "price_min",
        "price_max",
        "created_at",
        "updated_at",
    ]
    actions = [approve_products, reject_products]
    inlines = [VariantInline, MediaInline, CertificateInline]
    optional_fields = ("slug", "slug_en")

    @admin.display(description="Stars")
    def stars(self, obj: Product) -> str:
        from backend.catalogue.selectors import product_stars

        stars = product_stars(obj)
        return f"{stars}★" if stars else "—"

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        # Variants, images and certificates hang off a saved product.
        return list(self.inlines) if obj is not None else []

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(self.readonly_fields)
        return [*fields, "producer"] if obj is not None else fields

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.filter(level=Category.Level.PRODUCT_SET)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def service_save(
        self, request: HttpRequest, instance: models.Model | None, data: dict[str, Any]
    ) -> models.Model:
        if instance is None:
            return product_create(**data)
        assert isinstance(instance, Product)
        return product_update(product=instance, **data)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # What the admin's change message reads.
        formset.new_objects = [
            f.instance for f in formset.extra_forms if f.has_changed() and f.instance
        ]
        formset.changed_objects = [
            (f.instance, f.changed_data)
            for f in formset.initial_forms
            if f.has_changed() and f not in formset.deleted_forms
        ]
        formset.deleted_objects = [f.instance for f in formset.deleted_forms]
        if formset.model is ProductVariant:
            for inline_form in formset.forms:
                if inline_form.has_changed() or inline_form in formset.deleted_forms:
                    variant_form_save(inline_form)
        elif formset.model is ProductMedia:
            for inline_form in formset.forms:
                media = inline_form.instance
                if inline_form in formset.deleted_forms:
                    if media.pk:
                        product_media_delete(media=ProductMedia.objects.get(pk=media.pk))
                elif not inline_form.has_changed():
                    continue
                elif media.pk:
                    product_media_update(
                        media=ProductMedia.objects.get(pk=media.pk),
                        alt_vi=inline_form.cleaned_data.get("alt_vi"),
                        alt_en=inline_form.cleaned_data.get("alt_en"),
                        sort_order=inline_form.cleaned_data.get("sort_order"),
                    )
                elif inline_form.cleaned_data.get("image"):
                    product_media_create(
                        product=form.instance,
                        file=inline_form.cleaned_data["image"],
                        alt_vi=inline_form.cleaned_data.get("alt_vi") or "",
                        alt_en=inline_form.cleaned_data.get("alt_en") or "",
                    )
        # Certificates are read-only here.

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""Admin plumbing shared by the OCOP apps: saves go through the domain services.

`ServiceAdmin` subclasses implement `service_save(request, instance, data)` (instance is None
when adding; `data` holds the model fields the form sent, only the changed ones on edit) and
call the service. The form validates by running that same call inside a savepoint that is
always rolled back, so a `ServiceError` shows up as form errors on the right fields; the real
call happens in `save_model`. No rule is written twice.

`reason_action(...)` builds an admin action that asks for a reason (reject, revoke) on an
intermediate page and then calls a service per selected object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models, transaction
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from backend.core.errors import ServiceError


class _DryRun(Exception):
    pass


def model_data(form: forms.ModelForm[Any], *, changed_only: bool) -> dict[str, Any]:
    """The model fields (many-to-many included) in the form's cleaned data."""
    model = form._meta.model
    names = {
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and not f.auto_created
    }
    keys = set(form.changed_data) if changed_only else set(form.cleaned_data)
    return {k: form.cleaned_data[k] for k in keys if k in names and k in form.cleaned_data}


def add_service_errors(form: forms.BaseForm, exc: ServiceError) -> None:
    for error in exc.errors:
        field = error.field if error.field in form.fields else None
        try:
            form.add_error(field, error.message)
        except ValueError:  # the field was already removed from cleaned_data
            form.add_error(None, f"{error.field}: {error.message}")


class ServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    #: Fields the service fills in when left blank (slugs).
    optional_fields: tuple[str, ...] = ("slug",)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.optional_fields:
            field.required = False
        return field

    def service_save(
        self, request: HttpRequest, instance: models.Model | None, data: dict[str, Any]
    ) -> models.Model:
        raise NotImplementedError

    def service_data(self, form: forms.ModelForm[Any], *, change: bool) -> dict[str, Any]:
        return model_data(form, changed_only=change)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[override]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        admin_self = self

        class ServiceForm(form_class):  # type: ignore[valid-type,misc]
            def _post_clean(self) -> None:
                # Model validation (full_clean) is replaced by the service's own checks.
                if self.errors:
                    return
                existing = self.instance if self.instance.pk else None
                data = admin_self.service_data(self, change=existing is not None)
                if existing is not None:
                    existing = type(existing).objects.get(pk=existing.pk)
                try:
                    with transaction.atomic():
                        admin_self.service_save(request, existing, data)
                        raise _DryRun
                except _DryRun:
                    pass
                except ServiceError as exc:
                    add_service_errors(self, exc)
                    return
                # Fill the instance for display (messages, formsets); the service saves it.
                construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)

        return ServiceForm

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any], change: bool
    ) -> None:
        data = self.service_data(form, change=change)
        existing = type(obj).objects.get(pk=obj.pk) if change else None
        saved = self.service_save(request, existing, data)
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db
        form.instance = saved

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        # Many-to-many fields went through the service with the rest; only inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=2000)


def reason_action(
    *,
    name: str,
    description: str,
    call: Callable[[HttpRequest, Any, str], Any],
) -> Callable[[Any, HttpRequest, Any], HttpResponse | None]:
    """An admin action that asks for a reason, then calls `call(request, obj, reason)`."""

    def action(modeladmin: Any, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                done = 0
                for obj in queryset:
                    try:
                        call(request, obj, form.cleaned_data["reason"])
                        done += 1
                    except ServiceError as exc:
                        modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
                modeladmin.message_user(request, f"{description}: {done}", messages.SUCCESS)
                return None
        else:
            form = ReasonForm()
        return TemplateResponse(
            request,
            "admin/ocop/reason_action.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "objects": queryset,
                "form": form,
                "action": name,
                "checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": modeladmin.model._meta,
            },
        )

    action.__name__ = name
    action.short_description = description  # type: ignore[attr-defined]
    return action


def run_service_action(
    modeladmin: Any, request: HttpRequest, queryset: Any, call: Callable[[Any], Any], done: str
) -> None:
    """Calls `call(obj)` for each selected object, reporting errors per object."""
    count = 0
    for obj in queryset:
        try:
            call(obj)
            count += 1
        except ServiceError as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
    modeladmin.message_user(request, f"{done}: {count}", messages.SUCCESS)


__all__ = [
    "NON_FIELD_ERRORS",
    "ServiceAdmin",
    "add_service_errors",
    "model_data",
    "reason_action",
    "run_service_action",
]

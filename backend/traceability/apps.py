from django.apps import AppConfig


class TraceabilityConfig(AppConfig):
    name = "backend.traceability"
    label = "traceability"
    default_auto_field = "django.db.models.BigAutoField"

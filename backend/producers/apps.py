from django.apps import AppConfig


class ProducersConfig(AppConfig):
    name = "backend.producers"
    label = "producers"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "backend.catalogue"
    label = "catalogue"
    default_auto_field = "django.db.models.BigAutoField"

from django.urls import URLPattern, URLResolver, path

from . import views

# HealthCheckMiddleware answers these paths before host validation and the HTTPS redirect
# (probes call pods by IP over plain HTTP); the routes keep them reachable without it too.
urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]

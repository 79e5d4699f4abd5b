"""URL map. Each area owns its own urls module."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("", include("backend.graphql.urls")),
    path("", include("backend.graphql.producer.urls")),
    path("", include("backend.traceability.urls")),
    path("", include("backend.payments.urls")),
    path("", include("backend.markets.urls")),
    path("", include("backend.core.urls")),
    path("", include("storefront.urls")),
]

if settings.SERVE_MEDIA:
    # Local media (embedded default). In production media lives on S3 and this is off.
    from django.views.static import serve

    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

"""URL map. Each area owns its own urls module."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("", include("backend.graphql.urls")),
    path("", include("backend.traceability.urls")),
    path("", include("backend.payments.urls")),
    path("", include("backend.core.urls")),
    path("", include("storefront.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

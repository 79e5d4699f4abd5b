"""A URL map with a view that fails, to see the shop's 500 page."""

from django.urls import include, path


def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("secret detail that must not reach the page")


urlpatterns = [path("boom/", boom), path("", include("storefront.urls"))]

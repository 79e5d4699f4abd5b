"""The site's URLs plus a view that fails, for the no-stack-trace tests."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("secret detail: password=hunter2 in /srv/app/settings.py")


urlpatterns = [path("__boom__/", boom), path("", include("backend.urls"))]

"""Markets URLs. Wire with `path("", include("backend.markets.urls"))` in backend/urls.py."""

from django.urls import path

from .views import export_feed_download

app_name = "markets"

urlpatterns = [
    path("export-feeds/<str:token>/", export_feed_download, name="export-feed-download"),
]

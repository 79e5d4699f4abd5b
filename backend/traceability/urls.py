from django.urls import URLPattern, URLResolver, path

from backend.traceability import views

app_name = "traceability"

urlpatterns: list[URLPattern | URLResolver] = [
    path("trace/<slug:code>/", views.batch_page, name="batch"),
    path("trace/<slug:code>/qr.svg", views.batch_qr, {"fmt": "svg"}, name="qr-svg"),
    path("trace/<slug:code>/qr.png", views.batch_qr, {"fmt": "png"}, name="qr-png"),
    path(
        "trace/<slug:code>/documents/<int:document_id>/",
        views.batch_document,
        name="document",
    ),
]

"""Producer workspace URLs: the permission-checked download of private documents (used when
the private storage is not S3). Include with
`path("", include("backend.graphql.producer.urls"))`."""

from django.urls import URLPattern, URLResolver, path

from .files import URL_NAME, document_file

urlpatterns: list[URLPattern | URLResolver] = [
    path("documents/file/<str:token>/", document_file, name=URL_NAME),
]

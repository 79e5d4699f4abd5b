"""The site's URLs plus the producer workspace's (document downloads), for tests."""

from django.urls import include, path

from backend.urls import urlpatterns as site

urlpatterns = [*site, path("", include("backend.graphql.producer.urls"))]

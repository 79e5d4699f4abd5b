"""Product search: one interface (`search.backends.base.SearchBackend`), a database backend
(the embedded default) and an Elasticsearch backend. `get_backend()` picks one by settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .backends.base import SearchBackend


def get_backend(name: str | None = None) -> SearchBackend:
    from django.conf import settings

    name = name or settings.SEARCH_BACKEND
    if name == "elasticsearch":
        from .backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend.from_settings()
    if name == "database":
        from .backends.database import DatabaseBackend

        return DatabaseBackend()
    raise ValueError(f"unknown SEARCH_BACKEND {name!r}: use 'database' or 'elasticsearch'")

"""Elasticsearch only: the alias swap, and what happens when the cluster is unreachable."""

from __future__ import annotations

import time

import pytest

from backend.core.errors import ServiceError
from search import get_backend, selectors
from search.backends.base import SearchQuery, SearchUnavailable
from search.backends.elasticsearch import ElasticsearchBackend
from search.error_codes import SearchErrorCode
from search.models import SyncBacklog
from search.sync import schedule_products
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

DEAD_URL = "http://127.0.0.1:9"  # discard port: nothing listens


def test_reindex_swaps_the_alias_atomically(use_elasticsearch):
    backend = get_backend()
    assert isinstance(backend, ElasticsearchBackend)
    first = ProductFactory(name_vi="Nón lá Chuông")
    backend.reindex()
    [old_index] = backend.alias_targets()
    assert backend.search(SearchQuery(text="non la")).product_ids == [first.pk]

    second = ProductFactory(name_vi="Nón bài thơ")
    # Before the swap the old index still answers: search never goes down.
    assert backend.search(SearchQuery(text="non")).product_ids == [first.pk]
    backend.reindex()
    [new_index] = backend.alias_targets()
    assert new_index != old_index
    assert not backend.es.indices.exists(index=old_index)
    assert sorted(backend.search(SearchQuery(text="non")).product_ids) == sorted(
        [first.pk, second.pk]
    )


def test_failed_reindex_keeps_the_live_index(use_elasticsearch, monkeypatch):
    backend = get_backend()
    product = ProductFactory(name_vi="Tranh Đông Hồ")
    backend.reindex()
    [live] = backend.alias_targets()

    def broken(*args, **kwargs):
        raise RuntimeError("bulk failed half-way")

    monkeypatch.setattr(ElasticsearchBackend, "bulk_load", broken)
    with pytest.raises(RuntimeError):
        backend.reindex()
    assert backend.alias_targets() == [live]
    assert backend.search(SearchQuery(text="dong ho")).product_ids == [product.pk]


@pytest.fixture
def dead_elasticsearch(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = DEAD_URL
    settings.ELASTICSEARCH_TIMEOUT = 1.0
    settings.SEARCH_FALLBACK_TO_DATABASE = False


def test_unreachable_gives_typed_error_quickly(db, dead_elasticsearch):
    started = time.monotonic()
    with pytest.raises(ServiceError) as caught:
        selectors.search_products(SearchQuery(text="cha ca"))
    assert caught.value.errors[0].code == SearchErrorCode.SEARCH_UNAVAILABLE
    with pytest.raises(ServiceError):
        selectors.suggest("cha")
    with pytest.raises(SearchUnavailable):
        get_backend().search(SearchQuery())
    # A refused connection fails at once; no retries pile up (bounded well below a request).
    assert time.monotonic() - started < 10


def test_unreachable_falls_back_to_database_when_configured(db, dead_elasticsearch, settings):
    settings.SEARCH_FALLBACK_TO_DATABASE = True
    product = ProductFactory(name_vi="Chả cá Lã Vọng")
    get_backend("database").index_products([product.pk])
    result = selectors.search_products(SearchQuery(text="cha ca"))
    assert result.product_ids == [product.pk]
    assert result.backend == "database"
    assert [s.value for s in selectors.suggest("cha ca") if s.kind.value == "PRODUCT"] == [
        str(product.pk)
    ]


def test_sync_while_unreachable_loses_nothing(
    db, dead_elasticsearch, settings, elasticsearch_url, django_capture_on_commit_callbacks
):
    product = ProductFactory(name_vi="Gốm Phù Lãng")
    with django_capture_on_commit_callbacks(execute=True):
        schedule_products([product.pk])  # must not raise into the caller
    assert list(SyncBacklog.objects.values_list("product_id", flat=True)) == [product.pk]
    # The database table is kept even so (it serves the fallback).
    assert get_backend("database").search(SearchQuery(text="phu lang")).product_ids == [product.pk]

    # The cluster is back: the next sync carries the backlog along.
    settings.ELASTICSEARCH_URL = elasticsearch_url
    settings.ELASTICSEARCH_INDEX_PREFIX = "backlogtest"
    settings.ELASTICSEARCH_TIMEOUT = 10.0
    other = ProductFactory(name_vi="Gốm Chu Đậu")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            schedule_products([other.pk])
        assert not SyncBacklog.objects.exists()
        assert get_backend().search(SearchQuery(text="phu lang")).product_ids == [product.pk]
    finally:
        backend = get_backend()
        for name in backend.alias_targets():
            backend.es.indices.delete(index=name)

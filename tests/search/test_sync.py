"""Incremental sync through `search.sync.schedule_products`, for both backends."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.catalogue.models import ModerationStatus, Product, ProductVariant
from backend.certification.models import CertificateStatus
from search.backends.base import SearchFilters, SearchQuery
from search.models import ProductSearchDocument, SyncBacklog
from search.sync import schedule_products
from tests.factories import (
    OcopCertificateFactory,
    ProducerFactory,
    ProductFactory,
    ProductVariantFactory,
)

pytestmark = pytest.mark.django_db


def found(backend, text="", **filters):
    query = SearchQuery(text=text, filters=SearchFilters(**filters), limit=100)
    return backend.search(query).product_ids


def test_create_update_delete_follow_on_commit(backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        product = ProductFactory(name_vi="Cà phê Buôn Ma Thuột", name_en="Robusta coffee")
        ProductVariantFactory(product=product, price_amount=Decimal(180_000))
        schedule_products([product.pk])
    # Nothing is queued before the transaction commits.
    assert product.pk not in found(backend, "ca phe")
    assert len(callbacks) == 1
    callbacks[0]()
    assert found(backend, "ca phe") == [product.pk]

    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.filter(pk=product.pk).update(name_vi="Cacao Đắk Lắk", name_en="Cocoa")
        schedule_products([product.pk])
    assert found(backend, "ca phe") == []
    assert found(backend, "cacao dak lak") == [product.pk]

    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.filter(pk=product.pk).update(moderation_status=ModerationStatus.ARCHIVED)
        schedule_products([product.pk])
    assert found(backend, "cacao") == []

    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.filter(pk=product.pk).update(moderation_status=ModerationStatus.APPROVED)
        schedule_products([product.pk])
    assert found(backend, "cacao") == [product.pk]

    pk = product.pk
    with django_capture_on_commit_callbacks(execute=True):
        ProductVariant.objects.filter(product=product).delete()
        product.delete()
        schedule_products([pk])
    assert found(backend, "cacao") == []
    assert found(backend) == []


def test_stock_and_price_changes(backend, django_capture_on_commit_callbacks):
    variant = ProductVariantFactory(quantity=5, price_amount=Decimal(90_000))
    with django_capture_on_commit_callbacks(execute=True):
        schedule_products([variant.product_id])
    assert found(backend, in_stock=True) == [variant.product_id]
    with django_capture_on_commit_callbacks(execute=True):
        ProductVariant.objects.filter(pk=variant.pk).update(quantity_allocated=5)
        Product.objects.filter(pk=variant.product_id).update(price_min=Decimal(400_000))
        schedule_products([variant.product_id])
    assert found(backend, in_stock=True) == []
    assert found(backend, price_ranges=["300000-500000"]) == [variant.product_id]


def test_certificate_revoked_and_verified(backend, django_capture_on_commit_callbacks):
    cert = OcopCertificateFactory(stars=5)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_products([cert.product_id])
    assert found(backend, stars=[5]) == [cert.product_id]
    with django_capture_on_commit_callbacks(execute=True):
        type(cert).objects.filter(pk=cert.pk).update(status=CertificateStatus.REVOKED)
        schedule_products([cert.product_id])
    assert found(backend, stars=[5]) == []
    assert found(backend, certificate_valid=False) == [cert.product_id]


def test_certificate_expiring_needs_no_resync(backend, django_capture_on_commit_callbacks):
    """The index holds the expiry date; the day after it the stars stop counting."""
    today = timezone.localdate()
    cert = OcopCertificateFactory(
        stars=4, decision_date=today - datetime.timedelta(days=1095), expires_on=today
    )
    with django_capture_on_commit_callbacks(execute=True):
        schedule_products([cert.product_id])
    tomorrow = today + datetime.timedelta(days=1)
    q = SearchQuery(filters=SearchFilters(stars=[4]), today=today)
    assert backend.search(q).product_ids == [cert.product_id]
    q.today = tomorrow
    assert backend.search(q).product_ids == []
    q.filters = SearchFilters(certificate_valid=True)
    assert backend.search(q).product_ids == []


def test_producer_change_resyncs_all_its_products(backend, django_capture_on_commit_callbacks):
    producer = ProducerFactory(name="HTX Sen Tây Hồ")
    products = [ProductFactory(producer=producer) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        schedule_products([p.pk for p in products])
    assert len(found(backend, "sen tay ho")) == 3
    with django_capture_on_commit_callbacks(execute=True):
        type(producer).objects.filter(pk=producer.pk).update(name="HTX Trà Sen Quảng An")
        schedule_products(producer_ids=[producer.pk])
    assert found(backend, "sen tay ho") == []
    assert sorted(found(backend, "quang an")) == sorted(p.pk for p in products)


def test_rolled_back_write_queues_nothing(backend_name, django_capture_on_commit_callbacks):
    product = ProductFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule_products([])
    assert callbacks == []
    assert not ProductSearchDocument.objects.filter(product=product).exists()


def test_reindex_command_builds_both_tables(backend_name, capsys):
    products = [ProductFactory() for _ in range(3)]
    draft = ProductFactory(moderation_status=ModerationStatus.DRAFT)
    SyncBacklog.objects.create(product_id=products[0].pk)
    call_command("search_reindex", "--no-progress", "--batch-size", "2")
    out = capsys.readouterr().out
    assert "database: 3 products indexed" in out
    if backend_name == "elasticsearch":
        assert "elasticsearch: 3 products indexed" in out
    assert set(ProductSearchDocument.objects.values_list("product_id", flat=True)) == {
        p.pk for p in products
    }
    assert not ProductSearchDocument.objects.filter(product=draft).exists()
    assert not SyncBacklog.objects.exists()


def test_suspended_producer_hides_its_products(backend, django_capture_on_commit_callbacks):
    product = ProductFactory(name_vi="Miến dong Cao Bằng")
    with django_capture_on_commit_callbacks(execute=True):
        schedule_products([product.pk])
    assert found(backend, "mien dong") == [product.pk]
    with django_capture_on_commit_callbacks(execute=True):
        type(product.producer).objects.filter(pk=product.producer_id).update(
            verification_status="SUSPENDED"
        )
        schedule_products(producer_ids=[product.producer_id])
    assert found(backend, "mien dong") == []


def test_reindex_command_shows_progress(db, settings, capsys):
    settings.SEARCH_BACKEND = "database"
    [ProductFactory() for _ in range(2)]
    call_command("search_reindex", "--backend", "database")
    captured = capsys.readouterr()
    assert "database: 2 products indexed" in captured.out
    assert "Indexing products (database)" in captured.out + captured.err

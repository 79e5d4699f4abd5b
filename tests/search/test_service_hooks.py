"""End to end: the domain services keep the search index in step (through
`search.sync.schedule_products`, queued on commit), for both backends."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from backend.catalogue import services as catalogue
from backend.certification import services as certification
from backend.producers import services as producers
from search.backends.base import SearchFilters, SearchQuery
from tests.factories import ProducerFactory, UserFactory, product_set

pytestmark = pytest.mark.django_db


def found(backend, text="", **filters):
    return backend.search(SearchQuery(text=text, filters=SearchFilters(**filters))).product_ids


def test_services_keep_the_index_in_step(backend, django_capture_on_commit_callbacks):
    producer = ProducerFactory(name="HTX Miến Cự Đà")
    with django_capture_on_commit_callbacks(execute=True):
        product = catalogue.product_create(
            producer=producer,
            category=product_set("I-3b"),
            name_vi="Miến dong Cự Đà",
            name_en="Cu Da glass noodles",
        )
    assert found(backend, "mien") == []  # waiting for review: not public
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.product_approve(product=product)
        variant = catalogue.variant_create(
            product=product,
            sku="CD-1",
            name_vi="gói 500g",
            price_amount=45000,
            weight_grams=550,
            quantity=3,
        )
    assert found(backend, "mien dong") == [product.pk]
    assert found(backend, price_ranges=["0-100000"], in_stock=True) == [product.pk]

    with django_capture_on_commit_callbacks(execute=True):
        catalogue.stock_set(variant=variant, quantity=0)
        catalogue.variant_update(variant=variant, price_amount=150000)
    assert found(backend, in_stock=True) == []
    assert found(backend, price_ranges=["100000-300000"]) == [product.pk]

    with django_capture_on_commit_callbacks(execute=True):
        catalogue.product_update(product=product, name_en="Arrowroot noodles")
    assert found(backend, "arrowroot noodles") == [product.pk]

    staff = UserFactory(is_staff=True)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        cert = certification.ocop_certificate_create(
            product=product,
            decision_number="12/QĐ-UBND",
            issuing_authority="UBND Hà Nội",
            decision_date=today - datetime.timedelta(days=30),
            stars=4,
        )
    assert found(backend, stars=[4]) == []  # pending
    with django_capture_on_commit_callbacks(execute=True):
        certification.ocop_certificate_verify(certificate=cert, by=staff)
    assert found(backend, stars=[4]) == [product.pk]
    with django_capture_on_commit_callbacks(execute=True):
        certification.ocop_certificate_revoke(certificate=cert, note="Sai hồ sơ", by=staff)
    assert found(backend, stars=[4]) == []

    with django_capture_on_commit_callbacks(execute=True):
        producers.producer_update(producer=producer, name="HTX Làng Nghề Dong Riềng")
    assert found(backend, "dong rieng") == [product.pk]

    with django_capture_on_commit_callbacks(execute=True):
        catalogue.product_delete(product=product)  # has a certificate: archived
    assert found(backend, "mien dong") == []

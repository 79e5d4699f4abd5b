"""Verdicts follow the catalogue and certification services: creating or changing a product,
or a producer's documents, recomputes the stored verdicts once the transaction commits."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from backend.catalogue import services as catalogue
from backend.certification import services as certification
from backend.compliance.models import ProductMarketVerdict
from tests.factories import ProducerFactory, product_set

pytestmark = pytest.mark.django_db


def verdict(product, market):
    return ProductMarketVerdict.objects.get(product=product, market__code=market)


def test_product_create_and_update_recompute_on_commit(django_capture_on_commit_callbacks):
    producer = ProducerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        product = catalogue.product_create(
            producer=producer, category=product_set("I-3d"), name_vi="Ruốc thịt"
        )
    assert verdict(product, "GCC").verdict == "ELIGIBLE"
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.product_update(product=product, contains_pork=True, contains_meat=True)
    assert verdict(product, "GCC").verdict == "BLOCKED"
    assert verdict(product, "VN").verdict == "ELIGIBLE"


def test_documents_added_changed_removed_update_held(django_capture_on_commit_callbacks):
    producer = ProducerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sauce = catalogue.product_create(
            producer=producer, category=product_set("I-4a"), name_vi="Nước mắm",
            contains_seafood=True,
        )  # fmt: skip
    held = {d["kind"]: d["held"] for d in verdict(sauce, "US").documents}
    assert held["FDA_REGISTRATION"] is False
    expires = timezone.localdate() + datetime.timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        doc = certification.producer_document_create(
            producer=producer, kind="FDA_REGISTRATION", expires_on=expires
        )
    held = {d["kind"]: d for d in verdict(sauce, "US").documents}
    assert held["FDA_REGISTRATION"]["held"] is True
    assert held["FDA_REGISTRATION"]["valid_until"] == expires.isoformat()
    later = expires + datetime.timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        certification.producer_document_update(document=doc, expires_on=later)
    held = {d["kind"]: d for d in verdict(sauce, "US").documents}
    assert held["FDA_REGISTRATION"]["valid_until"] == later.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        certification.producer_document_delete(document=doc)
    held = {d["kind"]: d["held"] for d in verdict(sauce, "US").documents}
    assert held["FDA_REGISTRATION"] is False

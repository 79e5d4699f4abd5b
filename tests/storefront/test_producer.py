from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.catalogue.models import ModerationStatus
from tests.factories import (
    OcopCertificateFactory,
    ProducerDocumentFactory,
    ProducerMemberFactory,
    ProductFactory,
    ProductVariantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    m = ProducerMemberFactory()
    client.force_login(m.user)
    return m


def test_dashboard_lists_own_products_with_status_stock_and_expiring_certificates(client, member):
    mine = ProductFactory(
        producer=member.producer,
        name_vi="Mật ong bạc hà",
        moderation_status=ModerationStatus.PENDING_REVIEW,
    )
    ProductVariantFactory(product=mine, quantity=7)
    soon = timezone.localdate() - datetime.timedelta(days=36 * 30 - 20)
    OcopCertificateFactory(product=mine, decision_date=soon, decision_number="77/QĐ-UBND")
    ProducerDocumentFactory(
        producer=member.producer, expires_on=timezone.localdate() + datetime.timedelta(days=10)
    )
    theirs = ProductFactory(name_vi="Sản phẩm của người khác")
    response = client.get(reverse("storefront:producer"), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mật ong bạc hà" in html
    assert "Chờ duyệt" in html
    assert "7 / 7" in html
    assert "77/QĐ-UBND" in html  # expires within 60 days
    assert "HACCP" in html
    assert theirs.name_vi not in html
    assert "Producer dashboard" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_another_producers_product_is_404(client, member):
    theirs = ProductFactory()
    url = reverse("storefront:producer_product", args=[theirs.pk])
    assert client.get(url).status_code == 404
    mine = ProductFactory(producer=member.producer)
    ProductVariantFactory(product=mine, sku="MINE-1")
    response = client.get(reverse("storefront:producer_product", args=[mine.pk]))
    assert response.status_code == 200
    assert "MINE-1" in response.content.decode()


def test_dashboard_needs_sign_in_and_membership(client):
    response = client.get(reverse("storefront:producer"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("storefront:login"))
    client.force_login(UserFactory())
    assert client.get(reverse("storefront:producer")).status_code == 403

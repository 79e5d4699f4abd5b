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


def test_producer_edits_listing_text_price_and_stock(client, member):
    product = ProductFactory(producer=member.producer, name_vi="Trà shan tuyết")
    variant = ProductVariantFactory(product=product, quantity=5, price_amount=100000)
    url = reverse("storefront:producer_product", args=[product.pk])
    response = client.post(
        url,
        {
            "action": "listing",
            "name_vi": "Trà shan tuyết cổ thụ",
            "name_en": "Ancient shan tuyet tea",
            "description_vi": "Hái từ cây chè trăm tuổi.",
            "description_en": "Picked from century-old tea trees.",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name_en == "Ancient shan tuyet tea"
    response = client.post(
        url, {"action": "variant", "variant": variant.pk, "price_amount": "125000", "quantity": "9"}
    )
    assert response.status_code == 302
    variant.refresh_from_db()
    assert (variant.price_amount, variant.quantity) == (125000, 9)
    product.refresh_from_db()
    assert product.price_min == 125000  # the catalogue service keeps the price range


def test_stock_below_reserved_is_refused(client, member):
    product = ProductFactory(producer=member.producer)
    variant = ProductVariantFactory(product=product, quantity=5)
    type(variant).objects.filter(pk=variant.pk).update(quantity_allocated=3)
    url = reverse("storefront:producer_product", args=[product.pk])
    response = client.post(
        url, {"action": "variant", "variant": variant.pk, "price_amount": "", "quantity": "1"}
    )
    assert response.status_code == 422
    assert 'class="form-errors"' in response.content.decode()
    variant.refresh_from_db()
    assert variant.quantity == 5


def test_cannot_edit_another_producers_listing(client, member):
    theirs = ProductFactory(name_vi="Không phải của tôi")
    url = reverse("storefront:producer_product", args=[theirs.pk])
    assert client.post(url, {"action": "listing", "name_vi": "Hacked"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name_vi == "Không phải của tôi"


def test_csv_import_runs_as_a_job_and_reports_progress(
    client, member, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from backend.catalogue.models import Product

    csv = (
        "sku,product_name_vi,product_name_en,category,variant_name_vi,price_vnd,weight_grams,quantity\n"
        "IMP-1,Mật ong hoa nhãn,Longan honey,I-2b,chai 500ml,180000,700,12\n"
        "IMP-2,Mật ong hoa nhãn,Longan honey,I-2b,chai 1l,320000,1300,4\n"
    ).encode()
    upload = SimpleUploadedFile("listings.csv", csv, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("storefront:producer_import"), {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-status="SUCCESS"' in page
    assert "2 created" in page
    product = Product.objects.get(producer=member.producer, name_vi="Mật ong hoa nhãn")
    assert product.variants.count() == 2


def test_csv_import_with_a_bad_row_imports_nothing(
    client, member, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from backend.catalogue.models import ProductVariant

    csv = (
        "sku,product_name_vi,category,variant_name_vi,price_vnd,weight_grams\n"
        "BAD-1,Mật ong,I-2b,chai,180000,700\n"
        "BAD-2,Mật ong,NOT-A-SET,chai,-5,700\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("storefront:producer_import"),
            {"file": SimpleUploadedFile("bad.csv", csv, content_type="text/csv")},
        )
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-status="FAILED"' in page
    assert "<td>3</td>" in page  # the bad row is named
    assert not ProductVariant.objects.filter(sku__startswith="BAD-").exists()
    other = ProducerMemberFactory()
    client.force_login(other.user)
    assert client.get(response["Location"]).status_code == 404


def test_producer_ships_its_own_order_part(client, member, catalogue):
    from backend.orders.models import Order, ProducerOrder
    from tests.storefront.test_checkout import add, hanoi_address

    shopper = client.__class__()
    add(shopper, catalogue.cha_ca.variants.get(sku="CHACA-500"))
    add(shopper, catalogue.nuoc_mam.variants.get())
    shopper.post(reverse("storefront:checkout"), hanoi_address())
    page = shopper.get(reverse("storefront:checkout")).content.decode()
    import re

    method = re.search(r'name="delivery_method" value="([^"]+)"', page).group(1)
    shopper.post(reverse("storefront:checkout"), {"action": "delivery", "delivery_method": method})
    shopper.post(reverse("storefront:checkout"), {"action": "pay", "gateway": "ocop.payments.cod"})
    order = Order.objects.get()
    mine = ProducerOrder.objects.get(order=order, producer=catalogue.cha_ca.producer)
    theirs = ProducerOrder.objects.exclude(pk=mine.pk).get(order=order)
    member.producer = catalogue.cha_ca.producer
    member.save()
    dashboard = client.get(reverse("storefront:producer")).content.decode()
    assert order.number in dashboard
    response = client.post(
        reverse("storefront:producer_ship"),
        {"part": theirs.pk, "carrier": "GHN", "tracking_number": "X1"},
    )
    theirs.refresh_from_db()
    assert theirs.status == "UNFULFILLED"  # not this producer's part
    response = client.post(
        reverse("storefront:producer_ship"),
        {"part": mine.pk, "carrier": "GHN", "tracking_number": "GHN123456"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "FULFILLED"
    assert "GHN123456" in mine.tracking_number

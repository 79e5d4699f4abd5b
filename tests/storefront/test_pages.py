from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_lists_top_products_groups_provinces_and_villages(client, catalogue):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chả cá Lã Vọng" in html  # 5 stars
    assert "Nước mắm Phú Quốc" in html  # potential 5 stars
    assert "Bình gốm men lam" not in html  # 4 stars only: not in the top section
    assert "Chả cá Thăng Long" not in html  # expired 5-star certificate: no stars any more
    assert "Chả cá bản nháp" not in html  # draft is never public
    for code in (
        "?category=I",
        "?category=II",
        "?category=III",
        "?category=IV",
        "?category=V",
        "?category=VI",
    ):
        assert code + '"' in html
    assert "?province=01" in html and "?province=91" in html
    assert "?craft_village=bat-trang" in html


def test_product_page_shows_certificate_variants_stock_and_qr(client, catalogue):
    response = client.get(
        reverse("storefront:product", args=["cha-ca-la-vong"]), HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "OCOP-HN-0005" in html
    assert "2361/QĐ-BNNMT" in html
    assert "Bộ Nông nghiệp và Môi trường" in html
    cert = catalogue.cha_ca.current_certificate
    assert cert.expires_on.strftime("%d/%m/%Y") in html
    assert "CHACA-500" in html and "CHACA-1000" in html
    assert "180.000 ₫" in html
    assert "Hết hàng" in html  # the 1 kg box is out of stock
    assert "/trace/lot-chaca-2026-01/" in html
    assert "/trace/lot-chaca-2026-01/qr.svg" in html
    assert "Ba thế hệ làm chả cá." in html


def test_expired_certificate_shows_no_stars(client, catalogue):
    response = client.get(
        reverse("storefront:product", args=["cha-ca-thang-long"]), HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "5★ OCOP" not in html
    assert "hết hạn" in html


def test_draft_product_is_404_with_the_shop_404_page(client, catalogue):
    response = client.get(reverse("storefront:product", args=["cha-ca-ban-nhap"]))
    assert response.status_code == 404
    assert "404" in response.content.decode()
    assert 'id="main"' in response.content.decode()


def test_unknown_url_uses_404_template(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "storefront/css/site.css" in response.content.decode()


def test_english_slug_redirects_to_vietnamese_slug_in_vietnamese(client, catalogue):
    response = client.get("/p/la-vong-fish-cake/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    assert response["Location"] == "/p/cha-ca-la-vong/"


def test_a_service_says_it_is_not_shipped(client, db):
    from tests.factories import ProductFactory, ProductVariantFactory, product_set

    service = ProductFactory(slug="homestay", category=product_set("VI-1"))
    ProductVariantFactory(product=service)
    html = client.get("/p/homestay/", HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "nothing is shipped" in html


def test_server_error_shows_the_500_page_without_details(client, settings, db):
    settings.ROOT_URLCONF = "tests.storefront.urls_boom"
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi xảy ra" in html
    assert "secret detail" not in html and "Traceback" not in html

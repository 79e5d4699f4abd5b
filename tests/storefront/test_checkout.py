"""Cart and checkout pages on the checkout services, through Django's test client."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from backend.orders.models import Order
from backend.places.models import Commune
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add(client, variant, quantity=1):
    return client.post(
        reverse("storefront:cart_add"), {"variant": variant.pk, "quantity": quantity}
    )


def hanoi_address(**extra):
    commune = Commune.objects.filter(province__code="01").order_by("code").first()
    data = {
        "action": "address",
        "email": "lan@example.com",
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "street_address_1": "12 Hàng Bạc",
        "province_code": "01",
        "commune_code": commune.code,
    }
    data.update(extra)
    return data


def test_add_to_cart_from_the_product_page(client, catalogue):
    page = client.get(reverse("storefront:product", args=["cha-ca-la-vong"])).content.decode()
    assert f'action="{reverse("storefront:cart_add")}"' in page
    variant = catalogue.cha_ca.variants.get(sku="CHACA-500")
    response = add(client, variant, 2)
    assert response.status_code == 302
    cart = client.get(reverse("storefront:cart"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Chả cá Lã Vọng" in cart
    assert 'value="2"' in cart
    assert "360.000 ₫" in cart  # 2 × 180,000
    assert re.search(r'class="count"[^>]*>2<', cart)  # header count


def test_adding_bad_or_unavailable_variants_shows_errors_not_500(client, catalogue):
    out_of_stock = catalogue.cha_ca.variants.get(sku="CHACA-1000")
    draft_variant = catalogue.draft.variants.first()
    for payload in (
        {"variant": out_of_stock.pk, "quantity": 1},
        {"variant": draft_variant.pk, "quantity": 1},
        {"variant": 999999, "quantity": 1},
        {"variant": "abc", "quantity": "x"},
        {"variant": out_of_stock.pk, "quantity": -3},
    ):
        response = client.post(reverse("storefront:cart_add"), payload)
        assert response.status_code == 302, payload
        assert list(response.wsgi_request._messages), payload  # an error message was queued
    cart = client.get(reverse("storefront:cart"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your cart is empty." in cart


def test_update_and_remove_lines(client, catalogue):
    variant = catalogue.nuoc_mam.variants.get()
    add(client, variant, 1)
    client.post(reverse("storefront:cart_update"), {"variant": variant.pk, "quantity": 3})
    assert 'value="3"' in client.get(reverse("storefront:cart")).content.decode()
    line = re.search(
        r'name="line" value="(\d+)"', client.get(reverse("storefront:cart")).content.decode()
    ).group(1)
    client.post(reverse("storefront:cart_update"), {"line": line, "remove": "1"})
    cart = client.get(reverse("storefront:cart"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your cart is empty." in cart


def test_checkout_two_producers_cash_on_delivery_to_hanoi(client, catalogue):
    add(client, catalogue.cha_ca.variants.get(sku="CHACA-500"), 2)
    add(client, catalogue.nuoc_mam.variants.get(), 1)
    page = client.get(reverse("storefront:checkout"), HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(reverse("storefront:checkout"), hanoi_address())
    assert response.status_code == 302
    page = client.get(reverse("storefront:checkout"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    method = re.search(r'name="delivery_method" value="([^"]+)"', page).group(1)
    assert (
        client.post(
            reverse("storefront:checkout"), {"action": "delivery", "delivery_method": method}
        ).status_code
        == 302
    )
    page = client.get(reverse("storefront:checkout"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'value="ocop.payments.cod"' in page
    response = client.post(
        reverse("storefront:checkout"), {"action": "pay", "gateway": "ocop.payments.cod"}
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert response["Location"] == reverse("storefront:order", kwargs={"token": order.token})
    assert order.producer_orders.count() == 2
    assert order.user_email == "lan@example.com"
    confirmation = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert order.number in confirmation
    assert "HTX Chả cá Hà Thành" in confirmation
    assert "Công ty Nước mắm Phú Quốc" in confirmation
    assert "Hàng Bạc" in confirmation
    # the cart is empty afterwards, and another visitor cannot see the order
    assert client.get(reverse("storefront:cart")).context["info"] is None
    from django.test import Client

    assert Client().get(response["Location"]).status_code == 404


def test_address_errors_are_shown_by_field(client, catalogue):
    add(client, catalogue.nuoc_mam.variants.get())
    response = client.post(
        reverse("storefront:checkout"),
        hanoi_address(commune_code="", phone="12", email="not-an-email"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count('class="field-error"') >= 3
    assert 'id="id_commune_code"' in html


def test_commune_belonging_to_another_province_is_refused(client, catalogue):
    add(client, catalogue.nuoc_mam.variants.get())
    other = Commune.objects.exclude(province__code="01").first()
    response = client.post(reverse("storefront:checkout"), hanoi_address(commune_code=other.code))
    assert response.status_code == 422


def test_communes_endpoint_lists_the_province_communes(client, db):
    html = client.get(reverse("storefront:communes"), {"province_code": "01"}).content.decode()
    expected = Commune.objects.filter(province__code="01").count()
    assert html.count('<option value="') - 1 == expected
    assert client.get(reverse("storefront:communes"), {"province_code": "zz"}).status_code == 200


def test_abroad_the_address_form_asks_for_city_and_postal_code(client, catalogue):
    client.post(reverse("storefront:ship_to"), {"country": "JP", "next": "/"})
    add(client, catalogue.gom.variants.get())
    html = client.get(reverse("storefront:checkout"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="id_city"' in html and 'id="id_postal_code"' in html
    assert 'id="id_province_code"' not in html
    response = client.post(
        reverse("storefront:checkout"),
        {
            "action": "address",
            "email": "ken@example.jp",
            "full_name": "Ken Sato",
            "phone": "+81 3-1234-5678",
            "street_address_1": "1-2-3 Shibuya",
            "city": "Tokyo",
            "postal_code": "150-0002",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("storefront:checkout"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="landed-cost"' in html  # goods, duty and tax in yen from the markets domain
    assert "¥" in html[html.index('id="landed-cost"') :]


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, db):
    response = client.get(reverse("storefront:checkout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("storefront:cart")


def test_orders_list_needs_sign_in_and_shows_own_orders(client, catalogue):
    assert client.get(reverse("storefront:orders")).status_code == 302
    user = UserFactory(email="lan@example.com")
    client.force_login(user)
    add(client, catalogue.nuoc_mam.variants.get())
    client.post(reverse("storefront:checkout"), hanoi_address())
    page = client.get(reverse("storefront:checkout")).content.decode()
    method = re.search(r'name="delivery_method" value="([^"]+)"', page).group(1)
    client.post(reverse("storefront:checkout"), {"action": "delivery", "delivery_method": method})
    client.post(reverse("storefront:checkout"), {"action": "pay", "gateway": "ocop.payments.demo"})
    order = Order.objects.get(user=user)
    html = client.get(reverse("storefront:orders")).content.decode()
    assert order.number in html
    other = UserFactory()
    client.force_login(other)
    assert order.number not in client.get(reverse("storefront:orders")).content.decode()
    assert client.get(reverse("storefront:order", kwargs={"token": order.token})).status_code == 404


def _to_payment_step(client, catalogue):
    add(client, catalogue.nuoc_mam.variants.get())
    client.post(reverse("storefront:checkout"), hanoi_address())
    page = client.get(reverse("storefront:checkout")).content.decode()
    method = re.search(r'name="delivery_method" value="([^"]+)"', page).group(1)
    client.post(reverse("storefront:checkout"), {"action": "delivery", "delivery_method": method})


def test_stripe_card_form_only_when_a_key_is_set(client, catalogue, settings):
    settings.STRIPE_SECRET_KEY = ""
    _to_payment_step(client, catalogue)
    html = client.get(reverse("storefront:checkout")).content.decode()
    assert 'id="card-element"' not in html and "js.stripe.com" not in html
    settings.STRIPE_SECRET_KEY = "sk_test_secret_never_shown"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_public_123"
    html = client.get(reverse("storefront:checkout")).content.decode()
    assert 'id="card-element"' in html
    assert 'data-publishable-key="pk_test_public_123"' in html
    assert "sk_test_secret_never_shown" not in html


def test_declined_or_unknown_gateway_keeps_the_cart(client, catalogue):
    _to_payment_step(client, catalogue)
    response = client.post(reverse("storefront:checkout"), {"action": "pay", "gateway": "nope"})
    assert response.status_code == 422
    assert Order.objects.count() == 0
    assert client.get(reverse("storefront:cart")).context["info"] is not None


def test_htmx_add_to_cart_answers_a_fragment_with_the_header_count(client, catalogue):
    variant = catalogue.nuoc_mam.variants.get()
    response = client.post(
        reverse("storefront:cart_add"),
        {"variant": variant.pk, "quantity": 2},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Đã thêm vào giỏ hàng." in html
    assert 'id="cart-link" hx-swap-oob="true"' in html
    assert re.search(r'class="count"[^>]*>2<', html)
    bad = client.post(
        reverse("storefront:cart_add"), {"variant": 0, "quantity": 1}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 200 and 'class="message message-error"' in bad.content.decode()


JAPAN_ADDRESS = {
    "action": "address",
    "email": "ken@example.jp",
    "full_name": "Ken Sato",
    "phone": "+81 3-1234-5678",
    "street_address_1": "1-2-3 Shibuya",
    "city": "Tokyo",
    "postal_code": "150-0002",
}


def test_order_to_japan_with_international_shipping(client, catalogue):
    client.post(reverse("storefront:ship_to"), {"country": "JP", "next": "/"})
    add(client, catalogue.gom.variants.get())
    assert client.post(reverse("storefront:checkout"), JAPAN_ADDRESS).status_code == 302
    page = client.get(reverse("storefront:checkout"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    method = re.search(r'name="delivery_method" value="([^"]+)"', page).group(1)
    client.post(reverse("storefront:checkout"), {"action": "delivery", "delivery_method": method})
    page = client.get(reverse("storefront:checkout"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="ocop.payments.cod"' not in page  # cash on delivery is for Vietnam only
    response = client.post(
        reverse("storefront:checkout"), {"action": "pay", "gateway": "ocop.payments.demo"}
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.shipping_address.country == "JP"


def test_a_product_that_cannot_go_to_japan_is_a_problem_in_the_cart(client, catalogue):
    client.post(reverse("storefront:ship_to"), {"country": "JP", "next": "/"})
    add(client, catalogue.nem.variants.get())
    client.post(reverse("storefront:checkout"), JAPAN_ADDRESS)
    cart = client.get(reverse("storefront:cart"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="form-errors"' in cart  # the cannot-ship problem, in words
    response = client.post(
        reverse("storefront:checkout"), {"action": "pay", "gateway": "ocop.payments.demo"}
    )
    assert response.status_code == 422
    assert Order.objects.count() == 0
